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
 * Node 20, 150 bytes take about 165 ns here against 340 ns through zlib, 300 bytes 290 ns
 * against 335 ns.
 */
const JS_BELOW = 256;

/** Slicing by 16 for the short ranges: sixteen tables, as signed words (no unsigned doubles). */
const TABLES16 = buildTables16();

function buildTables16(): Int32Array {
  const tables = new Int32Array(16 * 256);
  tables.set(TABLES.subarray(0, 256));
  for (let t = 1; t < 16; t++) {
    for (let n = 0; n < 256; n++) {
      const previous = tables[(t - 1) * 256 + n];
      tables[t * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
}

/** CRC-32 of `bytes[from … to)` without a view for short ranges. */
export function crc32Range(bytes: Uint8Array, from: number, to: number): number {
  if (!native || to - from >= JS_BELOW) return crc32(bytes.subarray(from, to));
  const t = TABLES16;
  let c = -1;
  let i = from;
  const end16 = to - ((to - from) & 15);
  while (i < end16) {
    const a = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c =
      t[3840 + (a & 0xff)] ^
      t[3584 + ((a >>> 8) & 0xff)] ^
      t[3328 + ((a >>> 16) & 0xff)] ^
      t[3072 + (a >>> 24)] ^
      t[2816 + bytes[i + 4]] ^
      t[2560 + bytes[i + 5]] ^
      t[2304 + bytes[i + 6]] ^
      t[2048 + bytes[i + 7]] ^
      t[1792 + bytes[i + 8]] ^
      t[1536 + bytes[i + 9]] ^
      t[1280 + bytes[i + 10]] ^
      t[1024 + bytes[i + 11]] ^
      t[768 + bytes[i + 12]] ^
      t[512 + bytes[i + 13]] ^
      t[256 + bytes[i + 14]] ^
      t[bytes[i + 15]];
    i += 16;
  }
  for (; i < to; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
