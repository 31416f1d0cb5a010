// Builds WebSocket frames byte by byte for the tests, including the malformed ones a real
// library refuses to send (non-minimal lengths, reserved opcodes, stray RSV bits).

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  /** RSV bits as a 3-bit number (4 = RSV1). */
  rsv?: number;
  /** A masking key (client frames), or none. */
  mask?: Uint8Array | null;
  /** Force the length encoding: 7, 16 or 64 bits (default: the minimal one). */
  lengthBits?: 7 | 16 | 64;
  /** Raw 64-bit length bytes, to write lengths no payload could have. */
  rawLength64?: Uint8Array;
}

export function bytesOf(payload: Uint8Array | string | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}

export function encodeFrame(spec: FrameSpec): Uint8Array {
  const payload = bytesOf(spec.payload);
  const n = payload.length;
  const bits = spec.lengthBits ?? (n <= 125 ? 7 : n <= 0xffff ? 16 : 64);
  const mask = spec.mask ?? null;
  const head: number[] = [
    ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f),
  ];
  const maskBit = mask ? 0x80 : 0;
  if (spec.rawLength64) head.push(maskBit | 127, ...spec.rawLength64);
  else if (bits === 7) head.push(maskBit | n);
  else if (bits === 16) head.push(maskBit | 126, (n >> 8) & 0xff, n & 0xff);
  else {
    const high = Math.floor(n / 0x1_0000_0000);
    head.push(maskBit | 127);
    for (let shift = 24; shift >= 0; shift -= 8) head.push((high >>> shift) & 0xff);
    for (let shift = 24; shift >= 0; shift -= 8) head.push((n >>> shift) & 0xff);
  }
  if (mask) head.push(...mask);
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  for (let i = 0; i < n; i++)
    out[head.length + i] = mask ? payload[i]! ^ mask[i & 3]! : payload[i]!;
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A Close payload: the code in two bytes, then the reason. */
export function closePayload(code: number, reason = ''): Uint8Array {
  return concat([new Uint8Array([code >> 8, code & 0xff]), bytesOf(reason)]);
}
