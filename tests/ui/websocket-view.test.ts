// The renderer's WebSocket view model (src-renderer/lib/websocket-view.ts) without a page: the
// upgrade read from a 101, one direction decoded from pages of recorded bytes, bounded loads,
// rows and previews, and the end of a closed connection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LOAD_BYTES,
  MAX_ROWS,
  PAGE_BYTES,
  PREVIEW_BYTES,
  WsStream,
  preview,
  websocketUpgrade,
  type FetchBytes,
} from '../../src-renderer/lib/websocket-view';
import { closePayload, concat, encodeFrame } from '../engine/websocket-encode';
import { perMessage } from './permessage-deflate';

const enc = (s: string) => new TextEncoder().encode(s);
const PLAIN = { perMessageDeflate: false, deflate: null, protocol: null };
const HEAD_101 = enc(
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n',
);

/** A recorded stream: `start` bytes of HTTP, then the frames; counts the fetches. */
function recorded(start: number, frames: Uint8Array) {
  const stream = concat([new Uint8Array(start), frames]);
  const calls: { offset: number; length: number }[] = [];
  const fetch: FetchBytes = async (_direction, offset, length) => {
    calls.push({ offset, length });
    assert.ok(length <= PAGE_BYTES, 'every request fits a frame');
    return stream.subarray(offset, Math.min(stream.length, offset + length));
  };
  return { fetch, calls, stream };
}

test('a 101 with Upgrade: websocket is a WebSocket; its extensions are read', () => {
  assert.deepEqual(websocketUpgrade(HEAD_101, 'GET'), {
    perMessageDeflate: true,
    deflate: { serverNoContextTakeover: false, clientNoContextTakeover: false },
    protocol: null,
  });
  assert.equal(
    websocketUpgrade(enc('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n'), 'GET'),
    null,
  );
  assert.equal(websocketUpgrade(enc('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 'GET'), null);
  assert.equal(websocketUpgrade(enc('not http at all'), 'GET'), null);
  assert.equal(websocketUpgrade(null, 'GET'), null);
});

test('one direction decoded across pages: a frame cut by a page boundary, previews kept short', async () => {
  const key = new Uint8Array([1, 2, 3, 4]);
  const big = new Uint8Array(PAGE_BYTES + 1000).fill(0x42);
  const frames = concat([
    encodeFrame({ opcode: 1, payload: 'first', mask: key }),
    encodeFrame({ opcode: 2, payload: big, mask: key }),
    encodeFrame({ opcode: 8, payload: closePayload(1001, 'away'), mask: key }),
  ]);
  const { fetch } = recorded(77, frames);
  const stream = new WsStream('in', 77, PLAIN);
  assert.equal(await stream.load(fetch, false), true);
  assert.deepEqual(
    stream.rows.map((r) => [r.message.kind, r.message.length]),
    [
      ['text', 5],
      ['binary', big.length],
      ['close', 6],
    ],
  );
  assert.equal(stream.rows[1]!.message.data.length, PREVIEW_BYTES);
  assert.equal(stream.rows[1]!.frames[0]!.offset, 77 + 11);
  assert.equal(stream.rows[2]!.message.close?.code, 1001);
  assert.equal(preview(stream.rows[0]!.message).text, 'first');
  assert.match(preview(stream.rows[1]!.message).text, /^42 42 42 .* …$/);
  assert.equal(stream.error, null);
  assert.equal(stream.finished, false);
});

test('a live connection: a frame not yet complete waits, and the next load finishes it', async () => {
  const frame = encodeFrame({ opcode: 1, payload: 'hello' });
  let available = 4;
  const stream = new WsStream('out', 0, PLAIN);
  const fetch: FetchBytes = async (_d, offset, length) =>
    frame.subarray(offset, Math.min(available, offset + length));
  await stream.load(fetch, false);
  assert.equal(stream.rows.length, 0);
  assert.equal(stream.frameInProgress, 0);
  available = frame.length;
  await stream.load(fetch, false);
  assert.equal(stream.rows[0]?.message.text, 'hello');
  assert.equal(stream.frameInProgress, null);
});

test('a closed connection that ends inside a frame reports it, once', async () => {
  const frame = encodeFrame({ opcode: 2, payload: new Uint8Array(50) });
  const { fetch } = recorded(0, frame.subarray(0, 20));
  const stream = new WsStream('out', 0, PLAIN);
  await stream.load(fetch, true);
  assert.equal(stream.error?.code, 'TRUNCATED_FRAME');
  assert.equal(stream.finished, true);
  assert.equal(await stream.load(fetch, true), false);
});

test('a load reads at most LOAD_BYTES; the next one goes on where it stopped', async () => {
  const payload = new Uint8Array(60_000);
  const one = encodeFrame({ opcode: 2, payload });
  const count = Math.ceil((LOAD_BYTES * 1.5) / one.length);
  const { fetch, calls, stream: bytes } = recorded(0, concat(Array<Uint8Array>(count).fill(one)));
  const stream = new WsStream('out', 0, PLAIN);
  await stream.load(fetch, false);
  const afterFirst = stream.rows.length;
  assert.ok(stream.next <= LOAD_BYTES + PAGE_BYTES && stream.next >= LOAD_BYTES);
  assert.ok(afterFirst < count);
  await stream.load(fetch, false);
  assert.equal(stream.rows.length, count);
  assert.equal(stream.next, bytes.length);
  // Each page asked for where the previous one ended.
  for (let i = 1; i < calls.length; i++)
    assert.equal(
      calls[i]!.offset,
      calls[i - 1]!.offset + Math.min(PAGE_BYTES, bytes.length - calls[i - 1]!.offset),
    );
});

test('no more than MAX_ROWS rows are kept, and the view says so', async () => {
  const one = encodeFrame({ opcode: 9, payload: 'p' });
  const { fetch } = recorded(0, concat(Array<Uint8Array>(MAX_ROWS + 50).fill(one)));
  const stream = new WsStream('out', 0, PLAIN);
  await stream.load(fetch, false);
  assert.equal(stream.rows.length, MAX_ROWS);
  assert.equal(stream.limited, true);
  assert.equal(stream.finished, true);
});

test('permessage-deflate: compressed messages are inflated in order, with their window', async () => {
  const texts = ['hello compressed world', 'hello compressed world, again', 'z'.repeat(5000)];
  const frames: Uint8Array[] = [];
  for (const payload of await perMessage(texts.map((text) => Buffer.from(text))))
    frames.push(encodeFrame({ opcode: 1, rsv: 4, payload }));
  frames.push(encodeFrame({ opcode: 2, payload: new Uint8Array([1, 2]) }));
  const { fetch } = recorded(0, concat(frames));
  const upgrade = websocketUpgrade(HEAD_101, 'GET')!;
  const stream = new WsStream('out', 0, upgrade);
  await stream.load(fetch, true);
  assert.equal(stream.error, null);
  assert.deepEqual(
    stream.rows.map((r) => [r.message.compressed, r.inflated?.length ?? null]),
    [
      [true, texts[0]!.length],
      [true, texts[1]!.length],
      [true, 5000],
      [false, null],
    ],
  );
  assert.equal(preview(stream.rows[1]!.message, 120, stream.rows[1]!.inflated).text, texts[1]);
  assert.equal(stream.rows[2]!.inflated?.data.length, PREVIEW_BYTES);
  // A broken compressed message: not inflated, and neither is any after it (the window is lost).
  const broken = concat([
    encodeFrame({ opcode: 1, rsv: 4, payload: new Uint8Array([0xff, 0xff]) }),
    encodeFrame({ opcode: 1, rsv: 4, payload: (await perMessage([Buffer.from('after')]))[0]! }),
  ]);
  const after = new WsStream('out', 0, upgrade);
  await after.load(recorded(0, broken).fetch, true);
  assert.deepEqual(
    after.rows.map((r) => r.inflated),
    [null, null],
  );
});

test('a compressed text message that inflates to bytes that are not UTF-8 is the stream error a browser fails on', async () => {
  const badText = new Uint8Array([0x68, 0x69, 0xc3, 0x28]);
  // Each on its own (no context), so the same frame can stand anywhere in the stream.
  const [fine, notUtf8] = await perMessage([Buffer.from('fine ✓'), badText], true);
  const good = encodeFrame({ opcode: 1, rsv: 4, payload: fine! });
  const bad = encodeFrame({ opcode: 1, rsv: 4, payload: notUtf8! });
  const binary = encodeFrame({ opcode: 2, rsv: 4, payload: notUtf8! });
  const upgrade = websocketUpgrade(HEAD_101, 'GET')!;
  // Binary messages may hold any bytes: no error.
  const binaryStream = new WsStream('out', 0, upgrade);
  await binaryStream.load(recorded(0, binary).fetch, true);
  assert.equal(binaryStream.error, null);
  const stream = new WsStream('out', 0, upgrade);
  await stream.load(recorded(0, concat([good, bad, good])).fetch, true);
  assert.equal(stream.rows.length, 2, 'the bad message is listed, nothing after it');
  assert.equal(stream.rows[0]!.inflated?.text, 'fine ✓');
  assert.equal(stream.error?.code, 'INVALID_UTF8_TEXT');
  assert.equal(stream.error?.frameOffset, good.length);
  assert.equal(stream.error?.offset, good.length);
  assert.equal(stream.error?.length, bad.length);
  assert.match(stream.error?.reason ?? '', /byte 3 of its 4 inflated bytes/);
  assert.equal(stream.finished, true);
});
