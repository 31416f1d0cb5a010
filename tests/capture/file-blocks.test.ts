// Reads through one cached block of an append-only file: every read gives the file's bytes,
// across block edges, for large reads, and for bytes appended after a block was cached.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FileBlocks } from '../../src-main/capture/file-blocks';

const dir = mkdtempSync(join(tmpdir(), 'socketscope-blocks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7 + (i >> 9)) & 0xff;
  return bytes;
}

test('any read gives the bytes at its position: small, across edges, large, after appends', () => {
  const path = join(dir, 'log');
  let content = pattern(900 * 1024, 1);
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    const blocks = new FileBlocks(fd);
    const read = (position: number, length: number): Buffer => {
      const out = Buffer.alloc(length + 4, 0xee);
      blocks.read(out, 2, length, position, content.length);
      assert.equal(out[0], 0xee, 'nothing written before');
      assert.equal(out[length + 3], 0xee, 'nothing written after');
      return out.subarray(2, 2 + length);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: content.length - 1 }),
        fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 200_000 })),
        (position, wanted) => {
          const length = Math.min(wanted, content.length - position);
          assert.deepEqual(read(position, length), content.subarray(position, position + length));
        },
      ),
      { numRuns: 400 },
    );
    // As a scan of a live session reads: neighbours from many places of the file in turn.
    for (let round = 0; round < 40; round++)
      for (let place = 0; place < 40; place++) {
        const at = place * 21_000 + round * 300;
        assert.deepEqual(read(at, 300), content.subarray(at, at + 300));
      }
    // In file order, as a scan reads: each exchange's few hundred bytes.
    for (let at = 0; at + 300 <= content.length; at += 977)
      assert.deepEqual(read(at, 300), content.subarray(at, at + 300));
    // Bytes appended after the last block was read are read from the file, not the block.
    const tail = content.length;
    content = Buffer.concat([content, pattern(5000, 2)]);
    appendFileSync(path, content.subarray(tail));
    assert.deepEqual(read(tail - 100, 400), content.subarray(tail - 100, tail + 300));
    assert.deepEqual(read(tail + 10, 50), content.subarray(tail + 10, tail + 60));
  } finally {
    closeSync(fd);
  }
});
