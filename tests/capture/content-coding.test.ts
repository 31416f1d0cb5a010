// Content codings undone and done again: what search reads and what rule edits send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { decodeContent, encodeContent, knownCodings } from '../../src-main/capture/content-coding';

const text = Buffer.from('hello, coded world '.repeat(20));

test('each known coding round-trips, codings applied in order and undone in reverse', () => {
  for (const coding of ['gzip', 'x-gzip', 'br', 'deflate', 'gzip, br', 'identity, gzip']) {
    const encoded = encodeContent(text, coding);
    assert.ok(encoded !== null, coding);
    assert.notDeepEqual(Buffer.from(encoded), text, `${coding} changed the bytes`);
    const decoded = decodeContent(encoded, coding, 1 << 20);
    assert.equal(decoded.complete, true, coding);
    assert.deepEqual(Buffer.from(decoded.bytes), text, coding);
  }
  assert.deepEqual(
    Buffer.from(decodeContent(brotliCompressSync(gzipSync(text)), 'gzip, br', 1 << 20).bytes),
    text,
  );
});

test('raw deflate is read too; unknown, damaged and oversized bodies are not complete', () => {
  assert.deepEqual(
    Buffer.from(decodeContent(deflateRawSync(text), 'deflate', 1 << 20).bytes),
    text,
  );
  assert.equal(decodeContent(text, 'zstd', 1 << 20).complete, false);
  assert.equal(decodeContent(Buffer.from('not gzip'), 'gzip', 1 << 20).complete, false);
  assert.equal(decodeContent(gzipSync(text), 'gzip', 10).complete, false);
  assert.equal(encodeContent(text, 'zstd'), null);
  assert.deepEqual(decodeContent(text, null, 1), { bytes: text, complete: true });
});

test('known codings: only when every coding named is one that can be done again', () => {
  assert.equal(knownCodings('gzip'), true);
  assert.equal(knownCodings('GZIP, br'), true);
  assert.equal(knownCodings('gzip, zstd'), false);
  assert.equal(knownCodings('identity'), false);
  assert.equal(knownCodings(null), false);
});
