// permessage-deflate's inflater against Node's zlib: every block type and level, messages that
// refer back into earlier ones (context takeover), and broken inputs that fail with a reason
// instead of throwing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { deflateAgreement } from '../../src-main/engine/websocket-deflate';
import { MessageInflater } from '../../src-renderer/lib/websocket-inflate';
import { perMessage } from './permessage-deflate';

/** Raw DEFLATE made whole by zlib (a final block), read as one message. */
function inflateOnce(bytes: Uint8Array): Uint8Array {
  const result = new MessageInflater(true).inflate(bytes);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.data;
}

test('inflates what zlib deflates: stored, fixed and dynamic blocks, every level', () => {
  const text = Buffer.from('WebSocket frames, WebSocket messages, 中文 and more. '.repeat(400));
  const random = Buffer.from(
    Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24),
  );
  for (const input of [Buffer.alloc(0), Buffer.from('a'), text, random]) {
    for (const level of [0, 1, 6, 9]) {
      assert.deepEqual(
        Buffer.from(inflateOnce(deflateRawSync(input, { level }))),
        input,
        `level ${level}`,
      );
    }
    const fixed = deflateRawSync(input, { strategy: constants.Z_FIXED });
    assert.deepEqual(Buffer.from(inflateOnce(fixed)), input, 'fixed Huffman');
  }
});

test('property: any bytes round-trip through zlib and back', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.integer({ min: 0, max: 9 }),
      (bytes, level) => {
        assert.deepEqual(
          Buffer.from(inflateOnce(deflateRawSync(bytes, { level }))),
          Buffer.from(bytes),
        );
      },
    ),
    { numRuns: 200, seed: 20261203 },
  );
});

test('messages that refer back into earlier ones inflate in order (context takeover)', async () => {
  const messages = ['hello hello hello', 'hello again, hello', 'x'.repeat(40_000), 'hello x'].map(
    (s) => Buffer.from(s),
  );
  const compressed = await perMessage(messages, false);
  const inflater = new MessageInflater(false);
  for (let i = 0; i < messages.length; i++) {
    const result = inflater.inflate(compressed[i]!);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.deepEqual(Buffer.from(result.data), messages[i]);
  }
  // Without the earlier messages, a later one cannot be read.
  const alone = new MessageInflater(false).inflate(compressed[1]!);
  assert.ok(!alone.ok || Buffer.from(alone.data).toString() !== messages[1]!.toString());
});

test('no context takeover: each message inflates alone', async () => {
  const messages = ['same same same', 'same same same'].map((s) => Buffer.from(s));
  const compressed = await perMessage(messages, true);
  const inflater = new MessageInflater(true);
  for (let i = 0; i < messages.length; i++) {
    const result = inflater.inflate(compressed[i]!);
    assert.ok(result.ok);
    assert.deepEqual(Buffer.from(result.data), messages[i]);
  }
});

test('broken inputs fail with a reason, never throw; the output limit holds', () => {
  // (fflate does not check a stored block's NLEN, so that case is not among these.)
  for (const bad of [[0x07], [0xff, 0xff, 0xff], [0x04, 0x00]]) {
    const result = new MessageInflater(false).inflate(new Uint8Array(bad));
    assert.equal(result.ok, false, JSON.stringify(bad));
  }
  const big = deflateRawSync(Buffer.alloc(100_000));
  const limited = new MessageInflater(false).inflate(big, 1000);
  assert.equal(limited.ok, false);
  const bomb = deflateRawSync(Buffer.alloc(64 * 1024 * 1024));
  assert.equal(new MessageInflater(false).inflate(bomb, 1 << 20).ok, false, 'stops at the bound');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      new MessageInflater(false).inflate(bytes, 1 << 20);
    }),
    { numRuns: 500, seed: 20261204 },
  );
});

test('the agreement is read from Sec-WebSocket-Extensions', () => {
  assert.deepEqual(
    deflateAgreement('permessage-deflate; server_no_context_takeover; client_max_window_bits=15'),
    {
      serverNoContextTakeover: true,
      clientNoContextTakeover: false,
    },
  );
  assert.equal(deflateAgreement('x-webkit-deflate-frame'), null);
  assert.equal(deflateAgreement(''), null);
});
