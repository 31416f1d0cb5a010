// One WebSocket frame as read from the wire (RFC 6455 §5.2): its header fields with the exact
// byte span of each, and the parts a byte view explains.

export type WsOpcodeName = 'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong';

const OPCODES: readonly (WsOpcodeName | null)[] = [
  'continuation',
  'text',
  'binary',
  null,
  null,
  null,
  null,
  null,
  'close',
  'ping',
  'pong',
  null,
  null,
  null,
  null,
  null,
];

/** The name of a defined opcode, or null for a reserved one (0x3–0x7, 0xB–0xF). */
export function opcodeName(opcode: number): WsOpcodeName | null {
  return OPCODES[opcode & 0x0f] ?? null;
}

/** Close, Ping, Pong and the reserved 0xB–0xF: opcodes with the high bit set (§5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x08) !== 0;
}

export interface WsSpan {
  offset: number;
  length: number;
}

/** Where each header field and the payload are, as absolute stream offsets. */
export interface WsFrameSpans {
  /** FIN, RSV1–3 and the opcode. */
  first: WsSpan;
  /** MASK and the 7-bit payload length. */
  second: WsSpan;
  /** The 16- or 64-bit extended payload length, when the 7 bits say 126 or 127. */
  extendedLength: WsSpan | null;
  maskingKey: WsSpan | null;
  payload: WsSpan;
}

export interface WsFrame {
  /** Position among this direction's frames (0, 1, 2…). */
  index: number;
  /** Absolute offset of the frame's first byte, and its whole length (header + payload). */
  offset: number;
  length: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  kind: WsOpcodeName;
  masked: boolean;
  maskingKey: Uint8Array | null;
  payloadLength: number;
  spans: WsFrameSpans;
}

/** One explained run of a frame's bytes: a key of explanations/websocket.ts. */
export interface WsFramePart extends WsSpan {
  key: string;
}

/**
 * The frame's bytes as the byte view explains them, in order and covering every byte once: the
 * two header bytes, the extended length, the masking key, then the payload (a Close frame's
 * split into its status code and reason).
 */
export function frameParts(frame: WsFrame): WsFramePart[] {
  const { spans } = frame;
  const parts: WsFramePart[] = [
    { ...spans.first, key: 'ws.first-byte' },
    { ...spans.second, key: 'ws.second-byte' },
  ];
  if (spans.extendedLength) {
    const key = spans.extendedLength.length === 2 ? 'ws.length-16' : 'ws.length-64';
    parts.push({ ...spans.extendedLength, key });
  }
  if (spans.maskingKey) parts.push({ ...spans.maskingKey, key: 'ws.masking-key' });
  const payload = spans.payload;
  if (payload.length === 0) return parts;
  if (frame.kind === 'close' && payload.length >= 2) {
    parts.push({ offset: payload.offset, length: 2, key: 'ws.close-code' });
    if (payload.length > 2)
      parts.push({
        offset: payload.offset + 2,
        length: payload.length - 2,
        key: 'ws.close-reason',
      });
  } else {
    parts.push({ ...payload, key: `ws.payload.${frame.kind}` });
  }
  return parts;
}
