// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), used to detect torn or corrupt session records.
// zlib's native crc32 where the runtime has it (Node ≥ 20.15); otherwise slicing-by-8 in
// JavaScript: eight 256-entry tables let the loop consume eight bytes per step.

import * as zlib from 'node:zlib';

type Crc32 = (bytes: Uint8Array, crc?: number) => number;

const native = (zlib as { crc32?: Crc32 }).crc32;
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c >>> 0;
  }
  for (let t = 1; t < 8; t++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(t - 1) * 256 + n];
      tables[t * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
}

/** Continues a CRC over `bytes`; start with the default `crc` of 0. */
export const crc32: Crc32 = native ? (bytes, crc = 0) => native(bytes, crc) : crc32Js;

/** The portable implementation (the fallback, and the reference the native one is tested against). */
export function crc32Js(bytes: Uint8Array, crc = 0): number {
  const t = TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  while (i < end8) {
    const a =
      (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + (b & 0xff)] ^
      t[512 + ((b >>> 8) & 0xff)] ^
      t[256 + ((b >>> 16) & 0xff)] ^
      t[b >>> 24];
    i += 8;
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Below this many bytes the JavaScript loop beats a call into zlib, whose fixed cost per call
 * (argument checks, the native boundary, a view to pass) dominates a short record: measured on
 * Node 20, 150 bytes take about 190 ns here against 320 ns through zlib; they meet near 200.
 */
const JS_BELOW = 192;

/** CRC-32 of `bytes[from … to)` without a view for short ranges. */
export function crc32Range(bytes: Uint8Array, from: number, to: number): number {
  if (!native || to - from >= JS_BELOW) return crc32(bytes.subarray(from, to));
  const t = TABLES;
  let c = -1;
  let i = from;
  const end8 = to - ((to - from) & 7);
  while (i < end8) {
    const a = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
    i += 8;
  }
  for (; i < to; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
