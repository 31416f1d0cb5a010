// What the list's filter reads of an exchange's messages: the header lines and the body as
// text, chunk framing removed and gzip, br or deflate undone. Texts are cached per exchange
// within a bound on the characters held, the least recently used dropped first.

import { decodeContent } from '../capture/content-coding';
import { parseRequestMessage, parseResponseMessage } from '../engine/serialize';
import { headerValue } from '../engine/semantics';

export interface SearchText {
  /** `name: value` lines of the request, then of the response, lowercased. */
  headers: string;
  /** The request body, then the response body, as text, lowercased. */
  body: string;
}

/** At most this many bytes of a decoded body are searched. */
export const MAX_BODY_TEXT = 1024 * 1024;

type HeaderList = [string, string][];

/** A body decoded by its Content-Encoding; what could not be undone is searched as it is. */
export function decodeBody(body: Uint8Array, contentEncoding: string | null): Uint8Array {
  return decodeContent(body, contentEncoding, MAX_BODY_TEXT).bytes;
}

function headerLines(headers: HeaderList, into: string[]): void {
  for (const [name, value] of headers) into.push(`${name}: ${value}`);
}

function bodyText(body: Uint8Array, headers: HeaderList): string {
  if (body.length === 0) return '';
  const decoded = decodeBody(body, headerValue(headers, 'content-encoding'));
  const bytes = decoded.length > MAX_BODY_TEXT ? decoded.subarray(0, MAX_BODY_TEXT) : decoded;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** The searchable text of an exchange's request and response bytes (bad bytes: what parses). */
export function searchTextOf(request: Uint8Array, response: Uint8Array): SearchText {
  const headers: string[] = [];
  const bodies: string[] = [];
  let method: string | undefined;
  if (request.length > 0) {
    const parsed = parseRequestMessage(request);
    if (parsed.ok) {
      method = parsed.message.method;
      headerLines(parsed.message.headers, headers);
      headerLines(parsed.message.trailers, headers);
      bodies.push(bodyText(parsed.message.body, parsed.message.headers));
    }
  }
  if (response.length > 0) {
    const parsed = parseResponseMessage(response, method);
    if (parsed.ok) {
      headerLines(parsed.message.headers, headers);
      headerLines(parsed.message.trailers, headers);
      bodies.push(bodyText(parsed.message.body, parsed.message.headers));
    }
  }
  return { headers: headers.join('\n').toLowerCase(), body: bodies.join('\n').toLowerCase() };
}

/** Search texts by key, holding at most `maxChars` characters in all. */
export class SearchTextCache {
  private readonly entries = new Map<string, SearchText>();
  private chars = 0;

  constructor(private readonly maxChars = 32 * 1024 * 1024) {}

  get size(): number {
    return this.entries.size;
  }

  get heldChars(): number {
    return this.chars;
  }

  get(key: string, make: () => SearchText): SearchText {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const text = make();
    const size = text.headers.length + text.body.length;
    if (size > this.maxChars) return text;
    this.entries.set(key, text);
    this.chars += size;
    for (const [oldKey, old] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldKey);
      this.chars -= old.headers.length + old.body.length;
    }
    return text;
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}
