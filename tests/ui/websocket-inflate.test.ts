// permessage-deflate's inflater against Node's zlib: every block type and level, messages that
// refer back into earlier ones (context takeover), and broken inputs that fail with a reason
// instead of throwing, a stored block whose NLEN is wrong among them (fflate does not check it:
// the block walk in engine/websocket-deflate.ts does, checked here against zlib's streams).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createDeflateRaw, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import {
  damagedStoredBlock,
  deflateAgreement,
  walkBlocks,
} from '../../src-main/engine/websocket-deflate';
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

/** A stored block (RFC 1951 §3.2.4): header bits, LEN, NLEN, the bytes; `nlen` to break it. */
function stored(data: Uint8Array, final: boolean, nlen = ~data.length & 0xffff): Uint8Array {
  const len = data.length;
  return Uint8Array.from([final ? 1 : 0, len & 0xff, len >> 8, nlen & 0xff, nlen >> 8, ...data]);
}

test("a stored block whose NLEN is not LEN's ones' complement fails like other corrupt data", () => {
  const hello = Buffer.from('hello');
  assert.deepEqual(Buffer.from(inflateOnce(stored(hello, true))), hello, 'the good one inflates');
  for (const [bad, what] of [
    [stored(hello, true, 0x0000), 'final, NLEN 0'],
    [stored(hello, false, 0x1234), 'not final'],
    [stored(hello, true, 5), 'NLEN equal to LEN'],
    [
      Buffer.concat([stored(hello, false), stored(hello, true, 0xfffb ^ 0x100)]),
      'the second block',
    ],
  ] as const) {
    const result = new MessageInflater(false).inflate(bad);
    assert.equal(result.ok, false, what);
    assert.match(result.ok ? '' : result.reason, /NLEN/, what);
  }
});

test('a damaged stored block after a compressed block is found too', async () => {
  // zlib's params() ends the compressed block where its last code ends (in this stream mid-byte)
  // with an empty stored block after it, then the bytes written at level 0 are stored.
  const marker = Buffer.from('<stored block bytes, kept as they are>'.repeat(3));
  const [good] = await mixed(Buffer.from('compressed words, compressed words, compressed'), marker);
  const inflated = inflateOnce(good!);
  assert.ok(Buffer.from(inflated).includes(marker), 'the good stream inflates');
  const at = good!.indexOf(marker);
  assert.ok(at > 4, 'the stored bytes are in the stream as they are');
  assert.equal(good!.readUInt16LE(at - 4), ~good!.readUInt16LE(at - 2) & 0xffff, 'LEN and NLEN');
  const stored = walkBlocks(good!).stored;
  assert.ok(stored[0]!.offset > 1, 'the first stored block comes after compressed data');
  assert.ok(
    stored.some((block) => block.offset === at - 4),
    "the marker's block is found by walking",
  );
  for (const offset of [stored[0]!.offset, at - 4]) {
    const bad = Buffer.from(good!);
    bad[offset + 3] ^= 0x01;
    assert.equal(damagedStoredBlock(bad)?.offset, offset);
    const result = new MessageInflater(true).inflate(bad);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /NLEN/);
  }
});

/** A permessage-deflate-like message from zlib: segments at their own level and strategy, each
 * ended by its own flush, the last a sync flush (its 00 00 FF FF kept). */
interface Segment {
  data: Uint8Array;
  level: number;
  strategy: number;
  flush: number;
}

async function segments(parts: Segment[]): Promise<Buffer> {
  const stream = createDeflateRaw({ level: parts[0]?.level ?? 6 });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  for (const [i, part] of parts.entries()) {
    if (i > 0) {
      await new Promise<void>((resolve) => stream.params(part.level, part.strategy, resolve));
    }
    stream.write(part.data);
    await new Promise<void>((resolve) => stream.flush(part.flush, () => resolve()));
  }
  await new Promise<void>((resolve) => stream.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  return Buffer.concat(chunks);
}

const segment = fc.record({
  data: fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    fc
      .tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 200 }))
      .map(([text, times]) => new TextEncoder().encode(text.repeat(times))),
  ),
  level: fc.integer({ min: 0, max: 9 }),
  strategy: fc.constantFrom(
    constants.Z_DEFAULT_STRATEGY,
    constants.Z_FIXED,
    constants.Z_HUFFMAN_ONLY,
    constants.Z_RLE,
    constants.Z_FILTERED,
  ),
  flush: fc.constantFrom(
    constants.Z_NO_FLUSH,
    constants.Z_BLOCK,
    constants.Z_PARTIAL_FLUSH,
    constants.Z_SYNC_FLUSH,
    constants.Z_FULL_FLUSH,
  ),
});

test('property: on valid streams the walk follows every block to the end, and refuses none', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (parts) => {
      const stream = await segments(parts);
      const walk = walkBlocks(stream);
      assert.ok(walk.whole, 'the walk reached the end');
      assert.equal(damagedStoredBlock(stream), null);
      // The last block is the sync flush's empty stored block, ending the stream.
      assert.deepEqual(walk.stored.at(-1), { offset: stream.length - 4, len: 0, nlen: 0xffff });
      for (const block of walk.stored) {
        assert.equal(block.nlen, ~block.len & 0xffff);
      }
      const inflated = new MessageInflater(true).inflate(stream.subarray(0, -4));
      assert.ok(inflated.ok, inflated.ok ? '' : inflated.reason);
      assert.deepEqual(Buffer.from(inflated.data), Buffer.concat(parts.map((part) => part.data)));
    }),
    { numRuns: 150, seed: 20261205 },
  );
});

test('property: each stored block of a valid stream, its NLEN damaged, is refused at its offset', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(segment, { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.integer({ min: 0, max: 15 }),
      async (parts, pick, bit) => {
        const stream = await segments(parts);
        const stored = walkBlocks(stream).stored;
        const block = stored[pick % stored.length]!;
        const bad = Buffer.from(stream);
        bad[block.offset + 2 + (bit >> 3)] ^= 1 << (bit & 7);
        assert.deepEqual(damagedStoredBlock(bad), {
          ...block,
          nlen: block.nlen ^ (1 << bit),
        });
        // Given whole (the sync flush's block included), the inflater adds one more such block.
        const result = new MessageInflater(true).inflate(bad);
        assert.equal(result.ok, false);
        assert.match(result.ok ? '' : result.reason, /NLEN/);
      },
    ),
    { numRuns: 150, seed: 20261206 },
  );
});

/** One raw DEFLATE message: `first` compressed, then `then` stored (level 0), sync-flushed. */
async function mixed(first: Buffer, then: Buffer): Promise<Buffer[]> {
  const stream = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.write(first);
  await new Promise<void>((resolve) => stream.params(0, constants.Z_DEFAULT_STRATEGY, resolve));
  stream.write(then);
  await new Promise<void>((resolve) => stream.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  const all = Buffer.concat(chunks);
  assert.deepEqual([...all.subarray(-4)], [0, 0, 0xff, 0xff]);
  return [all.subarray(0, -4)];
}

test('broken inputs fail with a reason, never throw; the output limit holds', () => {
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
