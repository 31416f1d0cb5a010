// The HTTP/1.x state machine shared by the request and response parsers: one pass over the
// bytes, spans as absolute offsets, strings decoded only for tokens, bodies as views.
// Error offsets follow llhttp's where it reports a byte after the offending one (a bare LF, a
// space after the start line, data after close), so the engine can be checked against its corpus.
import { reasonForError, statusForError } from './errors';
import type {
  BodyFraming,
  ErrorCode,
  LenientFlags,
  ParserEvent,
  ParserLimits,
  ParserOptions,
} from './events';
import {
  FIELD_VALUE,
  FIELD_VALUE_RELAXED,
  HEX,
  REASON,
  TARGET,
  TOKEN,
  latin1,
} from './parser-tables';
import { parseTarget } from './target';
import { statusHasNoContent } from './semantics';

export const DEFAULT_LIMITS: ParserLimits = {
  maxHeadBytes: 64 * 1024,
  maxTargetLength: 8 * 1024,
  maxHeaders: 200,
  maxBodyBytes: Infinity,
};

const DEFAULT_LENIENT: LenientFlags = {
  headers: false,
  chunkedLength: false,
  keepAlive: false,
  transferEncoding: false,
  version: false,
  dataAfterClose: false,
  optionalLfAfterCr: false,
  optionalCrlfAfterChunk: false,
  optionalCrBeforeLf: false,
  spacesAfterChunkSize: false,
  headerValueRelaxed: false,
};

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;
const SEMI = 0x3b;
const EQ = 0x3d;
const DQUOTE = 0x22;
const BSLASH = 0x5c;

// States.
const IDLE = 0;
const METHOD = 1;
const TARGET_START = 2;
const TARGET_S = 3;
const PROTO = 4;
const V_MAJOR = 5;
const V_DOT = 6;
const V_MINOR = 7;
const REQ_LINE_END = 8;
const LINE_LF = 9;
const STATUS_S = 10;
const STATUS_END = 11;
const REASON_S = 12;
const FIRST_FIELD = 13;
const LINE_START = 14;
const NAME = 15;
const NAME_WS = 16;
const VALUE_OWS = 17;
const VALUE = 18;
const VALUE_CR = 19;
const VALUE_EOL = 20;
const EMPTY_VALUE_LF = 21;
const HEAD_END_LF = 22;
const BODY_CL = 23;
const BODY_EOF = 24;
const CHUNK_SIZE_START = 25;
const CHUNK_SIZE = 26;
const CHUNK_SIZE_WS = 27;
const CHUNK_EXT_NAME_START = 28;
const CHUNK_EXT_NAME = 29;
const CHUNK_EXT_VALUE_START = 30;
const CHUNK_EXT_VALUE = 31;
const CHUNK_EXT_QUOTED = 32;
const CHUNK_EXT_QUOTED_ESC = 33;
const CHUNK_EXT_AFTER_QUOTED = 34;
const CHUNK_SIZE_LF = 35;
const CHUNK_DATA = 36;
const CHUNK_DATA_CR = 37;
const CHUNK_DATA_LF = 38;
const TUNNEL = 39;
const CLOSED = 40;
const FAILED = 41;
const CHUNK_EXT_NAME_BWS = 42;
const CHUNK_EXT_VALUE_BWS = 43;

// Header fields the framing depends on.
const H_OTHER = 0;
const H_CONTENT_LENGTH = 1;
const H_TRANSFER_ENCODING = 2;
const H_CONNECTION = 3;
const H_UPGRADE = 4;

const CRLF = new Uint8Array([CR, LF]);
const CR_ONLY = new Uint8Array([CR]);
const LF_ONLY = new Uint8Array([LF]);
const UTF8_DECODER = new TextDecoder('utf-8');
const BYTE_DECODER = new TextDecoder('latin1');
const U64_MAX = 18446744073709551615n;
const MIN_REGION = 1024;
const MAX_REGION = 16384;
const HTTP_LITERAL = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

function headerKind(name: string): number {
  // Each name of interest starts with c, t or u (any case): most names are out after one test.
  const first = name.charCodeAt(0) | 0x20;
  if (first !== 0x63 && first !== 0x74 && first !== 0x75) return H_OTHER;
  switch (name.length) {
    case 14:
      return name.toLowerCase() === 'content-length' ? H_CONTENT_LENGTH : H_OTHER;
    case 17:
      return name.toLowerCase() === 'transfer-encoding' ? H_TRANSFER_ENCODING : H_OTHER;
    case 10:
      return name.toLowerCase() === 'connection' ? H_CONNECTION : H_OTHER;
    case 7:
      return name.toLowerCase() === 'upgrade' ? H_UPGRADE : H_OTHER;
    default:
      return H_OTHER;
  }
}

const LOWER_CONTENT_LENGTH = asciiBytes('content-length');
const LOWER_TRANSFER_ENCODING = asciiBytes('transfer-encoding');
const LOWER_CONNECTION = asciiBytes('connection');
const LOWER_UPGRADE = asciiBytes('upgrade');

function asciiBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** bytes[start, …) is `lower` in any case (`lower` holds lower-case letters and `-` only). */
function equalsLower(bytes: Uint8Array, start: number, lower: Uint8Array): boolean {
  for (let k = 0; k < lower.length; k++) if ((bytes[start + k] | 0x20) !== lower[k]) return false;
  return true;
}

/** headerKind for the token in bytes[start, end), without decoding it. */
function headerKindAt(bytes: Uint8Array, start: number, end: number): number {
  const first = bytes[start] | 0x20;
  if (first !== 0x63 && first !== 0x74 && first !== 0x75) return H_OTHER;
  switch (end - start) {
    case 14:
      return equalsLower(bytes, start, LOWER_CONTENT_LENGTH) ? H_CONTENT_LENGTH : H_OTHER;
    case 17:
      return equalsLower(bytes, start, LOWER_TRANSFER_ENCODING) ? H_TRANSFER_ENCODING : H_OTHER;
    case 10:
      return equalsLower(bytes, start, LOWER_CONNECTION) ? H_CONNECTION : H_OTHER;
    case 7:
      return equalsLower(bytes, start, LOWER_UPGRADE) ? H_UPGRADE : H_OTHER;
    default:
      return H_OTHER;
  }
}

function isOwsCode(c: number): boolean {
  return c === SP || c === HT || c === CR || c === LF;
}

/**
 * Strips OWS (SP, HTAB, and the CRLF a lenient obs-fold leaves in a value) from a list element;
 * String#trim would also strip NBSP (0xA0), which is not whitespace in HTTP (RFC 9110 §5.6.3).
 */
function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOwsCode(s.charCodeAt(a))) a++;
  while (b > a && isOwsCode(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

export class HttpParser {
  private readonly isRequest: boolean;
  private readonly lenient: LenientFlags;
  private readonly limits: ParserLimits;
  private readonly valueTable: Uint8Array;
  private readonly methodQueue: string[];
  private readonly replaceObsFold: boolean;

  private out: ParserEvent[] = [];
  private state = IDLE;
  /** Absolute offset of the first byte of the chunk being parsed. */
  private base = 0;

  // Token buffering across chunks: bytes before `tokFrom` are already in `tokPart`.
  private tokStart = -1;
  private tokFrom = 0;
  private tokPart = '';
  private high = false;
  /**
   * The pushed chunk as aligned 32-bit words for the strict field-value scan (see wordsFor):
   * word w holds chunk[wordShift + 4w, wordShift + 4w + 4).
   */
  private words: Int32Array | null = null;
  private wordShift = 0;
  /** The chunk `words` was made for: it is made on first use in a push. */
  private wordsChunk: Uint8Array | null = null;
  /** Set by scanValue when the bytes it passed include obs-text (>= 0x80). */
  private scannedHigh = false;
  private text = '';
  private textFrom = 1;
  private textTo = 0;
  /** Bytes decoded ahead at the next decoder call; doubles with each call within one push. */
  private regionSize = MIN_REGION;
  private valEnd = 0;

  // Per message.
  private msgStart = 0;
  private method = '';
  private major = 0;
  private minor = 0;
  private versionStart = 0;
  private literalIndex = 0;
  private statusCode = 0;
  private statusDigits = 0;
  private statusStart = 0;
  private reasonStart = 0;
  private headerCount = 0;
  private trailer = false;
  private nameWsStart = 0;
  private pendingName = '';
  private pendingNameStart = 0;
  private kind = H_OTHER;
  private pendingValue = '';
  private pendingStart = -1;
  private pendingEnd = 0;
  private pendingRaw = '';
  /** The value being read continues a folded line. */
  private folded = false;
  private lineEndStart = 0;
  /** The bytes that ended the last field line (kept for a lenient obs-fold). */
  private lineEnding = CRLF;
  private contentLength = -1;
  private clValue = 0;
  private clSpace = false;
  private clBig: bigint | null = null;
  private teSeen = false;
  private teChunked = false;
  private teChunkedSeen = false;
  private connClose = false;
  private connKeepAlive = false;
  private connUpgrade = false;
  private hasUpgrade = false;
  private keepAlive = true;
  private upgrade = false;

  // Bodies.
  private remaining = 0;
  private bodyTotal = 0;
  private chunkStart = 0;
  private chunkSize = 0;
  private chunkDigits = 0;
  private chunkSizeEnd = 0;
  private headLimit = Infinity;

  constructor(isRequest: boolean, options: ParserOptions = {}) {
    this.isRequest = isRequest;
    this.lenient = { ...DEFAULT_LENIENT, ...options.lenient };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.valueTable =
      this.lenient.headerValueRelaxed || this.lenient.headers ? FIELD_VALUE_RELAXED : FIELD_VALUE;
    this.methodQueue = (options.requestMethods ?? []).map((m) => m.toUpperCase());
    this.replaceObsFold = options.replaceObsFold === true;
  }

  get failed(): boolean {
    return this.state === FAILED;
  }

  expectResponseTo(method: string): void {
    this.methodQueue.push(method.toUpperCase());
  }

  /** Back to a fresh parser: offsets restart at 0 and the queue of request methods empties. */
  reset(): void {
    this.state = IDLE;
    this.base = 0;
    this.tokStart = -1;
    this.tokPart = '';
    this.high = false;
    this.upgrade = false;
    this.keepAlive = true;
    this.methodQueue.length = 0;
  }

  push(chunk: Uint8Array): ParserEvent[] {
    if (this.state === FAILED) return [];
    const out: ParserEvent[] = [];
    this.out = out;
    this.textFrom = 1;
    this.textTo = 0;
    this.regionSize = MIN_REGION;
    this.words = null;
    this.wordsChunk = null;
    this.run(chunk);
    this.words = null;
    this.wordsChunk = null;
    if (this.state !== FAILED && this.tokStart >= 0) {
      const from = Math.max(this.tokFrom - this.base, 0);
      this.tokPart += this.decode(chunk, from, chunk.length);
      this.tokFrom = this.base + chunk.length;
    }
    this.base += chunk.length;
    return out;
  }

  finish(): ParserEvent[] {
    const out: ParserEvent[] = [];
    this.out = out;
    const at = this.base;
    switch (this.state) {
      case IDLE:
      case CLOSED:
      case TUNNEL:
      case FAILED:
        break;
      case BODY_EOF:
        out.push({ type: 'messageComplete', offset: at, length: 0 });
        this.state = CLOSED;
        break;
      default:
        this.fail('INVALID_EOF_STATE', at);
    }
    return out;
  }

  /** A body event: a view of `n` bytes of the pushed chunk from index `i`, never a copy. */
  private pushBody(chunk: Uint8Array, i: number, n: number, base: number): void {
    this.out.push({ type: 'body', offset: base + i, length: n, data: chunk.subarray(i, i + n) });
  }

  private fail(code: ErrorCode, offset: number, reason?: string): void {
    this.state = FAILED;
    this.tokStart = -1;
    this.out.push({
      type: 'error',
      offset,
      length: 0,
      code,
      reason: reason ?? reasonForError(code),
      status: statusForError(code),
    });
  }

  /**
   * Decodes chunk[a, b) as latin1. The chunk's head is decoded once and tokens are slices of it.
   * Tokens holding bytes >= 0x80 (`high`) are decoded byte by byte, so the region decoder only
   * has to be right for ASCII: UTF-8 (the fastest), unless the region holds a multi-byte
   * sequence that shifts positions, then windows-1252 (one char per byte).
   */
  private decode(chunk: Uint8Array, a: number, b: number): string {
    if (b <= a) return '';
    if (this.high) return latin1(chunk, a, b);
    return this.decodeAscii(chunk, a, b);
  }

  /** Decodes chunk[a, b), all ASCII, as a slice of the decoded region around it (a < b). */
  private decodeAscii(chunk: Uint8Array, a: number, b: number): string {
    if (a < this.textFrom || b > this.textTo) {
      const to = Math.min(chunk.length, Math.max(b, a + this.regionSize));
      // Many tokens in one push (pipelined heads): fewer, larger regions.
      if (this.regionSize < MAX_REGION) this.regionSize *= 2;
      const region = chunk.subarray(a, to);
      let text = UTF8_DECODER.decode(region);
      if (text.length !== to - a) text = BYTE_DECODER.decode(region);
      this.text = text;
      this.textFrom = a;
      this.textTo = to;
    }
    return this.text.slice(a - this.textFrom, b - this.textFrom);
  }

  private startToken(abs: number): void {
    this.high = false;
    this.tokStart = abs;
    this.tokFrom = abs;
    this.tokPart = '';
  }

  /** The buffered token from its start up to local index `end` of the current chunk. */
  private takeToken(chunk: Uint8Array, end: number): string {
    const from = this.tokFrom - this.base;
    const s = this.tokPart + this.decode(chunk, from > 0 ? from : 0, end);
    this.tokStart = -1;
    this.tokPart = '';
    return s;
  }

  private beginMessage(abs: number): void {
    this.msgStart = abs;
    this.headLimit = abs + this.limits.maxHeadBytes;
    this.method = '';
    this.major = 0;
    this.minor = 0;
    this.statusCode = 0;
    this.headerCount = 0;
    this.trailer = false;
    this.contentLength = -1;
    this.teSeen = false;
    this.teChunked = false;
    this.teChunkedSeen = false;
    this.connClose = false;
    this.connKeepAlive = false;
    this.connUpgrade = false;
    this.hasUpgrade = false;
    this.keepAlive = true;
    this.upgrade = false;
    this.bodyTotal = 0;
    this.literalIndex = 0;
    this.out.push({ type: 'messageBegin', offset: abs, length: 0 });
  }

  private run(chunk: Uint8Array): void {
    const len = chunk.length;
    const base = this.base;
    let i = 0;
    while (i < len) {
      const state = this.state;
      // Token loops stop at the head limit too, so that no chunking emits more before the error.
      let end = len;
      if (state < BODY_CL && state > IDLE) {
        const limit = this.headLimit - base;
        if (i >= limit) {
          this.fail('HEADER_TOO_LARGE', this.headLimit);
          return;
        }
        if (limit < len) end = limit;
      }
      const c = chunk[i];
      switch (state) {
        case IDLE: {
          if (c === CR || c === LF) {
            i++;
            break;
          }
          if (this.isRequest && TOKEN[c] === 1) {
            const next = this.requestLine(chunk, i);
            if (next < 0) return;
            if (next > i) {
              i = next;
              break;
            }
          }
          this.beginMessage(base + i);
          if (this.isRequest) {
            this.state = METHOD;
            this.startToken(base + i);
          } else {
            this.state = PROTO;
            this.versionStart = base + i;
          }
          break;
        }

        case CLOSED: {
          if (c === CR || c === LF) {
            i++;
            break;
          }
          if (this.lenient.keepAlive) {
            this.state = IDLE;
            break;
          }
          if (this.lenient.dataAfterClose) {
            i = len;
            break;
          }
          this.fail('DATA_AFTER_CLOSE', base + i + 1, 'Data after `Connection: close`');
          return;
        }

        case TUNNEL: {
          this.out.push({
            type: 'tunnel',
            offset: base + i,
            length: len - i,
            data: chunk.subarray(i, len),
          });
          i = len;
          break;
        }

        // ---- request line ----
        case METHOD: {
          while (i < end && TOKEN[chunk[i]] === 1) i++;
          if (i === end) break;
          const m = chunk[i];
          if (m === SP && base + i > this.tokStart) {
            this.method = this.takeToken(chunk, i);
            this.out.push({
              type: 'method',
              offset: this.msgStart,
              length: base + i - this.msgStart,
              value: this.method,
            });
            this.state = TARGET_START;
            i++;
            break;
          }
          this.fail('INVALID_METHOD', base + i);
          return;
        }

        case TARGET_START: {
          if (TARGET[c] !== 1) {
            this.fail('INVALID_TARGET', base + i, 'Invalid char in request-target');
            return;
          }
          this.startToken(base + i);
          this.state = TARGET_S;
          break;
        }

        case TARGET_S: {
          const limitLocal = this.tokStart + this.limits.maxTargetLength - base;
          const stop = limitLocal < end ? Math.max(limitLocal, i) : end;
          while (i < stop && TARGET[chunk[i]] === 1) i++;
          if (i === end) break;
          const t = chunk[i];
          if (TARGET[t] === 1) {
            this.fail('TARGET_TOO_LONG', base + i);
            return;
          }
          if (t === SP) {
            const start = this.tokStart;
            const value = this.takeToken(chunk, i);
            if (this.targetFormInvalid(value, start)) return;
            this.out.push({ type: 'target', offset: start, length: base + i - start, value });
            this.state = PROTO;
            this.literalIndex = 0;
            this.versionStart = base + i + 1;
            i++;
            break;
          }
          if (t === CR || t === LF) {
            this.fail('INVALID_VERSION', base + i, 'Missing HTTP version');
            return;
          }
          this.fail('INVALID_TARGET', base + i, 'Invalid char in request-target');
          return;
        }

        // ---- version (both kinds) ----
        case PROTO: {
          // Fast path: a whole well-formed "HTTP/d.d" at hand.
          if (
            this.literalIndex === 0 &&
            i + 8 <= end &&
            c === 0x48 &&
            chunk[i + 1] === 0x54 &&
            chunk[i + 2] === 0x54 &&
            chunk[i + 3] === 0x50 &&
            chunk[i + 4] === 0x2f &&
            chunk[i + 6] === 0x2e
          ) {
            const major = chunk[i + 5] - 0x30;
            const minor = chunk[i + 7] - 0x30;
            if (major >= 0 && major <= 9 && minor >= 0 && minor <= 9) {
              this.major = major;
              this.minor = minor;
              i += 8;
              if (this.versionDone(base + i)) return;
              break;
            }
          }
          if (c !== HTTP_LITERAL[this.literalIndex]) {
            this.fail('INVALID_CONSTANT', base + i, 'Expected HTTP/');
            return;
          }
          i++;
          if (++this.literalIndex === 5) this.state = V_MAJOR;
          break;
        }
        case V_MAJOR: {
          if (c < 0x30 || c > 0x39) {
            this.fail('INVALID_VERSION', base + i, 'Invalid major version');
            return;
          }
          this.major = c - 0x30;
          this.state = V_DOT;
          i++;
          break;
        }
        case V_DOT: {
          if (c !== 0x2e) {
            this.fail('INVALID_VERSION', base + i, 'Expected dot');
            return;
          }
          this.state = V_MINOR;
          i++;
          break;
        }
        case V_MINOR: {
          if (c < 0x30 || c > 0x39) {
            this.fail('INVALID_VERSION', base + i, 'Invalid minor version');
            return;
          }
          this.minor = c - 0x30;
          i++;
          if (this.versionDone(base + i)) return;
          break;
        }
        case REQ_LINE_END: {
          if (c === CR) {
            this.state = LINE_LF;
            i++;
            break;
          }
          if (c === LF && this.lenient.optionalCrBeforeLf) {
            this.state = FIRST_FIELD;
            i++;
            break;
          }
          this.fail(
            'INVALID_VERSION',
            c === LF ? base + i + 1 : base + i,
            'Expected CRLF after version',
          );
          return;
        }
        case LINE_LF: {
          if (c === LF) {
            if (!this.isRequest) this.reasonDone();
            this.state = FIRST_FIELD;
            i++;
            break;
          }
          if (this.lenient.optionalLfAfterCr) {
            if (!this.isRequest) this.reasonDone();
            this.state = FIRST_FIELD;
            break;
          }
          this.fail('BARE_CR', base + i, 'Expected LF after CR');
          return;
        }

        // ---- status line ----
        case STATUS_S: {
          if (this.statusDigits < 0) {
            if (c !== SP) {
              this.fail('INVALID_VERSION', base + i, 'Expected space after version');
              return;
            }
            this.statusDigits = 0;
            this.statusCode = 0;
            this.statusStart = base + i + 1;
            i++;
            break;
          }
          if (c < 0x30 || c > 0x39) {
            this.fail('INVALID_STATUS', base + i, 'Invalid status code');
            return;
          }
          this.statusCode = this.statusCode * 10 + (c - 0x30);
          i++;
          if (++this.statusDigits === 3) this.state = STATUS_END;
          break;
        }
        case STATUS_END: {
          if (c === SP || c === CR || c === LF) {
            this.out.push({
              type: 'status',
              offset: this.statusStart,
              length: 3,
              code: this.statusCode,
            });
            this.state = REASON_S;
            if (c === SP) {
              i++;
              this.reasonStart = base + i;
            } else {
              this.reasonStart = base + i;
            }
            this.startToken(this.reasonStart);
            break;
          }
          this.fail('INVALID_STATUS', base + i, 'Invalid status code');
          return;
        }
        case REASON_S: {
          let k: number;
          while (i < end && (k = REASON[chunk[i]]) !== 0) {
            if (k === 2) this.high = true;
            i++;
          }
          if (i === end) break;
          const r = chunk[i];
          if (r === CR || (r === LF && this.lenient.optionalCrBeforeLf)) {
            this.pendingValue = this.takeToken(chunk, i);
            this.pendingEnd = base + i;
            if (r === LF) this.reasonDone();
            this.state = r === CR ? LINE_LF : FIRST_FIELD;
            i++;
            break;
          }
          if (r === LF) {
            this.fail('BARE_LF', base + i + 1, 'Missing expected CR after response line');
            return;
          }
          this.fail('INVALID_REASON', base + i, 'Invalid char in reason phrase');
          return;
        }

        // ---- fields ----
        case FIRST_FIELD: {
          if (c === SP || c === HT) {
            this.fail('OBS_FOLD', base + i + 1, 'Unexpected space after start line');
            return;
          }
          this.state = LINE_START;
          break;
        }
        case LINE_START: {
          if (c === CR) {
            this.lineEndStart = base + i;
            if (i + 1 < end && chunk[i + 1] === LF) {
              i += 2;
              if (this.headComplete(base + i)) return;
              break;
            }
            this.state = HEAD_END_LF;
            i++;
            break;
          }
          if (c === LF) {
            if (this.lenient.optionalCrBeforeLf) {
              this.lineEndStart = base + i;
              i++;
              if (this.headComplete(base + i)) return;
              break;
            }
            this.fail('BARE_LF', base + i, 'Missing expected CR before LF');
            return;
          }
          if (TOKEN[c] !== 1) {
            this.fail('INVALID_HEADER_TOKEN', base + i, 'Invalid header token');
            return;
          }
          const next = this.fieldLines(chunk, i, end);
          if (next !== i) {
            i = next;
            break;
          }
          if (++this.headerCount > this.limits.maxHeaders) {
            this.fail('TOO_MANY_HEADERS', base + i);
            return;
          }
          this.startToken(base + i);
          this.state = NAME;
          break;
        }
        case NAME: {
          while (i < end && TOKEN[chunk[i]] === 1) i++;
          if (i === end) break;
          const n = chunk[i];
          if (n === COLON) {
            const start = this.tokStart;
            if (this.nameDone(this.takeToken(chunk, i), start, base + i)) return;
            i++;
            while (i < end && (chunk[i] === SP || chunk[i] === HT)) i++;
            // Fast path: an ordinary first value byte starts the value without another round.
            if (i < end && this.kind === H_OTHER && this.valueTable[chunk[i]] === 1) {
              this.startToken(base + i);
              this.valEnd = base + i + 1;
              this.state = VALUE;
            }
            break;
          }
          if (n === SP || n === HT) {
            this.pendingNameStart = this.tokStart;
            this.pendingName = this.takeToken(chunk, i);
            this.nameWsStart = base + i;
            this.state = NAME_WS;
            i++;
            break;
          }
          this.fail('INVALID_HEADER_TOKEN', base + i, 'Invalid header token');
          return;
        }
        case NAME_WS: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (c === COLON) {
            if (!this.lenient.headers) {
              this.fail('WHITESPACE_BEFORE_COLON', base + i, 'Invalid header field char');
              return;
            }
            if (this.nameDone(this.pendingName, this.pendingNameStart, base + i)) return;
            i++;
            break;
          }
          this.fail('INVALID_HEADER_TOKEN', this.nameWsStart, 'Invalid header token');
          return;
        }
        case VALUE_OWS: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (c === CR) {
            this.valueEnd(chunk, i);
            this.state = VALUE_CR;
            i++;
            break;
          }
          if (c === LF) {
            if (this.lenient.optionalCrBeforeLf) {
              this.valueEnd(chunk, i);
              this.lineEnding = LF_ONLY;
              this.lineEndStart = base + i;
              this.state = VALUE_EOL;
              i++;
              break;
            }
            this.state = EMPTY_VALUE_LF;
            i++;
            break;
          }
          if (this.valueTable[c] === 0) {
            this.fail(
              c === 0 ? 'NUL_BYTE' : 'INVALID_HEADER_VALUE',
              base + i,
              'Invalid header value char',
            );
            return;
          }
          if (this.kind === H_CONTENT_LENGTH) {
            if (this.contentLength >= 0) {
              this.fail('CONFLICTING_CONTENT_LENGTH', base + i, 'Duplicate Content-Length');
              return;
            }
            this.clValue = 0;
            this.clBig = null;
            this.clSpace = false;
          }
          this.startToken(base + i);
          this.valEnd = base + i + 1;
          this.state = VALUE;
          break;
        }
        case EMPTY_VALUE_LF: {
          this.fail('BARE_LF', base + i, 'Invalid header value char');
          return;
        }
        case VALUE: {
          const table = this.valueTable;
          const from = i;
          if (this.kind === H_CONTENT_LENGTH) {
            while (i < end && table[chunk[i]] !== 0) {
              if (this.contentLengthByte(chunk[i], base + i)) return;
              i++;
            }
          }
          for (;;) {
            while (i < end && table[chunk[i]] === 1) i++;
            if (i === end || table[chunk[i]] === 0) break;
            this.high = true;
            i++;
          }
          let last = i;
          while (last > from && (chunk[last - 1] === SP || chunk[last - 1] === HT)) last--;
          if (last > from) this.valEnd = base + last;
          if (i === end) break;
          const v = chunk[i];
          if (v === CR) {
            this.valueEnd(chunk, i);
            i++;
            // Fast path: CRLF and a next line that is not a fold complete the field right here.
            if (i + 1 < end && chunk[i] === LF && chunk[i + 1] !== SP && chunk[i + 1] !== HT) {
              this.lineEnding = CRLF;
              this.lineEndStart = base + i - 1;
              i++;
              if (this.fieldDone(base + i)) return;
              this.state = LINE_START;
              break;
            }
            this.state = VALUE_CR;
            break;
          }
          if (v === LF) {
            if (this.lenient.optionalCrBeforeLf) {
              this.valueEnd(chunk, i);
              this.lineEnding = LF_ONLY;
              this.lineEndStart = base + i;
              this.state = VALUE_EOL;
              i++;
              break;
            }
            this.fail('BARE_LF', base + i, 'Missing expected CR after header value');
            return;
          }
          this.fail(
            v === 0 ? 'NUL_BYTE' : 'INVALID_HEADER_VALUE',
            base + i,
            'Invalid header value char',
          );
          return;
        }
        case VALUE_CR: {
          if (c === LF) {
            this.lineEnding = CRLF;
            this.lineEndStart = base + i - 1;
            this.state = VALUE_EOL;
            i++;
            break;
          }
          if (this.lenient.optionalLfAfterCr || this.lenient.headers) {
            this.lineEnding = CR_ONLY;
            this.lineEndStart = base + i - 1;
            this.state = VALUE_EOL;
            break;
          }
          this.fail(
            'BARE_CR',
            base + i,
            this.pendingStart < 0
              ? 'Expected LF after CR'
              : 'Missing expected LF after header value',
          );
          return;
        }
        case VALUE_EOL: {
          if (c === SP || c === HT) {
            if (!this.lenient.headers && !this.replaceObsFold) {
              this.fail('OBS_FOLD', base + i, 'Unexpected whitespace after header value');
              return;
            }
            this.state = this.continueFolded(i) ? VALUE : VALUE_OWS;
            break;
          }
          if (this.fieldDone(base + i)) return;
          this.state = LINE_START;
          break;
        }
        case HEAD_END_LF: {
          if (c === LF) {
            i++;
            if (this.headComplete(base + i)) return;
            break;
          }
          if (this.lenient.optionalLfAfterCr) {
            if (this.headComplete(base + i)) return;
            break;
          }
          this.fail('BARE_CR', base + i, 'Expected LF after headers');
          return;
        }

        // ---- bodies ----
        case BODY_CL: {
          const n = Math.min(this.remaining, len - i);
          this.pushBody(chunk, i, n, base);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.messageDone(base + i);
          break;
        }
        case BODY_EOF: {
          const n = Math.min(len - i, this.limits.maxBodyBytes - this.bodyTotal);
          if (n > 0) {
            this.pushBody(chunk, i, n, base);
            this.bodyTotal += n;
            i += n;
          }
          if (i < len) {
            this.fail('BODY_TOO_LARGE', base + i);
            return;
          }
          break;
        }
        case CHUNK_SIZE_START: {
          if (HEX[c] === 255) {
            this.fail('INVALID_CHUNK_SIZE', base + i, 'Invalid character in chunk size');
            return;
          }
          this.chunkStart = base + i;
          this.chunkSize = 0;
          this.chunkDigits = 0;
          this.state = CHUNK_SIZE;
          break;
        }
        case CHUNK_SIZE: {
          let h: number;
          while (i < len && (h = HEX[chunk[i]]) !== 255) {
            if (this.chunkDigits > 0 || h !== 0) this.chunkDigits++;
            if (this.chunkDigits > 16) {
              this.fail('INVALID_CHUNK_SIZE', base + i, 'Chunk size overflow');
              return;
            }
            this.chunkSize = this.chunkSize * 16 + h;
            i++;
          }
          if (i === len) break;
          this.chunkSizeEnd = base + i;
          if (this.afterChunkSize(chunk, i)) return;
          i++;
          break;
        }
        case CHUNK_SIZE_WS: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          // BWS is allowed before a chunk extension (RFC 9112 §7.1.1), before the line end only
          // when lenient; the offending whitespace is reported as llhttp does, a byte after it.
          if (c !== SEMI && !this.lenient.spacesAfterChunkSize) {
            this.fail(
              'INVALID_CHUNK_SIZE',
              this.chunkSizeEnd + 1,
              'Invalid character in chunk size',
            );
            return;
          }
          if (this.afterChunkSize(chunk, i)) return;
          i++;
          break;
        }
        case CHUNK_EXT_NAME_START: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (TOKEN[c] !== 1) {
            const at = c === CR || c === LF ? base + i + 1 : base + i;
            this.fail('INVALID_CHUNK_EXTENSION', at, 'Invalid character in chunk extensions');
            return;
          }
          this.startToken(base + i);
          this.state = CHUNK_EXT_NAME;
          break;
        }
        case CHUNK_EXT_NAME: {
          while (i < len && TOKEN[chunk[i]] === 1) i++;
          if (i === len) break;
          const e = chunk[i];
          const start = this.tokStart;
          const value = this.takeToken(chunk, i);
          this.out.push({
            type: 'chunkExtensionName',
            offset: start,
            length: base + i - start,
            value,
          });
          if (e === EQ) {
            this.state = CHUNK_EXT_VALUE_START;
            i++;
          } else if (e === SP || e === HT) {
            this.state = CHUNK_EXT_NAME_BWS;
            i++;
          } else if (this.extensionEnd(chunk, i)) {
            return;
          } else {
            i++;
          }
          break;
        }
        case CHUNK_EXT_NAME_BWS: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (c === EQ) {
            this.state = CHUNK_EXT_VALUE_START;
            i++;
            break;
          }
          if (c === SEMI) {
            this.state = CHUNK_EXT_NAME_START;
            i++;
            break;
          }
          this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
          return;
        }
        case CHUNK_EXT_VALUE_BWS: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (c === SEMI) {
            this.state = CHUNK_EXT_NAME_START;
            i++;
            break;
          }
          this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
          return;
        }
        case CHUNK_EXT_VALUE_START: {
          if (c === SP || c === HT) {
            i++;
            break;
          }
          if (c === DQUOTE) {
            this.startToken(base + i);
            this.state = CHUNK_EXT_QUOTED;
            i++;
            break;
          }
          if (TOKEN[c] !== 1) {
            this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
            return;
          }
          this.startToken(base + i);
          this.state = CHUNK_EXT_VALUE;
          break;
        }
        case CHUNK_EXT_VALUE: {
          while (i < len && TOKEN[chunk[i]] === 1) i++;
          if (i === len) break;
          this.extensionValueDone(chunk, i);
          if (chunk[i] === SP || chunk[i] === HT) this.state = CHUNK_EXT_VALUE_BWS;
          else if (this.extensionEnd(chunk, i)) return;
          i++;
          break;
        }
        case CHUNK_EXT_QUOTED: {
          if (c === DQUOTE) {
            i++;
            this.extensionValueDone(chunk, i);
            this.state = CHUNK_EXT_AFTER_QUOTED;
            break;
          }
          if (c === BSLASH) {
            this.state = CHUNK_EXT_QUOTED_ESC;
            i++;
            break;
          }
          if (c === HT || (c >= 0x20 && c !== 0x7f)) {
            if (c >= 0x80) this.high = true;
            i++;
            break;
          }
          this.fail(
            'INVALID_CHUNK_EXTENSION',
            c === CR || c === LF ? base + i + 1 : base + i,
            'Invalid character in chunk extensions quoted value',
          );
          return;
        }
        case CHUNK_EXT_QUOTED_ESC: {
          if (c === HT || (c >= 0x20 && c !== 0x7f)) {
            if (c >= 0x80) this.high = true;
            this.state = CHUNK_EXT_QUOTED;
            i++;
            break;
          }
          this.fail(
            'INVALID_CHUNK_EXTENSION',
            base + i,
            'Invalid character in chunk extensions quoted value',
          );
          return;
        }
        case CHUNK_EXT_AFTER_QUOTED: {
          if (c === SP || c === HT) this.state = CHUNK_EXT_VALUE_BWS;
          else if (this.extensionEnd(chunk, i)) return;
          i++;
          break;
        }
        case CHUNK_SIZE_LF: {
          if (c === LF) {
            i++;
            if (this.chunkHeaderDone(base + i)) return;
            break;
          }
          if (this.lenient.optionalLfAfterCr) {
            if (this.chunkHeaderDone(base + i)) return;
            break;
          }
          this.fail('INVALID_CHUNK_SIZE', base + i, 'Expected LF after chunk size');
          return;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, len - i);
          this.pushBody(chunk, i, n, base);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = CHUNK_DATA_CR;
          break;
        }
        case CHUNK_DATA_CR: {
          this.lineEndStart = base + i;
          if (c === CR) {
            this.state = CHUNK_DATA_LF;
            i++;
            break;
          }
          if (c === LF && this.lenient.optionalCrBeforeLf) {
            i++;
            this.chunkDone(base + i);
            break;
          }
          if (this.lenient.optionalCrlfAfterChunk) {
            this.chunkDone(base + i);
            break;
          }
          this.fail('INVALID_CHUNK_DATA_END', base + i, 'Expected CRLF after chunk data');
          return;
        }
        case CHUNK_DATA_LF: {
          if (c === LF) {
            i++;
            this.chunkDone(base + i);
            break;
          }
          if (this.lenient.optionalLfAfterCr || this.lenient.optionalCrlfAfterChunk) {
            this.chunkDone(base + i);
            break;
          }
          this.fail('INVALID_CHUNK_DATA_END', base + i, 'Expected LF after chunk data');
          return;
        }
        default:
          return;
      }
    }
  }

  /**
   * Fast path for a whole well-formed request line (`method SP target SP HTTP/d.d CRLF`) at
   * local index `i`, within the head and target limits: the same events and checks as the state
   * machine, in one pass. Returns the index after its CRLF, `i` when the line is left to the
   * state machine (cut by the chunk, or anything unusual), or -1 after an error.
   */
  private requestLine(chunk: Uint8Array, i: number): number {
    const limit = Math.min(chunk.length, i + this.limits.maxHeadBytes);
    let p = i;
    while (p < limit && TOKEN[chunk[p]] === 1) p++;
    if (p >= limit || chunk[p] !== SP) return i;
    const methodEnd = p++;
    const targetStart = p;
    const targetLimit = Math.min(limit, targetStart + this.limits.maxTargetLength);
    while (p < targetLimit && TARGET[chunk[p]] === 1) p++;
    if (p === targetStart || p >= limit || chunk[p] !== SP) return i;
    const targetEnd = p++;
    if (
      p + 10 > limit ||
      chunk[p] !== 0x48 ||
      chunk[p + 1] !== 0x54 ||
      chunk[p + 2] !== 0x54 ||
      chunk[p + 3] !== 0x50 ||
      chunk[p + 4] !== 0x2f ||
      chunk[p + 6] !== 0x2e ||
      chunk[p + 8] !== CR ||
      chunk[p + 9] !== LF
    ) {
      return i;
    }
    const major = chunk[p + 5] - 0x30;
    const minor = chunk[p + 7] - 0x30;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) return i;
    const base = this.base;
    this.beginMessage(base + i);
    const method = this.decodeAscii(chunk, i, methodEnd);
    this.method = method;
    this.out.push({ type: 'method', offset: base + i, length: methodEnd - i, value: method });
    const target = this.decodeAscii(chunk, targetStart, targetEnd);
    if (this.targetFormInvalid(target, base + targetStart)) return -1;
    this.out.push({
      type: 'target',
      offset: base + targetStart,
      length: targetEnd - targetStart,
      value: target,
    });
    this.versionStart = base + p;
    this.major = major;
    this.minor = minor;
    if (this.versionDone(base + p + 8)) return -1;
    this.state = FIRST_FIELD;
    return p + 10;
  }

  /**
   * Checks the request-target against the four forms of RFC 9112 §3.2 and the methods that may
   * use them: origin-form (`/…`), absolute-form (`scheme://…`), authority-form (`host:port`, for
   * CONNECT only) and asterisk-form (`*`, for OPTIONS only). The common origin-form is known by
   * its first byte (its bytes were checked on the way). `start` is the target's absolute offset.
   */
  private targetFormInvalid(target: string, start: number): boolean {
    const connect = this.method === 'CONNECT';
    const first = target.charCodeAt(0);
    if (first === 0x2f && !connect) return false;
    if (first === 0x2a && target.length === 1) {
      if (this.method === 'OPTIONS') return false;
      this.fail('INVALID_TARGET', start, 'The asterisk-form is only for OPTIONS');
      return true;
    }
    const parsed = parseTarget(target, { connect });
    if (parsed.error !== null) {
      this.fail('INVALID_TARGET', start + parsed.error.offset, parsed.error.reason);
      return true;
    }
    if (connect && (parsed.userinfo !== null || parsed.port === null)) {
      this.fail('INVALID_TARGET', start, 'CONNECT needs a target of the form host:port');
      return true;
    }
    return false;
  }

  /**
   * The version token ends at absolute `end`. Any HTTP/1.x is read, a minor version above 1 as
   * HTTP/1.1 (RFC 9110 §2.5); HTTP/0.9 and 2.0 are reported for the server to refuse (505).
   */
  private versionDone(end: number): boolean {
    const v = this.major * 10 + this.minor;
    if (this.major !== 1 && v !== 9 && v !== 20 && !this.lenient.version) {
      this.fail('UNSUPPORTED_VERSION', end, 'Invalid HTTP version');
      return true;
    }
    this.out.push({
      type: 'version',
      offset: this.versionStart,
      length: end - this.versionStart,
      major: this.major,
      minor: this.minor,
    });
    this.state = this.isRequest ? REQ_LINE_END : STATUS_S;
    this.statusDigits = -1;
    return false;
  }

  private reasonDone(): void {
    this.out.push({
      type: 'reason',
      offset: this.reasonStart,
      length: this.pendingEnd - this.reasonStart,
      value: this.pendingValue,
    });
  }

  // ---- field helpers ----

  /**
   * The aligned 32-bit view of the pushed chunk, made on first use in a push (a push with no
   * field line, such as a body piece, does not pay for it); null for short chunks.
   */
  private wordsFor(chunk: Uint8Array): Int32Array | null {
    if (this.wordsChunk !== chunk) {
      this.wordsChunk = chunk;
      this.words = null;
      if (chunk.length >= 64) {
        const shift = (4 - (chunk.byteOffset & 3)) & 3;
        this.wordShift = shift;
        this.words = new Int32Array(
          chunk.buffer,
          chunk.byteOffset + shift,
          (chunk.length - shift) >> 2,
        );
      }
    }
    return this.words;
  }

  /**
   * Index of the first byte in chunk[p, end) that is not allowed in a field value (CR included);
   * sets `scannedHigh` when the bytes passed include obs-text. Strict values in chunks of 64
   * bytes or more are read four bytes at a time where they are aligned.
   */
  private scanValue(chunk: Uint8Array, p: number, end: number): number {
    const table = this.valueTable;
    let high = false;
    const words = table === FIELD_VALUE ? this.wordsFor(chunk) : null;
    if (words === null) {
      for (;;) {
        while (p < end && table[chunk[p]] === 1) p++;
        if (p >= end || table[chunk[p]] !== 2) break;
        high = true;
        p++;
      }
      this.scannedHigh = high;
      return p;
    }
    const shift = this.wordShift;
    for (;;) {
      // Byte by byte up to the next word boundary.
      while (p < end && ((p - shift) & 3) !== 0) {
        const k = table[chunk[p]];
        if (k === 0) {
          this.scannedHigh = high;
          return p;
        }
        if (k === 2) high = true;
        p++;
      }
      if (p >= end || p < shift) break;
      // Whole words with no control byte (< 0x20, HTAB included) and no DEL (0x7F).
      let w = (p - shift) >> 2;
      const last = (end - shift) >> 2;
      while (w < last) {
        const x = words[w];
        const del = x ^ 0x7f7f7f7f;
        if ((((x - 0x20202020) & ~x) | ((del - 0x01010101) & ~del)) & 0x80808080) break;
        if (x & 0x80808080) high = true;
        w++;
      }
      p = shift + (w << 2);
      if (w >= last) break;
      // A word with a control byte: take its bytes one by one (HTAB is allowed).
      const stop = p + 4;
      while (p < stop) {
        const k = table[chunk[p]];
        if (k === 0) {
          this.scannedHigh = high;
          return p;
        }
        if (k === 2) high = true;
        p++;
      }
    }
    while (p < end) {
      const k = table[chunk[p]];
      if (k === 0) break;
      if (k === 2) high = true;
      p++;
    }
    this.scannedHigh = high;
    return p;
  }

  /**
   * Fast path over whole ordinary field lines (`name ":" OWS value OWS CRLF`, not followed by a
   * fold) that lie in chunk[i, end): each is parsed in one loop and gives the same events as the
   * state machine would. Returns the index of the first line left to the state machine: the
   * empty line, one that is cut by the chunk or the head limit, a framing field (Content-Length,
   * Transfer-Encoding), a field over the count limit, or anything else unusual.
   */
  private fieldLines(chunk: Uint8Array, i: number, end: number): number {
    const base = this.base;
    const out = this.out;
    const token = TOKEN;
    const trailer = this.trailer;
    const maxHeaders = this.limits.maxHeaders;
    while (i < end) {
      let p = i;
      while (p < end && token[chunk[p]] === 1) p++;
      if (p === i || p >= end || chunk[p] !== COLON) return i;
      const nameEnd = p++;
      const kind = trailer ? H_OTHER : headerKindAt(chunk, i, nameEnd);
      if (kind === H_CONTENT_LENGTH || kind === H_TRANSFER_ENCODING) return i;
      while (p < end && (chunk[p] === SP || chunk[p] === HT)) p++;
      const valueStart = p;
      p = this.scanValue(chunk, p, end);
      const high = this.scannedHigh;
      // The line must end in CRLF and the byte after it be at hand and not start a fold.
      if (p + 2 >= end || chunk[p] !== CR || chunk[p + 1] !== LF) return i;
      const after = chunk[p + 2];
      if (after === SP || after === HT || this.headerCount >= maxHeaders) return i;
      const name = this.decodeAscii(chunk, i, nameEnd);
      let valueEnd = p;
      while (valueEnd > valueStart && (chunk[valueEnd - 1] === SP || chunk[valueEnd - 1] === HT))
        valueEnd--;
      let value = '';
      if (valueEnd > valueStart) {
        value = high
          ? latin1(chunk, valueStart, valueEnd)
          : this.decodeAscii(chunk, valueStart, valueEnd);
      }
      this.headerCount++;
      out.push({
        type: 'headerName',
        offset: base + i,
        length: nameEnd - i,
        value: name,
        trailer,
      });
      if (kind === H_CONNECTION) this.connectionField(value);
      else if (kind === H_UPGRADE) this.hasUpgrade = true;
      out.push({
        type: 'headerValue',
        offset: base + valueStart,
        length: valueEnd - valueStart,
        value,
        trailer,
      });
      i = p + 2;
    }
    return i;
  }

  /** A field name starting at `start` is complete; its colon is at absolute `colon`. */
  private nameDone(name: string, start: number, colon: number): boolean {
    this.out.push({
      type: 'headerName',
      offset: start,
      length: name.length,
      value: name,
      trailer: this.trailer,
    });
    this.kind = this.trailer ? H_OTHER : headerKind(name);
    this.pendingStart = -1;
    this.folded = false;
    this.state = VALUE_OWS;
    if (this.isRequest && !this.lenient.chunkedLength) {
      if (this.kind === H_TRANSFER_ENCODING && this.contentLength >= 0) {
        this.fail(
          'CONTENT_LENGTH_WITH_TRANSFER_ENCODING',
          colon + 1,
          "Transfer-Encoding can't be present with Content-Length",
        );
        return true;
      }
      if (this.kind === H_CONTENT_LENGTH && this.teSeen) {
        this.fail(
          'CONTENT_LENGTH_WITH_TRANSFER_ENCODING',
          colon + 1,
          "Content-Length can't be present with Transfer-Encoding",
        );
        return true;
      }
    }
    return false;
  }

  /** The value's line ends at local index `end` (its CR or LF). */
  private valueEnd(chunk: Uint8Array, end: number): void {
    if (this.tokStart < 0) {
      this.pendingStart = -1;
      this.pendingEnd = this.base + end;
      this.pendingValue = '';
      this.pendingRaw = '';
      return;
    }
    const start = this.tokStart;
    const raw = this.takeToken(chunk, end);
    this.pendingStart = start;
    this.pendingEnd = this.valEnd;
    this.pendingRaw = raw;
    const value = raw.slice(0, this.valEnd - start);
    // In a value, CR and LF can only be those of a fold.
    this.pendingValue =
      this.folded && this.replaceObsFold
        ? value.replace(/[ \t]*[\r\n]+[ \t]*/g, (fold) => ' '.repeat(fold.length))
        : value;
  }

  /** Lenient obs-fold: the value continues on this line (whose first byte is at `i`). */
  private continueFolded(i: number): boolean {
    const abs = this.base + i;
    if (this.pendingStart < 0) return false;
    this.folded = true;
    this.tokStart = this.pendingStart;
    this.tokPart = this.pendingRaw + latin1(this.lineEnding, 0, this.lineEnding.length);
    this.tokFrom = abs;
    return true;
  }

  /** A complete field (name and value) is known; `at` is the first byte of the next line. */
  private fieldDone(at: number): boolean {
    const start = this.pendingStart;
    const value = this.pendingValue;
    switch (this.kind) {
      case H_CONTENT_LENGTH:
        if (start < 0) {
          this.fail('INVALID_CONTENT_LENGTH', at, 'Empty Content-Length');
          return true;
        }
        this.contentLength = this.clValue;
        break;
      case H_TRANSFER_ENCODING:
        if (this.transferEncodingField(value, start)) return true;
        break;
      case H_CONNECTION:
        this.connectionField(value);
        break;
      case H_UPGRADE:
        this.hasUpgrade = true;
        break;
    }
    this.out.push({
      type: 'headerValue',
      offset: start < 0 ? this.pendingEnd : start,
      length: start < 0 ? 0 : this.pendingEnd - start,
      value,
      trailer: this.trailer,
    });
    return false;
  }

  /** One byte of a Content-Length value (digits, then optional trailing OWS). */
  private contentLengthByte(c: number, abs: number): boolean {
    if (c >= 0x30 && c <= 0x39) {
      if (this.clSpace) {
        this.fail('INVALID_CONTENT_LENGTH', abs, 'Invalid character in Content-Length');
        return true;
      }
      const next = this.clValue * 10 + (c - 0x30);
      // Beyond 2^53 the digits are checked against the 64-bit range exactly.
      if (next > Number.MAX_SAFE_INTEGER || this.clBig !== null) {
        this.clBig = (this.clBig ?? BigInt(this.clValue)) * 10n + BigInt(c - 0x30);
        if (this.clBig > U64_MAX) {
          this.fail('INVALID_CONTENT_LENGTH', abs + 1, 'Content-Length overflow');
          return true;
        }
        this.clValue = Number(this.clBig);
        return false;
      }
      this.clValue = next;
      return false;
    }
    if (c === SP || c === HT) {
      this.clSpace = true;
      return false;
    }
    this.fail('INVALID_CONTENT_LENGTH', abs, 'Invalid character in Content-Length');
    return true;
  }

  private transferEncodingField(value: string, start: number): boolean {
    this.teSeen = true;
    let chunkedLast = false;
    let p = 0;
    while (p <= value.length) {
      let q = value.indexOf(',', p);
      if (q < 0) q = value.length;
      const coding = trimOws(value.slice(p, q)).toLowerCase();
      if (coding.length > 0) {
        if (this.teChunkedSeen && this.isRequest && !this.lenient.transferEncoding) {
          const at = chunkedLast || p > 0 ? start + p : start + 1;
          this.fail('INVALID_TRANSFER_ENCODING', at, 'Invalid `Transfer-Encoding` header value');
          return true;
        }
        chunkedLast = coding === 'chunked';
        if (chunkedLast) this.teChunkedSeen = true;
      }
      p = q + 1;
    }
    this.teChunked = chunkedLast;
    return false;
  }

  private connectionField(value: string): void {
    const whole = value.toLowerCase();
    if (whole === 'keep-alive') {
      this.connKeepAlive = true;
      return;
    }
    if (whole === 'close') {
      this.connClose = true;
      return;
    }
    for (const part of value.split(',')) {
      const token = trimOws(part).toLowerCase();
      if (token === 'close') this.connClose = true;
      else if (token === 'keep-alive') this.connKeepAlive = true;
      else if (token === 'upgrade') this.connUpgrade = true;
    }
  }

  // ---- head and message boundaries ----

  /** The empty line ending the head (or trailer section) ends at absolute offset `end`. */
  private headComplete(end: number): boolean {
    const emptyLine = this.lineEndStart;
    if (this.trailer) {
      this.out.push({ type: 'chunkComplete', offset: emptyLine, length: end - emptyLine });
      this.messageDone(end);
      return false;
    }
    const isRequest = this.isRequest;
    const v11 = this.major > 1 || (this.major === 1 && this.minor >= 1);
    let keepAlive = v11 ? !this.connClose : this.connKeepAlive && !this.connClose;
    let framing: BodyFraming;
    let upgrade = false;
    let invalidTe = false;
    let method: string | null = null;
    const status = this.statusCode;
    if (isRequest) {
      method = this.method;
      if (method === 'CONNECT') {
        framing = 'tunnel';
        upgrade = true;
      } else {
        upgrade = this.hasUpgrade && this.connUpgrade;
        if (this.teSeen && !this.teChunked) {
          // No way to tell where the body ends (RFC 9112 §6.3): an error unless lenient.
          framing = 'close-delimited';
          keepAlive = false;
          invalidTe = !this.lenient.transferEncoding && !this.lenient.chunkedLength;
        } else if (this.teChunked) framing = 'chunked';
        else if (this.contentLength > 0) framing = 'content-length';
        else framing = 'none';
      }
    } else {
      // Only 1xx is informational (RFC 9110 §15.2); any other three digits answer the request.
      const informational = status >= 100 && status < 200;
      method = informational ? (this.methodQueue[0] ?? null) : (this.methodQueue.shift() ?? null);
      if (status === 101 && this.hasUpgrade && this.connUpgrade) {
        framing = 'tunnel';
        upgrade = true;
      } else if (method === 'CONNECT' && status >= 200 && status < 300) {
        framing = 'tunnel';
        upgrade = true;
      } else if (method === 'HEAD' || statusHasNoContent(status)) {
        framing = 'none';
      } else if (this.teSeen) {
        framing = this.teChunked ? 'chunked' : 'close-delimited';
      } else if (this.contentLength >= 0) {
        framing = this.contentLength > 0 ? 'content-length' : 'none';
      } else {
        framing = 'close-delimited';
      }
      if (framing === 'close-delimited') keepAlive = false;
    }
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.out.push({
      type: 'headersComplete',
      offset: emptyLine,
      length: end - emptyLine,
      framing,
      contentLength: this.contentLength >= 0 ? this.contentLength : null,
      keepAlive,
      upgrade,
      versionMajor: this.major,
      versionMinor: this.minor,
      method: isRequest ? method : null,
      statusCode: isRequest ? null : status,
    });
    if (invalidTe) {
      this.fail('INVALID_TRANSFER_ENCODING', end, 'Request has invalid `Transfer-Encoding`');
      return true;
    }
    if (framing === 'content-length' && this.contentLength > this.limits.maxBodyBytes) {
      this.fail('BODY_TOO_LARGE', end);
      return true;
    }
    switch (framing) {
      case 'none':
      case 'tunnel':
        this.messageDone(end);
        break;
      case 'content-length':
        this.remaining = this.contentLength;
        this.state = BODY_CL;
        break;
      case 'chunked':
        this.state = CHUNK_SIZE_START;
        break;
      case 'close-delimited':
        this.state = BODY_EOF;
        break;
    }
    return false;
  }

  private messageDone(at: number): void {
    this.out.push({ type: 'messageComplete', offset: at, length: 0 });
    this.tokStart = -1;
    if (this.upgrade) this.state = TUNNEL;
    else if (!this.keepAlive) this.state = CLOSED;
    else this.state = IDLE;
  }

  // ---- chunk helpers ----

  /** The byte at local `i` follows the chunk-size digits (or whitespace after them). */
  private afterChunkSize(chunk: Uint8Array, i: number): boolean {
    const c = chunk[i];
    const abs = this.base + i;
    if (c === CR) {
      this.state = CHUNK_SIZE_LF;
      return false;
    }
    if (c === SEMI) {
      this.state = CHUNK_EXT_NAME_START;
      return false;
    }
    if (c === LF && this.lenient.optionalCrBeforeLf) {
      return this.chunkHeaderDone(abs + 1);
    }
    if ((c === SP || c === HT) && this.state === CHUNK_SIZE) {
      this.state = CHUNK_SIZE_WS;
      return false;
    }
    this.fail('INVALID_CHUNK_SIZE', abs, 'Invalid character in chunk size');
    return true;
  }

  /** After an extension name or value, at the byte of local index `i`. */
  private extensionEnd(chunk: Uint8Array, i: number): boolean {
    const c = chunk[i];
    if (c === SEMI) {
      this.state = CHUNK_EXT_NAME_START;
      return false;
    }
    if (c === CR) {
      this.state = CHUNK_SIZE_LF;
      return false;
    }
    if (c === LF && this.lenient.optionalCrBeforeLf) {
      return this.chunkHeaderDone(this.base + i + 1);
    }
    this.fail('INVALID_CHUNK_EXTENSION', this.base + i, 'Invalid character in chunk extensions');
    return true;
  }

  private extensionValueDone(chunk: Uint8Array, end: number): void {
    const start = this.tokStart;
    const value = this.takeToken(chunk, end);
    this.out.push({
      type: 'chunkExtensionValue',
      offset: start,
      length: this.base + end - start,
      value,
    });
  }

  /** The chunk-size line ends at absolute offset `end`. */
  private chunkHeaderDone(end: number): boolean {
    const size = this.chunkSize;
    this.out.push({
      type: 'chunkHeader',
      offset: this.chunkStart,
      length: end - this.chunkStart,
      size,
      sizeOffset: this.chunkStart,
      sizeLength: this.chunkSizeEnd - this.chunkStart,
    });
    this.bodyTotal += size;
    if (this.bodyTotal > this.limits.maxBodyBytes) {
      this.fail('BODY_TOO_LARGE', this.chunkStart);
      return true;
    }
    if (size === 0) {
      this.trailer = true;
      this.headLimit = end + this.limits.maxHeadBytes;
      this.state = LINE_START;
    } else {
      this.remaining = size;
      this.state = CHUNK_DATA;
    }
    return false;
  }

  private chunkDone(end: number): void {
    this.out.push({
      type: 'chunkComplete',
      offset: this.lineEndStart,
      length: end - this.lineEndStart,
    });
    this.state = CHUNK_SIZE_START;
  }
}
