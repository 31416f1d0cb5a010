// Error codes → the status a server answers, and default English reasons.
import type { ErrorCode } from './events';

const STATUS: Record<ErrorCode, number> = {
  INVALID_METHOD: 400,
  INVALID_TARGET: 400,
  INVALID_VERSION: 400,
  UNSUPPORTED_VERSION: 505,
  INVALID_STATUS: 400,
  INVALID_REASON: 400,
  INVALID_CONSTANT: 400,
  INVALID_HEADER_TOKEN: 400,
  INVALID_HEADER_VALUE: 400,
  OBS_FOLD: 400,
  WHITESPACE_BEFORE_COLON: 400,
  BARE_CR: 400,
  BARE_LF: 400,
  NUL_BYTE: 400,
  INVALID_CONTENT_LENGTH: 400,
  CONFLICTING_CONTENT_LENGTH: 400,
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: 400,
  INVALID_TRANSFER_ENCODING: 400,
  UNSUPPORTED_TRANSFER_ENCODING: 501,
  INVALID_CHUNK_SIZE: 400,
  INVALID_CHUNK_EXTENSION: 400,
  INVALID_CHUNK_DATA_END: 400,
  INVALID_EOF_STATE: 400,
  DATA_AFTER_CLOSE: 400,
  HEADER_TOO_LARGE: 431,
  TOO_MANY_HEADERS: 431,
  TARGET_TOO_LONG: 414,
  BODY_TOO_LARGE: 413,
  METHOD_NOT_IMPLEMENTED: 501,
  CLOSED_CONNECTION: 400,
};

const REASON: Record<ErrorCode, string> = {
  INVALID_METHOD: 'Invalid method',
  INVALID_TARGET: 'Invalid request-target',
  INVALID_VERSION: 'Invalid HTTP version',
  UNSUPPORTED_VERSION: 'Unsupported HTTP version',
  INVALID_STATUS: 'Invalid status code',
  INVALID_REASON: 'Invalid reason phrase',
  INVALID_CONSTANT: 'Expected HTTP/',
  INVALID_HEADER_TOKEN: 'Invalid header field name character',
  INVALID_HEADER_VALUE: 'Invalid header field value character',
  OBS_FOLD: 'Obsolete line folding is not allowed',
  WHITESPACE_BEFORE_COLON: 'Whitespace between field name and colon',
  BARE_CR: 'CR not followed by LF',
  BARE_LF: 'LF not preceded by CR',
  NUL_BYTE: 'NUL byte',
  INVALID_CONTENT_LENGTH: 'Invalid Content-Length',
  CONFLICTING_CONTENT_LENGTH: 'Several Content-Length fields',
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: 'Content-Length together with Transfer-Encoding',
  INVALID_TRANSFER_ENCODING: 'Invalid Transfer-Encoding',
  UNSUPPORTED_TRANSFER_ENCODING: 'Unsupported Transfer-Encoding',
  INVALID_CHUNK_SIZE: 'Invalid chunk size',
  INVALID_CHUNK_EXTENSION: 'Invalid chunk extension',
  INVALID_CHUNK_DATA_END: 'Expected CRLF after chunk data',
  INVALID_EOF_STATE: 'Connection ended in the middle of a message',
  DATA_AFTER_CLOSE: 'Data after the last message of the connection',
  HEADER_TOO_LARGE: 'Request header fields too large',
  TOO_MANY_HEADERS: 'Too many header fields',
  TARGET_TOO_LONG: 'Request-target too long',
  BODY_TOO_LARGE: 'Content too large',
  METHOD_NOT_IMPLEMENTED: 'Method not implemented',
  CLOSED_CONNECTION: 'Connection closed',
};

/** The status code a server answers for this parse error (400, 413, 414, 431, 501 or 505). */
export function statusForError(code: ErrorCode): number {
  return STATUS[code];
}

/** The default English reason for an error code. */
export function reasonForError(code: ErrorCode): string {
  return REASON[code];
}
