// base64 on the Node side, through Buffer (native and fast for large captures). The renderer and
// the engine use the portable helpers of engine/bytes.ts; validation is theirs in both places.
import { isBase64 } from '../engine/bytes';

/** Encodes without copying the bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/** Decodes base64 (whitespace allowed); null when `text` is not base64 at all. */
export function fromBase64(text: unknown): Uint8Array | null {
  if (typeof text !== 'string' || !isBase64(text)) return null;
  return Buffer.from(text, 'base64');
}
