// Every way a WebSocket byte stream can break RFC 6455, with the section that says so. The
// parser names one of these codes, the byte where it saw it and a reason in one sentence;
// explanations/websocket.ts explains each code in English and Chinese (`ws.error.<CODE>`).

export const WS_ERROR_RFC = {
  /** An RSV bit set that no negotiated extension defines. */
  RSV_WITHOUT_EXTENSION: 'RFC 6455 §5.2',
  /** Opcode 0x3–0x7 or 0xB–0xF. */
  RESERVED_OPCODE: 'RFC 6455 §5.2',
  /** A Close, Ping or Pong frame with more than 125 bytes of payload. */
  CONTROL_TOO_LONG: 'RFC 6455 §5.5',
  /** A Close, Ping or Pong frame without FIN. */
  CONTROL_FRAGMENTED: 'RFC 6455 §5.5',
  /** A frame from the client whose MASK bit is 0. */
  CLIENT_NOT_MASKED: 'RFC 6455 §5.1',
  /** A frame from the server whose MASK bit is 1. */
  SERVER_MASKED: 'RFC 6455 §5.1',
  /** A length in 16 or 64 bits that would have fitted in fewer. */
  LENGTH_NOT_MINIMAL: 'RFC 6455 §5.2',
  /** A 64-bit length whose most significant bit is 1. */
  LENGTH_MSB_SET: 'RFC 6455 §5.2',
  /** A 64-bit length above 2^53 − 1 bytes: more than any recording holds. */
  LENGTH_TOO_LARGE: 'RFC 6455 §5.2',
  /** A continuation frame with no fragmented message to continue. */
  CONTINUATION_WITHOUT_START: 'RFC 6455 §5.4',
  /** A new text or binary frame while a fragmented message is unfinished. */
  MESSAGE_NOT_FINISHED: 'RFC 6455 §5.4',
  /** A text message that is not UTF-8. */
  INVALID_UTF8_TEXT: 'RFC 6455 §8.1',
  /** A close reason that is not UTF-8. */
  INVALID_UTF8_REASON: 'RFC 6455 §5.5.1',
  /** A Close body of one byte: a status code needs two. */
  CLOSE_BODY_ONE_BYTE: 'RFC 6455 §5.5.1',
  /** A status code that must not be sent (0–999, 1004–1006, 1015, 1016–2999, 5000+). */
  BAD_CLOSE_CODE: 'RFC 6455 §7.4',
  /** Bytes after this side's Close frame. */
  DATA_AFTER_CLOSE: 'RFC 6455 §5.5.1',
  /** The stream ended inside a frame. */
  TRUNCATED_FRAME: 'RFC 6455 §5.2',
  /** The stream ended inside a fragmented message. */
  UNFINISHED_MESSAGE: 'RFC 6455 §5.4',
} as const;

export type WsErrorCode = keyof typeof WS_ERROR_RFC;

export const WS_ERROR_CODES = Object.keys(WS_ERROR_RFC) as WsErrorCode[];

/** The explanation key of an error code. */
export function wsErrorKey(code: WsErrorCode): string {
  return `ws.error.${code}`;
}

export interface WsError {
  code: WsErrorCode;
  /** Absolute offset of the first offending byte, and how many bytes the fault covers. */
  offset: number;
  length: number;
  /** Where the frame holding the fault starts. */
  frameOffset: number;
  /** One English sentence with the values seen. */
  reason: string;
  rfc: string;
}
