// Structured HTTP/1.x messages to bytes and back. Serialising writes exactly what it is given
// (a teaching tool must be able to produce broken messages); only Content-Length is computed,
// and only when asked. Parsing goes through the engine's parser, never a second one.

import type { ErrorEvent, ParserEvent, ParserOptions } from './events';
import { RequestParser, ResponseParser } from './parser';
import { statusForError } from './errors';

export type HeaderList = [name: string, value: string][];

export interface RequestMessage {
  method: string;
  target: string;
  /** The version token as written, e.g. `HTTP/1.1`. */
  version: string;
  headers: HeaderList;
  body?: Uint8Array;
}

export interface ResponseMessage {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
  body?: Uint8Array;
}

export interface SerializeOptions {
  /** 'auto' writes the body's Content-Length (replacing any); 'keep' writes the headers as given. */
  contentLength?: 'auto' | 'keep';
}

const CRLF = '\r\n';

/** Latin-1 when every character fits in a byte (the parser decodes as latin1), UTF-8 otherwise. */
export function encodeText(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return new TextEncoder().encode(text);
    bytes[i] = code;
  }
  return bytes;
}

export function decodeLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = '';
  for (let i = start; i < end; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 4096)));
  }
  return text;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function hasHeader(headers: HeaderList, name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some(([n]) => n.toLowerCase() === lower);
}

/**
 * Replaces every Content-Length with one holding `length`, at the first one's position
 * (or at the end when there was none). Transfer-Encoding wins: then nothing changes
 * (RFC 9112 §6.2: a sender MUST NOT send Content-Length with Transfer-Encoding).
 */
function withContentLength(
  headers: HeaderList,
  length: number,
  addWhenMissing: boolean,
): HeaderList {
  if (hasHeader(headers, 'transfer-encoding')) return headers;
  const out: HeaderList = [];
  let placed = false;
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'content-length') {
      out.push([name, value]);
    } else if (!placed) {
      out.push([name, String(length)]);
      placed = true;
    }
  }
  if (!placed && addWhenMissing) out.push(['Content-Length', String(length)]);
  return out;
}

/** Methods whose requests carry content by definition, so an empty body still gets `Content-Length: 0`. */
const CONTENT_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function serializeHead(
  startLine: string,
  headers: HeaderList,
  body: Uint8Array | undefined,
): Uint8Array {
  let head = startLine + CRLF;
  for (const [name, value] of headers) head += `${name}: ${value}${CRLF}`;
  head += CRLF;
  const headBytes = encodeText(head);
  return body && body.length > 0 ? concatBytes([headBytes, body]) : headBytes;
}

export function serializeRequest(
  message: RequestMessage,
  options: SerializeOptions = {},
): Uint8Array {
  const bodyLength = message.body?.length ?? 0;
  const headers =
    options.contentLength === 'auto'
      ? withContentLength(
          message.headers,
          bodyLength,
          bodyLength > 0 || CONTENT_METHODS.has(message.method),
        )
      : message.headers;
  return serializeHead(
    `${message.method} ${message.target} ${message.version}`,
    headers,
    message.body,
  );
}

/** 1xx and 204 responses MUST NOT carry Content-Length; 304 keeps whatever the user wrote (RFC 9110 §8.6). */
function responseMayDeclareLength(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

export function serializeResponse(
  message: ResponseMessage,
  options: SerializeOptions = {},
): Uint8Array {
  const headers =
    options.contentLength === 'auto' && responseMayDeclareLength(message.status)
      ? withContentLength(message.headers, message.body?.length ?? 0, true)
      : message.headers;
  const status = String(message.status).padStart(3, '0');
  return serializeHead(`${message.version} ${status} ${message.reason}`, headers, message.body);
}

/** The chunked transfer coding of `body` (RFC 9112 §7.1), in pieces of `chunkSize` bytes. */
export function encodeChunked(
  body: Uint8Array,
  chunkSize: number,
  trailers: HeaderList = [],
): Uint8Array {
  const size = Math.max(1, Math.floor(chunkSize));
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, Math.min(body.length, at + size));
    parts.push(encodeText(piece.length.toString(16) + CRLF), piece, encodeText(CRLF));
  }
  let tail = '0' + CRLF;
  for (const [name, value] of trailers) tail += `${name}: ${value}${CRLF}`;
  parts.push(encodeText(tail + CRLF));
  return concatBytes(parts);
}

// ---- Parsing back into the structured form ----

export interface ParsedMessageParts {
  version: string;
  headers: HeaderList;
  trailers: HeaderList;
  /** The decoded body (chunk framing removed). */
  body: Uint8Array;
  /** Number of bytes of the input this message used (head, body, trailers). */
  length: number;
}

export type ParsedRequest = Required<RequestMessage> & ParsedMessageParts;
export type ParsedResponse = Required<ResponseMessage> & ParsedMessageParts;

export type ParseOutcome<T> = { ok: true; message: T } | { ok: false; error: ErrorEvent };

/**
 * Merges events that continue one another (same token type, adjacent spans): the parser may
 * report one token in several events when it arrives across chunk boundaries.
 */
export function coalesceEvents(events: readonly ParserEvent[]): ParserEvent[] {
  const out: ParserEvent[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (
      last &&
      last.type === event.type &&
      last.offset + last.length === event.offset &&
      event.length > 0
    ) {
      const merged = mergeAdjacent(last, event);
      if (merged) {
        out[out.length - 1] = merged;
        continue;
      }
    }
    out.push(event);
  }
  return out;
}

function mergeAdjacent(a: ParserEvent, b: ParserEvent): ParserEvent | null {
  const length = a.length + b.length;
  switch (a.type) {
    case 'method':
    case 'target':
    case 'reason':
    case 'chunkExtensionName':
    case 'chunkExtensionValue':
      return b.type === a.type ? { ...a, length, value: a.value + b.value } : null;
    case 'headerName':
    case 'headerValue':
      return b.type === a.type && b.trailer === a.trailer
        ? { ...a, length, value: a.value + b.value }
        : null;
    case 'body':
    case 'tunnel':
      return b.type === a.type ? { ...a, length, data: concatBytes([a.data, b.data]) } : null;
    default:
      return null;
  }
}

interface MessageDraft {
  method: string;
  target: string;
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
  trailers: HeaderList;
  body: Uint8Array[];
  start: number;
  end: number;
}

/** Folds the events of one message (up to and including messageComplete) into a draft. */
function foldFirstMessage(events: readonly ParserEvent[]): MessageDraft | ErrorEvent | null {
  const draft: MessageDraft = {
    method: '',
    target: '',
    version: '',
    status: 0,
    reason: '',
    headers: [],
    trailers: [],
    body: [],
    start: -1,
    end: 0,
  };
  for (const event of coalesceEvents(events)) {
    if (draft.start < 0 && event.type !== 'error') draft.start = event.offset;
    switch (event.type) {
      case 'method':
        draft.method = event.value;
        break;
      case 'target':
        draft.target = event.value;
        break;
      case 'version':
        draft.version = `HTTP/${event.major}.${event.minor}`;
        break;
      case 'status':
        draft.status = event.code;
        break;
      case 'reason':
        draft.reason = event.value;
        break;
      case 'headerName':
        (event.trailer ? draft.trailers : draft.headers).push([event.value, '']);
        break;
      case 'headerValue': {
        const list = event.trailer ? draft.trailers : draft.headers;
        const last = list[list.length - 1];
        if (last) last[1] = event.value;
        break;
      }
      case 'body':
        draft.body.push(event.data.slice());
        break;
      case 'error':
        return event;
      case 'messageComplete':
        draft.end = event.offset + event.length;
        return draft;
      default:
        break;
    }
  }
  return null;
}

function truncatedError(offset: number): ErrorEvent {
  const code = 'INVALID_EOF_STATE';
  return {
    type: 'error',
    code,
    offset,
    length: 0,
    reason: 'Message ended early',
    status: statusForError(code),
  };
}

function runParser(parser: RequestParser | ResponseParser, bytes: Uint8Array): ParserEvent[] {
  return [...parser.push(bytes), ...parser.finish()];
}

function toParts(draft: MessageDraft): ParsedMessageParts {
  return {
    version: draft.version,
    headers: draft.headers,
    trailers: draft.trailers,
    body: concatBytes(draft.body),
    length: draft.end - Math.max(0, draft.start),
  };
}

/** Parses the first request in `bytes`. */
export function parseRequestMessage(
  bytes: Uint8Array,
  options: ParserOptions = {},
): ParseOutcome<ParsedRequest> {
  const folded = foldFirstMessage(runParser(new RequestParser(options), bytes));
  if (folded === null) return { ok: false, error: truncatedError(bytes.length) };
  if ('type' in folded) return { ok: false, error: folded };
  return {
    ok: true,
    message: { method: folded.method, target: folded.target, ...toParts(folded) },
  };
}

/** Parses the first response in `bytes`; `requestMethod` frames answers to HEAD and CONNECT. */
export function parseResponseMessage(
  bytes: Uint8Array,
  requestMethod?: string,
  options: ParserOptions = {},
): ParseOutcome<ParsedResponse> {
  const parser = new ResponseParser({
    ...options,
    requestMethods: requestMethod ? [requestMethod] : options.requestMethods,
  });
  const folded = foldFirstMessage(runParser(parser, bytes));
  if (folded === null) return { ok: false, error: truncatedError(bytes.length) };
  if ('type' in folded) return { ok: false, error: folded };
  return {
    ok: true,
    message: { status: folded.status, reason: folded.reason, ...toParts(folded) },
  };
}
