// The error table: every code a message can be refused with, the parser's and the capture
// layer's, with the status a server answers, a default English reason and the key of its
// byte-view explanation (explanations/errors.ts). One row per code.
import type { ErrorCode } from './events';

/** Errors the capture layer raises about a message the parser accepted, or about the stream. */
export type CaptureErrorCode = 'MISSING_HOST' | 'TLS_ON_PLAIN_PORT' | 'TIMEOUT' | 'NOT_HTTP';

/** Every code a `ParseErrorInfo` can carry. */
export type AnyErrorCode = ErrorCode | CaptureErrorCode;

export interface ErrorRow {
  /** What a server answers; 0 when nothing is answered (the client does not speak HTTP). */
  status: number;
  reason: string;
  /** Who raises it: the parser, or the capture layer above it. */
  layer: 'parser' | 'capture';
}

const parser = (status: number, reason: string): ErrorRow => ({ status, reason, layer: 'parser' });
const capture = (status: number, reason: string): ErrorRow => ({
  status,
  reason,
  layer: 'capture',
});

export const ERROR_TABLE: Readonly<Record<AnyErrorCode, ErrorRow>> = {
  INVALID_METHOD: parser(400, 'Invalid method'),
  INVALID_TARGET: parser(400, 'Invalid request-target'),
  INVALID_VERSION: parser(400, 'Invalid HTTP version'),
  UNSUPPORTED_VERSION: parser(505, 'Unsupported HTTP version'),
  INVALID_STATUS: parser(400, 'Invalid status code'),
  INVALID_REASON: parser(400, 'Invalid reason phrase'),
  INVALID_CONSTANT: parser(400, 'Expected HTTP/'),
  INVALID_HEADER_TOKEN: parser(400, 'Invalid header field name character'),
  INVALID_HEADER_VALUE: parser(400, 'Invalid header field value character'),
  OBS_FOLD: parser(400, 'Obsolete line folding is not allowed'),
  WHITESPACE_BEFORE_COLON: parser(400, 'Whitespace between field name and colon'),
  BARE_CR: parser(400, 'CR not followed by LF'),
  BARE_LF: parser(400, 'LF not preceded by CR'),
  NUL_BYTE: parser(400, 'NUL byte'),
  INVALID_CONTENT_LENGTH: parser(400, 'Invalid Content-Length'),
  CONFLICTING_CONTENT_LENGTH: parser(400, 'Several Content-Length fields'),
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: parser(
    400,
    'Content-Length together with Transfer-Encoding',
  ),
  INVALID_TRANSFER_ENCODING: parser(400, 'Invalid Transfer-Encoding'),
  UNSUPPORTED_TRANSFER_ENCODING: parser(501, 'Unsupported Transfer-Encoding'),
  INVALID_CHUNK_SIZE: parser(400, 'Invalid chunk size'),
  INVALID_CHUNK_EXTENSION: parser(400, 'Invalid chunk extension'),
  INVALID_CHUNK_DATA_END: parser(400, 'Expected CRLF after chunk data'),
  INVALID_EOF_STATE: parser(400, 'Connection ended in the middle of a message'),
  DATA_AFTER_CLOSE: parser(400, 'Data after the last message of the connection'),
  HEADER_TOO_LARGE: parser(431, 'Request header fields too large'),
  TOO_MANY_HEADERS: parser(431, 'Too many header fields'),
  TARGET_TOO_LONG: parser(414, 'Request-target too long'),
  BODY_TOO_LARGE: parser(413, 'Content too large'),
  METHOD_NOT_IMPLEMENTED: parser(501, 'Method not implemented'),
  CLOSED_CONNECTION: parser(400, 'Connection closed'),
  MISSING_HOST: capture(400, 'An HTTP/1.1 request must have exactly one Host field'),
  TLS_ON_PLAIN_PORT: capture(0, 'This client speaks HTTPS to an http:// port'),
  TIMEOUT: capture(408, 'The message did not arrive in time'),
  NOT_HTTP: capture(0, 'These bytes are not HTTP'),
};

export const ERROR_CODES = Object.keys(ERROR_TABLE) as AnyErrorCode[];

/** The codes the parser raises (the `ErrorCode` of events.ts). */
export const PARSER_ERROR_CODES = ERROR_CODES.filter(
  (code) => ERROR_TABLE[code].layer === 'parser',
) as ErrorCode[];

/** The status code a server answers for this error (400, 408, 413, 414, 431, 501, 505; 0: none). */
export function statusForError(code: AnyErrorCode): number {
  return ERROR_TABLE[code].status;
}

/** The default English reason for an error code. */
export function reasonForError(code: AnyErrorCode): string {
  return ERROR_TABLE[code].reason;
}

/** The key of the byte-view explanation of an error (in the explanation catalogue). */
export function errorExplanationKey(code: AnyErrorCode): string {
  return `error.${code}`;
}

export function isErrorCode(value: unknown): value is AnyErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}
