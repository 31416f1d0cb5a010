// The engine's output: events with absolute byte spans over the stream pushed into one parser.
// Offsets count from the first byte ever pushed into that parser (keep-alive and pipelined
// messages continue the count), so a consumer holding the raw stream can slice any span.

export type MessageKind = 'request' | 'response';

/** How the body of a message is delimited, decided when the head is complete (RFC 9112 §6.3). */
export type BodyFraming = 'none' | 'content-length' | 'chunked' | 'close-delimited' | 'tunnel';

/** Error codes; each maps to the status a server answers (see errors.ts). */
export type ErrorCode =
  | 'INVALID_METHOD'
  | 'INVALID_TARGET'
  | 'INVALID_VERSION'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_STATUS'
  | 'INVALID_REASON'
  | 'INVALID_CONSTANT'
  | 'INVALID_HEADER_TOKEN'
  | 'INVALID_HEADER_VALUE'
  | 'OBS_FOLD'
  | 'WHITESPACE_BEFORE_COLON'
  | 'BARE_CR'
  | 'BARE_LF'
  | 'NUL_BYTE'
  | 'INVALID_CONTENT_LENGTH'
  | 'CONFLICTING_CONTENT_LENGTH'
  | 'CONTENT_LENGTH_WITH_TRANSFER_ENCODING'
  | 'INVALID_TRANSFER_ENCODING'
  | 'UNSUPPORTED_TRANSFER_ENCODING'
  | 'INVALID_CHUNK_SIZE'
  | 'INVALID_CHUNK_EXTENSION'
  | 'INVALID_CHUNK_DATA_END'
  | 'INVALID_EOF_STATE'
  | 'DATA_AFTER_CLOSE'
  | 'HEADER_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'TARGET_TOO_LONG'
  | 'BODY_TOO_LARGE'
  | 'METHOD_NOT_IMPLEMENTED'
  | 'CLOSED_CONNECTION';

export interface Span {
  /** Absolute offset of the first byte. */
  offset: number;
  /** Number of bytes covered (0 for point events). */
  length: number;
}

export interface MessageBeginEvent extends Span {
  type: 'messageBegin';
}
/** Request method token (request) — `value` decoded as latin1. */
export interface MethodEvent extends Span {
  type: 'method';
  value: string;
}
export interface TargetEvent extends Span {
  type: 'target';
  value: string;
}
/** The whole `HTTP/x.y` token. */
export interface VersionEvent extends Span {
  type: 'version';
  major: number;
  minor: number;
}
/** Response status code (3 digits). */
export interface StatusEvent extends Span {
  type: 'status';
  code: number;
}
/** Response reason phrase (may be empty: length 0). */
export interface ReasonEvent extends Span {
  type: 'reason';
  value: string;
}
/**
 * A field name. After its message's headersComplete it is a trailer (RFC 9112 §7.1.2). Field
 * events have the shape of the other token events (type, offset, length, value), so that a
 * consumer's loop over a head sees few shapes.
 */
export interface HeaderNameEvent extends Span {
  type: 'headerName';
  value: string;
}
/** A field value with surrounding OWS excluded from the span. */
export interface HeaderValueEvent extends Span {
  type: 'headerValue';
  value: string;
}
/** The empty line that ends the head; the span covers it (CRLF, or LF when lenient). */
export interface HeadersCompleteEvent extends Span {
  type: 'headersComplete';
  framing: BodyFraming;
  /** Declared Content-Length when framing is 'content-length'. */
  contentLength: number | null;
  keepAlive: boolean;
  /** Upgrade or CONNECT accepted: the bytes after this message are tunnel bytes. */
  upgrade: boolean;
  /** Versions of this message (copied for convenience). */
  versionMajor: number;
  versionMinor: number;
  /** Request method (requests) or status code (responses). */
  method: string | null;
  statusCode: number | null;
}
/** Body bytes: `data` is a view into the pushed chunk (no copy), valid until the next push. */
export interface BodyEvent extends Span {
  type: 'body';
  data: Uint8Array;
}
/** A chunk-size line (size digits up to and including its CRLF). */
export interface ChunkHeaderEvent extends Span {
  type: 'chunkHeader';
  size: number;
  /** Span of the hex digits only. */
  sizeOffset: number;
  sizeLength: number;
}
export interface ChunkExtensionEvent extends Span {
  type: 'chunkExtensionName' | 'chunkExtensionValue';
  value: string;
}
/**
 * The CRLF that ends a chunk's data; after the last chunk (size 0), the empty line that ends the
 * trailer section.
 */
export interface ChunkCompleteEvent extends Span {
  type: 'chunkComplete';
}
export interface MessageCompleteEvent extends Span {
  type: 'messageComplete';
}
/** Bytes after an accepted Upgrade/CONNECT: not HTTP any more. */
export interface TunnelEvent extends Span {
  type: 'tunnel';
  data: Uint8Array;
}
export interface ErrorEvent extends Span {
  type: 'error';
  code: ErrorCode;
  /** Human-readable English reason (the UI translates by `code`). */
  reason: string;
  /** What a server should answer: 400, 413, 414, 431, 501 or 505. */
  status: number;
}

export type ParserEvent =
  | MessageBeginEvent
  | MethodEvent
  | TargetEvent
  | VersionEvent
  | StatusEvent
  | ReasonEvent
  | HeaderNameEvent
  | HeaderValueEvent
  | HeadersCompleteEvent
  | BodyEvent
  | ChunkHeaderEvent
  | ChunkExtensionEvent
  | ChunkCompleteEvent
  | MessageCompleteEvent
  | TunnelEvent
  | ErrorEvent;

export type ParserEventType = ParserEvent['type'];

/** One lenient flag per llhttp lenient mode; all false (strict RFC 9112) by default. */
export interface LenientFlags {
  headers: boolean;
  chunkedLength: boolean;
  keepAlive: boolean;
  transferEncoding: boolean;
  version: boolean;
  dataAfterClose: boolean;
  optionalLfAfterCr: boolean;
  optionalCrlfAfterChunk: boolean;
  optionalCrBeforeLf: boolean;
  spacesAfterChunkSize: boolean;
  headerValueRelaxed: boolean;
}

export interface ParserLimits {
  /** Bytes of the whole head (start line + fields + empty line); over it: 431. */
  maxHeadBytes: number;
  /** Request-target length; over it: 414. */
  maxTargetLength: number;
  /** Number of header fields; over it: 431. */
  maxHeaders: number;
  /** Body bytes; over it: 413. */
  maxBodyBytes: number;
}

export interface ParserOptions {
  lenient?: Partial<LenientFlags>;
  limits?: Partial<ParserLimits>;
  /**
   * Responses only: the request methods this response answers, in order, so that a response to
   * HEAD or CONNECT is framed correctly. The parser takes one per message (queue semantics).
   */
  requestMethods?: string[];
  /**
   * Accept obs-fold in a field value and replace each fold (OWS CRLF RWS) with as many SP, as a
   * user agent MUST (RFC 9112 §5.2); the value keeps the length of its span. The replay client
   * reads responses so. Without it a fold is an error (OBS_FOLD), unless `lenient.headers` keeps
   * it as sent.
   */
  replaceObsFold?: boolean;
}
