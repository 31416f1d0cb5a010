// The parser's state and the helpers every part of the graph uses: options, token buffering
// across pushes, decoding, errors and message boundaries. The parts of the graph extend it
// (start line → field lines → bodies and chunk lines → fast paths → parser-core.ts).
import { reasonForError, statusForError } from './errors';
import type { BodyFraming, ErrorCode, LenientFlags, ParserLimits, ParserOptions } from './events';
import { FIELD_VALUE, FIELD_VALUE_RELAXED, latin1 } from './parser-tables';
import { CLOSED, CRLF, FAILED, H_OTHER, IDLE, TUNNEL } from './parser-states';

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

const UTF8_DECODER = new TextDecoder('utf-8');
const BYTE_DECODER = new TextDecoder('latin1');
export const MIN_REGION = 1024;
const MAX_REGION = 16384;

export abstract class ParserBase {
  protected readonly isRequest: boolean;
  protected readonly lenient: LenientFlags;
  protected readonly limits: ParserLimits;
  protected readonly valueTable: Uint8Array;
  protected readonly methodQueue: string[];
  protected readonly replaceObsFold: boolean;
  /** The fast paths (parser-fast.ts) are taken; off, every byte goes through the graph. */
  protected readonly fast: boolean;

  protected state = IDLE;
  /** Absolute offset of the first byte of the chunk being parsed. */
  protected base = 0;

  // Token buffering across chunks: bytes before `tokFrom` are already in `tokPart`.
  protected tokStart = -1;
  protected tokFrom = 0;
  protected tokPart = '';
  protected high = false;
  /**
   * The pushed chunk as aligned 32-bit words for the strict field-value scan (see wordsFor):
   * word w holds chunk[wordShift + 4w, wordShift + 4w + 4).
   */
  protected words: Int32Array | null = null;
  protected wordShift = 0;
  /** The chunk `words` was made for: it is made on first use in a push. */
  protected wordsChunk: Uint8Array | null = null;
  /** Set by scanValue when the bytes it passed include obs-text (>= 0x80). */
  protected scannedHigh = false;
  protected text = '';
  protected textFrom = 1;
  protected textTo = 0;
  /** Bytes decoded ahead at the next decoder call; doubles with each call within one push. */
  protected regionSize = MIN_REGION;
  protected valEnd = 0;

  // Per message.
  protected msgStart = 0;
  protected method = '';
  protected major = 0;
  protected minor = 0;
  protected versionStart = 0;
  protected literalIndex = 0;
  protected statusCode = 0;
  protected statusDigits = 0;
  protected statusStart = 0;
  protected reasonStart = 0;
  protected headerCount = 0;
  protected trailer = false;
  protected nameWsStart = 0;
  protected pendingName = '';
  protected pendingNameStart = 0;
  protected kind = H_OTHER;
  protected pendingValue = '';
  protected pendingStart = -1;
  protected pendingEnd = 0;
  protected pendingRaw = '';
  /** The value being read continues a folded line. */
  protected folded = false;
  protected lineEndStart = 0;
  /** The bytes that ended the last field line (kept for a lenient obs-fold). */
  protected lineEnding = CRLF;
  protected contentLength = -1;
  protected clValue = 0;
  protected clSpace = false;
  protected clBig: bigint | null = null;
  protected teSeen = false;
  protected teChunked = false;
  protected teChunkedSeen = false;
  protected connClose = false;
  protected connKeepAlive = false;
  protected connUpgrade = false;
  protected hasUpgrade = false;
  protected keepAlive = true;
  protected upgrade = false;

  // Bodies.
  protected remaining = 0;
  protected bodyTotal = 0;
  protected chunkStart = 0;
  protected chunkSize = 0;
  protected chunkDigits = 0;
  protected chunkSizeEnd = 0;
  protected headLimit = Infinity;

  constructor(isRequest: boolean, options: ParserOptions = {}, fast = true) {
    this.isRequest = isRequest;
    this.lenient = { ...DEFAULT_LENIENT, ...options.lenient };
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.valueTable =
      this.lenient.headerValueRelaxed || this.lenient.headers ? FIELD_VALUE_RELAXED : FIELD_VALUE;
    this.methodQueue = (options.requestMethods ?? []).map((m) => m.toUpperCase());
    this.replaceObsFold = options.replaceObsFold === true;
    this.fast = fast;
  }

  // ---- fast paths, implemented in parser-fast.ts ----

  /** A whole request line at local `i`: index after it, `i` to leave it to the graph, -1 on error. */
  protected abstract requestLine(chunk: Uint8Array, i: number): number;
  /** A whole `HTTP/d.d` at local `i` before `end`: index after it, `i`, or -1 on error. */
  protected abstract versionAt(chunk: Uint8Array, i: number, end: number): number;
  /** Whole ordinary field lines from local `i`: the index of the first line left to the graph. */
  protected abstract fieldLines(chunk: Uint8Array, i: number, end: number): number;

  // ---- output: token events (parser-core.ts) or messages (message-parser.ts) ----

  protected abstract onBegin(offset: number): void;
  protected abstract onToken(
    type: 'method' | 'target' | 'reason',
    offset: number,
    length: number,
    value: string,
  ): void;
  protected abstract onVersion(offset: number, length: number): void;
  protected abstract onStatus(offset: number, code: number): void;
  protected abstract onField(
    type: 'headerName' | 'headerValue',
    offset: number,
    length: number,
    value: string,
  ): void;
  /**
   * A whole field line read at once (the fast path): its name, its value and where the line
   * ends (after its CRLF; the next byte is known not to start a fold). The token mode reports it
   * as the two fields the graph would.
   */
  protected onFieldLine(
    nameOffset: number,
    nameLength: number,
    name: string,
    valueOffset: number,
    valueLength: number,
    value: string,
    _lineEnd: number,
  ): void {
    this.onField('headerName', nameOffset, nameLength, name);
    this.onField('headerValue', valueOffset, valueLength, value);
  }
  protected abstract onHead(
    offset: number,
    length: number,
    framing: BodyFraming,
    contentLength: number | null,
    keepAlive: boolean,
    upgrade: boolean,
    method: string | null,
  ): void;
  /** Body bytes: a view of `n` bytes of the pushed chunk from index `i`, never a copy. */
  protected abstract pushBody(chunk: Uint8Array, i: number, n: number, base: number): void;
  protected abstract onChunkHeader(
    offset: number,
    length: number,
    size: number,
    sizeLength: number,
  ): void;
  protected abstract onExtension(
    type: 'chunkExtensionName' | 'chunkExtensionValue',
    offset: number,
    length: number,
    value: string,
  ): void;
  protected abstract onChunkComplete(offset: number, length: number): void;
  protected abstract onComplete(at: number): void;
  protected abstract onTunnel(offset: number, data: Uint8Array): void;
  protected abstract onError(code: ErrorCode, offset: number, reason: string, status: number): void;

  protected fail(code: ErrorCode, offset: number, reason?: string): void {
    this.state = FAILED;
    this.tokStart = -1;
    this.onError(code, offset, reason ?? reasonForError(code), statusForError(code));
  }

  /**
   * Decodes chunk[a, b) as latin1. The chunk's head is decoded once and tokens are slices of it.
   * Tokens holding bytes >= 0x80 (`high`) are decoded byte by byte, so the region decoder only
   * has to be right for ASCII: UTF-8 (the fastest), unless the region holds a multi-byte
   * sequence that shifts positions, then windows-1252 (one char per byte).
   */
  protected decode(chunk: Uint8Array, a: number, b: number): string {
    if (b <= a) return '';
    if (this.high) return latin1(chunk, a, b);
    return this.decodeAscii(chunk, a, b);
  }

  /** Decodes chunk[a, b), all ASCII, as a slice of the decoded region around it (a < b). */
  protected decodeAscii(chunk: Uint8Array, a: number, b: number): string {
    if (a < this.textFrom || b > this.textTo) {
      const to = Math.min(chunk.length, Math.max(b, a + this.regionSize));
      // Many tokens in one push (pipelined heads): fewer, larger regions.
      if (this.regionSize < MAX_REGION) this.regionSize *= 2;
      // The whole chunk (one request a read, the common case) needs no view of its own.
      const region = a === 0 && to === chunk.length ? chunk : chunk.subarray(a, to);
      let text = UTF8_DECODER.decode(region);
      if (text.length !== to - a) text = BYTE_DECODER.decode(region);
      this.text = text;
      this.textFrom = a;
      this.textTo = to;
    }
    return this.text.slice(a - this.textFrom, b - this.textFrom);
  }

  protected startToken(abs: number): void {
    this.high = false;
    this.tokStart = abs;
    this.tokFrom = abs;
    this.tokPart = '';
  }

  /** The buffered token from its start up to local index `end` of the current chunk. */
  protected takeToken(chunk: Uint8Array, end: number): string {
    const from = this.tokFrom - this.base;
    const s = this.tokPart + this.decode(chunk, from > 0 ? from : 0, end);
    this.tokStart = -1;
    this.tokPart = '';
    return s;
  }

  protected beginMessage(abs: number): void {
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
    this.onBegin(abs);
  }

  protected messageDone(at: number): void {
    this.onComplete(at);
    this.tokStart = -1;
    if (this.upgrade) this.state = TUNNEL;
    else if (!this.keepAlive) this.state = CLOSED;
    else this.state = IDLE;
  }
}
