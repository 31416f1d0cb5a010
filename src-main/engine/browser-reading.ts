// Every response read twice: strictly, by RFC 9112, and as a browser reads it. The browser's
// reading runs the same parser: it parses strictly and, at each error a browser tolerates,
// records the departure from the RFC as a named deviation with its byte span and parses again
// with that leniency on (a lenient flag, or a same-length substitution on a copy of the bytes,
// so every offset stays an offset into the bytes given). The leniencies are those of Chromium's
// HTTP/1.x reader (net/http/http_stream_parser.cc, http_response_headers.cc, http_util.cc),
// which Firefox shares in substance: bare LF line ends, a status line found within the first
// four bytes (leading empty lines or junk skipped), a version that is not DIGIT "." DIGIT read
// as 1.0, field lines without a valid name ignored, a close-delimited body, and a body or a
// head cut by the close read as truncated. What a browser refuses too (no status line, which it
// would read as HTTP/0.9 and refuse on any port but the scheme's default, or an error it has
// no leniency for) stays an error: `refused`.

import { decodeLatin1, encodeLatin1 } from './bytes';
import type { AnyErrorCode } from './errors';
import type { ErrorEvent, LenientFlags, ParserEvent, Span } from './events';
import { ResponseParser } from './parser';
import {
  MessageAssembler,
  fieldValue,
  type AssembledMessage,
  type Field,
  type MessageHead,
  type PartialHead,
} from './message';

/** Each departure from the RFCs a browser reads past, with the section that it departs from. */
export const DEVIATION_RFC = {
  /** Empty lines (CR/LF) before the status line. */
  LEADING_EMPTY_LINE: 'RFC 9112 §2.2',
  /** Other bytes before the status line (a browser looks for `HTTP` in the first 5 bytes). */
  JUNK_BEFORE_STATUS_LINE: 'RFC 9112 §2.1',
  /** The version is not `HTTP/` DIGIT "." DIGIT (e.g. `HTTP/1.x`, `http/1.1`). */
  MALFORMED_VERSION: 'RFC 9112 §2.3',
  /** A well-formed version with a major version other than 1 (read as HTTP/1.1). */
  UNSUPPORTED_VERSION: 'RFC 9110 §2.5',
  /** A line ended by LF alone. */
  BARE_LF: 'RFC 9112 §2.2',
  /** A line of the head that is not a field line (no valid name and colon): ignored. */
  INVALID_FIELD_LINE: 'RFC 9112 §5',
  /** A field value continued on the next line (obs-fold): read as spaces. */
  OBS_FOLD: 'RFC 9112 §5.2',
  /** The connection closed before the empty line: the head is cut (no body). */
  HEAD_NOT_TERMINATED: 'RFC 9112 §8',
  /** No Content-Length and not chunked: the body ends only when the connection closes. */
  CLOSE_DELIMITED: 'RFC 9110 §8.6',
  /** The connection closed before the bytes its Content-Length promised. */
  CONTENT_LENGTH_TOO_LARGE: 'RFC 9112 §6.3',
  /** The connection closed in the middle of a chunked body. */
  BODY_TRUNCATED: 'RFC 9112 §8',
  /** Bytes after the end of the response (e.g. a Content-Length too small). */
  DATA_AFTER_MESSAGE: 'RFC 9112 §6.3',
  /** A body and no Content-Type: the browser guesses (sniffs) the type. */
  NO_CONTENT_TYPE: 'RFC 9110 §8.3',
  /** The body is an image (by its signature) but Content-Type names another kind of media. */
  CONTENT_TYPE_MISMATCH: 'RFC 9110 §8.3',
} as const satisfies Record<string, string>;

export type DeviationCode = keyof typeof DEVIATION_RFC;

export const DEVIATION_CODES = Object.keys(DEVIATION_RFC) as DeviationCode[];

/** The key of a deviation's explanation in the catalogue (explanations/deviations.ts). */
export function deviationExplanationKey(code: DeviationCode): string {
  return `deviation.${code}`;
}

export function isDeviationCode(value: unknown): value is DeviationCode {
  return typeof value === 'string' && Object.hasOwn(DEVIATION_RFC, value);
}

/** One departure from the RFC that a browser reads past, with its exact byte span. */
export interface Deviation {
  code: DeviationCode;
  /** Offset of the first byte concerned in the bytes read (0-length for what is missing). */
  offset: number;
  length: number;
  /** The section departed from, e.g. `RFC 9112 §2.2` (also in DEVIATION_RFC). */
  rfc: string;
}

/** The engine's error info: the parser's error (or NOT_HTTP), in the shape of ParseErrorInfo. */
export interface ReadError {
  code: AnyErrorCode;
  /** Offset in the bytes read (llhttp's convention: a bare LF is reported one byte after it). */
  offset: number;
  reason: string;
  status: number;
}

/**
 * How the browser's reading ends: `complete` by the message's own framing (or, for a
 * close-delimited body, the close); `truncated` when the close came first (`missing` says by how
 * many bytes when a Content-Length says it); `waiting` when the bytes are not complete and the
 * browser would wait for more; `refused` when a browser refuses the response too.
 */
export type ReadingEnd = 'complete' | 'truncated' | 'waiting' | 'refused';

export interface ResponseReading {
  /** The strict RFC 9112 reading of the bytes (with `complete: false` an unfinished message is not an error). */
  strict: { ok: boolean; error: ReadError | null };
  /**
   * The response as a browser reads it: head (fields it ignores left out), body (a truncated one
   * when `end` is `truncated`). Null when refused or still waiting. Spans are offsets into the
   * bytes given; `head.version` is the version the browser uses (`HTTP/1.x` reads as HTTP/1.0).
   */
  browser: AssembledMessage | null;
  /** In byte order; empty when the response is conformant. */
  deviations: Deviation[];
  /** Why a browser refuses it too; null otherwise. */
  refused: ReadError | null;
  end: ReadingEnd;
  /** `truncated` by a Content-Length: how many body bytes never came; null otherwise. */
  missing: number | null;
}

export interface ReadResponseOptions {
  /** The method of the request answered (HEAD: no body; CONNECT: a tunnel after a 2xx). */
  requestMethod: string;
  /** The bytes are all there is: the connection closed after them. */
  complete: boolean;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
/** Chromium looks for `HTTP` at offsets 0 to 4 (HttpUtil::LocateStartOfStatusLine). */
const STATUS_LINE_SLOP = 4;
/** Chromium's limit for a response head (kMaxHeaderBufSize). */
const BROWSER_MAX_HEAD = 256 * 1024;
/** Parses of one response at most: each tolerated error costs one. */
const MAX_PASSES = 256;

/** Reads the first response in `bytes` strictly and as a browser does. Never throws. */
export function readResponse(bytes: Uint8Array, options: ReadResponseOptions): ResponseReading {
  const strict = strictReading(bytes, options);
  try {
    return new BrowserReading(bytes, options, strict).read();
  } catch {
    // The parser never throws by contract; should it, the bytes are still refused, not lost.
    const refused = strict.error ?? notHttp(0, 'The bytes could not be read');
    return { strict, browser: null, deviations: [], refused, end: 'refused', missing: null };
  }
}

function toReadError(error: ErrorEvent): ReadError {
  return { code: error.code, offset: error.offset, reason: error.reason, status: error.status };
}

function notHttp(offset: number, reason: string): ReadError {
  return { code: 'NOT_HTTP', offset, reason, status: 0 };
}

/** The strict parser over the whole stream: any error in it, bytes after the response too. */
function strictReading(bytes: Uint8Array, options: ReadResponseOptions): ResponseReading['strict'] {
  try {
    const parser = new ResponseParser({ requestMethods: [options.requestMethod] });
    const events = parser.push(bytes);
    if (options.complete) events.push(...parser.finish());
    for (const event of events) {
      if (event.type === 'error') return { ok: false, error: toReadError(event) };
    }
    return { ok: true, error: null };
  } catch {
    return { ok: false, error: notHttp(0, 'The bytes could not be read') };
  }
}

type Tolerance = 'retry' | 'wait' | null;

interface Pass {
  /** The first final response (interim 1xx responses are skipped). */
  message: AssembledMessage | null;
  error: { error: ErrorEvent; head: PartialHead | MessageHead | null; body: Uint8Array } | null;
  /** The head being read when the bytes ran out (complete: false). */
  current: PartialHead | MessageHead | null;
  /** Chunk-size lines and the line ends after chunk data: framing lines outside the head. */
  framingLines: Span[];
}

class BrowserReading {
  private readonly bytes: Uint8Array;
  private readonly options: ReadResponseOptions;
  private readonly strict: ResponseReading['strict'];
  /** The bytes as parsed: a copy once something is substituted. */
  private work: Uint8Array;
  private copied = false;
  private readonly lenient: Partial<LenientFlags> = {};
  private replaceObsFold = false;
  private readonly deviations: Deviation[] = [];
  /** Offsets of the field lines the browser ignores (parsed as placeholders). */
  private readonly ignoredLines = new Set<number>();

  constructor(bytes: Uint8Array, options: ReadResponseOptions, strict: ResponseReading['strict']) {
    this.bytes = bytes;
    this.work = bytes;
    this.options = options;
    this.strict = strict;
  }

  read(): ResponseReading {
    const start = this.statusLineStart();
    if (start < 0) {
      if (!this.options.complete && this.bytes.length < STATUS_LINE_SLOP + 4) {
        return this.result(null, 'waiting', null, null);
      }
      return this.result(
        null,
        'refused',
        this.strict.error ??
          notHttp(
            0,
            'No status line: a browser reads this as HTTP/0.9, which it refuses on any port but 80',
          ),
        null,
      );
    }
    const first = firstNonEmpty(this.bytes);
    if (first > 0) this.deviate('LEADING_EMPTY_LINE', 0, Math.min(first, start));
    if (start > first) {
      // Junk before `HTTP`: blanked to LF, which the parser skips like the empty lines.
      this.deviate('JUNK_BEFORE_STATUS_LINE', first, start - first);
      this.substitute(first, new Uint8Array(start - first).fill(LF));
    }
    if (!this.fixVersion(start)) return this.result(null, 'waiting', null, null);

    for (let passes = 0; passes < MAX_PASSES; passes++) {
      const pass = this.parse();
      if (pass.message !== null) return this.finishMessage(pass.message, pass.framingLines);
      if (pass.error === null) {
        // Not complete: the browser waits for the rest (of the head, or of the body).
        const head = pass.current;
        if (head !== null)
          this.scanBareLf(head.offset, 'headEnd' in head ? head.headEnd : this.work.length);
        return this.result(null, 'waiting', null, null);
      }
      const { error, head, body } = pass.error;
      const tolerance = this.tolerate(error, head);
      if (tolerance === 'retry') continue;
      if (tolerance === 'wait') return this.result(null, 'waiting', null, null);
      if (error.code === 'INVALID_EOF_STATE' && this.options.complete && head !== null) {
        const truncated = this.truncated(head, body, pass.framingLines);
        if (truncated !== null) return truncated;
      }
      if (head !== null) this.scanBareLf(head.offset, Math.min(error.offset, this.work.length));
      return this.result(null, 'refused', toReadError(error), null);
    }
    return this.result(null, 'refused', this.strict.error ?? notHttp(0, 'Too many errors'), null);
  }

  /** Where `HTTP` (any case) starts within the first bytes, as Chromium looks for it; -1: none. */
  private statusLineStart(): number {
    const bytes = this.bytes;
    for (let i = 0; i <= STATUS_LINE_SLOP && i + 4 <= bytes.length; i++) {
      if (
        (bytes[i]! | 0x20) === 0x68 &&
        (bytes[i + 1]! | 0x20) === 0x74 &&
        (bytes[i + 2]! | 0x20) === 0x74 &&
        (bytes[i + 3]! | 0x20) === 0x70
      ) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Chromium's version rule: `HTTP/` (any case), a digit, and a digit after the line's first
   * dot; anything else is 0.0; then at least 1.1 reads as 1.1, 0.9 and 2.0 as themselves, the
   * rest as 1.0. A version token of 8 bytes that is not canonical is rewritten in place.
   */
  private fixVersion(start: number): boolean {
    const bytes = this.bytes;
    let end = start;
    while (end < bytes.length && bytes[end] !== SP && bytes[end] !== CR && bytes[end] !== LF) end++;
    // A version still arriving: the browser waits for it.
    if (end === bytes.length && end - start < 8 && !this.options.complete) return false;
    const token = decodeLatin1(bytes, start, end);
    const canonical = /^HTTP\/(\d)\.(\d)$/.exec(token);
    if (canonical !== null) {
      const major = Number(canonical[1]);
      const v = major * 10 + Number(canonical[2]);
      if (major !== 1 && v !== 9 && v !== 20) {
        this.deviate('UNSUPPORTED_VERSION', start, end - start);
        this.substitute(start, encodeLatin1(v > 11 ? 'HTTP/1.1' : 'HTTP/1.0'));
      }
      return true;
    }
    if (token.length !== 8 || token[4] !== '/') return true;
    let lineEnd = end;
    while (lineEnd < bytes.length && bytes[lineEnd] !== CR && bytes[lineEnd] !== LF) lineEnd++;
    const line = decodeLatin1(bytes, start, lineEnd);
    const dot = line.indexOf('.', 5);
    let major = 0;
    let minor = 0;
    if (isDigit(line[5]) && dot >= 0 && isDigit(line[dot + 1])) {
      major = Number(line[5]);
      minor = Number(line[dot + 1]);
    }
    const v = major * 10 + minor;
    const read = v === 9 || v === 20 ? `HTTP/${major}.${minor}` : v >= 11 ? 'HTTP/1.1' : 'HTTP/1.0';
    this.deviate('MALFORMED_VERSION', start, end - start);
    this.substitute(start, encodeLatin1(read));
    return true;
  }

  /**
   * At an error a browser reads past: records it and adjusts ('retry': parse again), or 'wait'
   * when the error is only that a line is still arriving; null when a browser refuses it too.
   */
  private tolerate(error: ErrorEvent, head: PartialHead | MessageHead | null): Tolerance {
    const work = this.work;
    if (!this.lenient.optionalCrBeforeLf) {
      // The parser reports a bare LF at it or one byte after it, whatever the state.
      for (const at of [error.offset - 1, error.offset]) {
        if (at >= 0 && work[at] === LF && (at === 0 || work[at - 1] !== CR)) {
          this.lenient.optionalCrBeforeLf = true;
          return 'retry';
        }
      }
    }
    if (error.code === 'OBS_FOLD' && !this.replaceObsFold && head?.startLineEnd != null) {
      // A user agent replaces each fold with spaces (RFC 9112 §5.2); the spans stay.
      this.replaceObsFold = true;
      return 'retry';
    }
    if (
      head !== null &&
      !('headEnd' in head) &&
      head.startLineEnd !== null &&
      (error.code === 'INVALID_HEADER_TOKEN' || error.code === 'WHITESPACE_BEFORE_COLON')
    ) {
      return this.ignoreLine(error.offset, head.startLineEnd);
    }
    return null;
  }

  /** Turns the field line around `at` into a placeholder field (`x:xx…`) left out afterwards. */
  private ignoreLine(at: number, headStart: number): Tolerance {
    const work = this.work;
    let start = Math.min(at, work.length);
    while (start > headStart && work[start - 1] !== LF) start--;
    let end = start;
    while (end < work.length && work[end] !== LF) end++;
    if (end === work.length && !this.options.complete) return 'wait';
    if (end > start && work[end - 1] === CR) end--;
    if (end - start < 2 || this.ignoredLines.has(start)) return null;
    const placeholder = new Uint8Array(end - start).fill(0x78);
    placeholder[1] = 0x3a;
    this.ignoredLines.add(start);
    this.deviate('INVALID_FIELD_LINE', start, end - start);
    this.substitute(start, placeholder);
    return 'retry';
  }

  private parse(): Pass {
    const parser = new ResponseParser({
      lenient: this.lenient,
      limits: { maxHeadBytes: BROWSER_MAX_HEAD, maxHeaders: 10_000 },
      requestMethods: [this.options.requestMethod],
      replaceObsFold: this.replaceObsFold,
    });
    const assembler = new MessageAssembler('response');
    const pass: Pass = { message: null, error: null, current: null, framingLines: [] };
    const take = (events: ParserEvent[]): boolean => {
      let until = events.length;
      for (const event of assembler.push(events)) {
        if (event.type === 'message') {
          const status = event.message.head.status ?? 0;
          if (status >= 200 || status === 101) {
            pass.message = event.message;
            until = event.message.span.offset + event.message.span.length;
            break;
          }
        } else if (event.type === 'error') {
          pass.error = { error: event.error, head: event.head, body: event.body };
          break;
        }
      }
      const limit = pass.message === null ? Infinity : until;
      for (const event of events) {
        if (event.offset >= limit) break;
        if (event.type === 'chunkHeader' || event.type === 'chunkComplete') {
          pass.framingLines.push({ offset: event.offset, length: event.length });
        }
      }
      return pass.message === null && pass.error === null;
    };
    if (take(parser.push(this.work)) && this.options.complete) take(parser.finish());
    if (pass.message === null && pass.error === null) pass.current = assembler.current;
    return pass;
  }

  /** A complete message: the deviations only the whole message shows, then the result. */
  private finishMessage(message: AssembledMessage, framingLines: Span[]): ResponseReading {
    const head = this.browserHead(message.head);
    const browser: AssembledMessage = { ...message, head };
    this.scanBareLf(head.offset, head.headEnd);
    for (const line of framingLines) this.scanBareLf(line.offset, line.offset + line.length);
    for (const trailer of message.trailers) {
      this.scanBareLf(trailer.line.offset, trailer.line.offset + trailer.line.length);
    }
    this.bodyDeviations(browser);
    const end = message.span.offset + message.span.length;
    if (end < this.bytes.length) this.deviate('DATA_AFTER_MESSAGE', end, this.bytes.length - end);
    return this.result(browser, 'complete', null, null);
  }

  /** The connection closed first: a cut body, or a cut head once the status line is in. */
  private truncated(
    head: PartialHead | MessageHead,
    body: Uint8Array,
    framingLines: Span[],
  ): ResponseReading | null {
    const length = this.work.length;
    if ('headEnd' in head) {
      const full = this.browserHead(head);
      this.scanBareLf(full.offset, full.headEnd);
      for (const line of framingLines) this.scanBareLf(line.offset, line.offset + line.length);
      let missing: number | null = null;
      if (full.framing === 'content-length' && full.contentLength !== null) {
        missing = Math.max(0, full.contentLength - body.length);
        const field = full.fields.find((f) => f.name.toLowerCase() === 'content-length');
        const span = field?.valueSpan ?? { offset: full.headEnd, length: 0 };
        this.deviate('CONTENT_LENGTH_TOO_LARGE', span.offset, span.length);
      } else {
        this.deviate('BODY_TRUNCATED', length, 0);
      }
      const browser: AssembledMessage = {
        head: full,
        body,
        bodyLength: body.length,
        trailers: [],
        span: { offset: full.offset, length: length - full.offset },
      };
      this.bodyDeviations(browser);
      return this.result(browser, 'truncated', null, missing);
    }
    if (head.startLineEnd === null || head.status === null) return null;
    // Chromium reads the fields it has (HEADER_ALLOWED_TRUNCATED_HEADERS) and no body.
    const full = this.browserHead({
      ...head,
      headEnd: length,
      framing: 'none',
      contentLength: null,
      keepAlive: false,
      upgrade: false,
    });
    this.scanBareLf(full.offset, length);
    this.deviate('HEAD_NOT_TERMINATED', length, 0);
    const browser: AssembledMessage = {
      head: full,
      body: new Uint8Array(0),
      bodyLength: 0,
      trailers: [],
      span: { offset: full.offset, length: length - full.offset },
    };
    return this.result(browser, 'truncated', null, null);
  }

  /** The head without the placeholder fields of ignored lines. */
  private browserHead(head: MessageHead): MessageHead {
    if (this.ignoredLines.size === 0) return head;
    const fields: Field[] = head.fields.filter(
      (field) => !this.ignoredLines.has(field.line.offset),
    );
    return { ...head, fields };
  }

  private bodyDeviations(message: AssembledMessage): void {
    const head = message.head;
    if (head.framing === 'close-delimited') {
      this.deviate('CLOSE_DELIMITED', head.headEnd, message.bodyLength);
    }
    if (message.bodyLength === 0) return;
    const contentType = fieldValue(head.fields, 'content-type');
    if (contentType === null) {
      const crlf = head.headEnd >= 2 && this.bytes[head.headEnd - 2] === CR ? 2 : 1;
      this.deviate('NO_CONTENT_TYPE', head.headEnd - crlf, crlf);
      return;
    }
    const essence = contentType.split(';')[0]!.trim().toLowerCase();
    if (isImage(message.body) && !essence.startsWith('image/')) {
      const field = head.fields.find((f) => f.name.toLowerCase() === 'content-type')!;
      this.deviate('CONTENT_TYPE_MISMATCH', field.valueSpan.offset, field.valueSpan.length);
    }
  }

  /**
   * One BARE_LF per LF without CR before it in [from, to) of the bytes given, and one OBS_FOLD
   * per line end followed by whitespace (a fold: the line end and the whitespace).
   */
  private scanBareLf(from: number, to: number): void {
    const bytes = this.bytes;
    const end = Math.min(to, bytes.length);
    for (let i = bytes.indexOf(LF, from); i >= 0 && i < end; i = bytes.indexOf(LF, i + 1)) {
      const crlf = i > 0 && bytes[i - 1] === CR;
      if (!crlf) this.deviate('BARE_LF', i, 1);
      if (!this.replaceObsFold) continue;
      let ws = i + 1;
      while (ws < end && (bytes[ws] === SP || bytes[ws] === HTAB)) ws++;
      if (ws > i + 1) {
        const start = crlf ? i - 1 : i;
        this.deviate('OBS_FOLD', start, ws - start);
      }
    }
  }

  private deviate(code: DeviationCode, offset: number, length: number): void {
    this.deviations.push({ code, offset, length, rfc: DEVIATION_RFC[code] });
  }

  private substitute(at: number, replacement: Uint8Array): void {
    if (!this.copied) {
      // A copy (a Buffer's slice would be a view of the caller's bytes).
      this.work = new Uint8Array(this.bytes);
      this.copied = true;
    }
    this.work.set(replacement, at);
  }

  private result(
    browser: AssembledMessage | null,
    end: ReadingEnd,
    refused: ReadError | null,
    missing: number | null,
  ): ResponseReading {
    const deviations = this.deviations.sort((a, b) => a.offset - b.offset || a.length - b.length);
    return {
      strict: this.strict,
      browser: end === 'refused' ? null : browser,
      deviations,
      refused,
      end,
      missing,
    };
  }
}

function firstNonEmpty(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && (bytes[i] === CR || bytes[i] === LF)) i++;
  return i;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** JPEG, PNG, GIF or WebP by their first bytes (the signatures browsers sniff). */
function isImage(body: Uint8Array): boolean {
  const b = body;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    return true;
  }
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38)
    return true;
  return b.length >= 12 && decodeLatin1(b, 0, 4) === 'RIFF' && decodeLatin1(b, 8, 12) === 'WEBP';
}
