// Byte helpers for the renderer: base64, hex, text decoding, sizes.
import { base64ToBytes as decodeBase64, decodeLatin1 } from '../../src-main/engine/bytes';

export { bytesToBase64 } from '../../src-main/engine/bytes';

/** Decodes base64 the Core sent; throws on anything else, as atob does. */
export function base64ToBytes(base64: string): Uint8Array {
  const bytes = decodeBase64(base64);
  if (bytes === null) throw new Error('not base64');
  return bytes;
}

/** One character per byte, so offsets in the string equal offsets in the bytes. */
export const latin1 = (bytes: Uint8Array): string => decodeLatin1(bytes);

export { encodeLatin1 as latin1Bytes } from '../../src-main/engine/bytes';

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export function toHex(bytes: Uint8Array, limit = bytes.length): string {
  const parts: string[] = [];
  const end = Math.min(limit, bytes.length);
  for (let i = 0; i < end; i++) parts.push(hex2(bytes[i]));
  return parts.join(' ');
}

/** Parses hex digits, ignoring whitespace; null when the text is not whole pairs of hex digits. */
export function parseHex(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(compact)) return null;
  const out = new Uint8Array(compact.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(compact.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** True when the bytes look like text (no NUL and few control bytes). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control <= sample.length / 50;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
