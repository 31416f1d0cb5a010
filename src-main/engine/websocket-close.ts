// What a Close frame's body may hold (RFC 6455 §5.5.1, §7.4): nothing, or a two-byte status
// code and a UTF-8 reason. Which codes may appear on the wire is decided here, once.

/** Status codes RFC 6455 §7.4.1 defines and IANA registered after it (1012–1014). */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1002: 'Protocol Error',
  1003: 'Unsupported Data',
  1007: 'Invalid Frame Payload Data',
  1008: 'Policy Violation',
  1009: 'Message Too Big',
  1010: 'Mandatory Extension',
  1011: 'Internal Error',
  1012: 'Service Restart',
  1013: 'Try Again Later',
  1014: 'Bad Gateway',
};

/**
 * Whether `code` may be sent in a Close frame: a defined code (not 1004, and not 1005, 1006 or
 * 1015, which only name what an endpoint saw), or one of the ranges for libraries and
 * applications (3000–4999). 0–999 are unused and 1016–2999 reserved for the protocol.
 */
export function isSendableCloseCode(code: number): boolean {
  return CLOSE_CODE_NAMES[code] !== undefined || (code >= 3000 && code <= 4999);
}
