// The CRC-32 of a byte range: the JavaScript loop used for short ranges and zlib's native one
// agree on every length around the switch between them, at any alignment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32Js, crc32Range } from '../../src-main/capture/crc32';

test('crc32Range equals zlib and the portable CRC for every length from 0 to 400', () => {
  const bytes = Buffer.alloc(1024);
  let state = 7;
  for (let i = 0; i < bytes.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = state >>> 16;
  }
  for (let length = 0; length <= 400; length++) {
    for (const from of [0, 1, 3, 7, 100]) {
      const expected = zlibCrc32(bytes.subarray(from, from + length));
      assert.equal(crc32Range(bytes, from, from + length), expected, `${from}+${length}`);
      assert.equal(crc32Js(bytes.subarray(from, from + length)), expected);
    }
  }
  // One flipped bit changes it.
  const flipped = Buffer.from(bytes);
  flipped[50] ^= 1;
  assert.notEqual(crc32Range(flipped, 0, 120), crc32Range(bytes, 0, 120));
});
