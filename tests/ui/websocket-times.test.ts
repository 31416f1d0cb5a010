// When each WebSocket message was complete (src-renderer/lib/websocket-view.ts, without a page):
// one `bytes.times` call per direction and load, for the last byte of each new message and, the
// first time, the byte before the stream (the 101's end); a failed call is asked again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_ROWS,
  WsStream,
  clockTime,
  secondsAfter,
  type FetchBytes,
  type FetchTimes,
} from '../../src-renderer/lib/websocket-view';
import { MAX_TIMES_OFFSETS } from '../../src-main/protocol/types';
import { closePayload, concat, encodeFrame } from '../engine/websocket-encode';

const PLAIN = { perMessageDeflate: false, deflate: null, protocol: null };

function source(start: number) {
  let stream: Uint8Array = new Uint8Array(start);
  const fetch: FetchBytes = async (_direction, offset, length) =>
    stream.subarray(offset, Math.min(stream.length, offset + length));
  return {
    fetch,
    add(frames: Uint8Array[]) {
      stream = concat([stream, ...frames]);
    },
  };
}

/** Answers 1000 + offset (offset 3: no time) and remembers what was asked; fails when told to. */
function clock() {
  const calls: { direction: string; offsets: number[] }[] = [];
  let failing = false;
  const times: FetchTimes = async (direction, offsets) => {
    calls.push({ direction, offsets });
    if (failing) throw new Error('the Core is gone');
    return offsets.map((o) => (o === 3 ? null : 1000 + o));
  };
  return { times, calls, fail: (on: boolean) => (failing = on) };
}

test('one call per load: the last byte of each new message, and the byte before the stream', async () => {
  const bytes = source(40);
  const first = encodeFrame({ opcode: 1, payload: 'hi' }); // 4 bytes: 40…43
  const part1 = encodeFrame({ opcode: 1, payload: 'frag', fin: false }); // 44…49
  const part2 = encodeFrame({ opcode: 0, payload: 'ment' }); // 50…55
  bytes.add([first, part1, part2]);
  const { times, calls } = clock();
  const stream = new WsStream('out', 40, PLAIN);
  assert.equal(await stream.load(bytes.fetch, false, times), true);
  assert.deepEqual(calls, [{ direction: 'out', offsets: [43, 55, 39] }]);
  assert.deepEqual(
    stream.rows.map((r) => r.time),
    [1043, 1055],
  );
  assert.equal(stream.startTime, 1039);

  // Nothing new: no call. New messages: only theirs.
  assert.equal(await stream.load(bytes.fetch, false, times), false);
  assert.equal(calls.length, 1);
  bytes.add([encodeFrame({ opcode: 8, payload: closePayload(1000) })]); // 56…59
  await stream.load(bytes.fetch, true, times);
  assert.deepEqual(calls[1], { direction: 'out', offsets: [59] });
  assert.equal(stream.rows[2]!.time, 1059);
});

test('a byte without a time is null; a stream from offset 0 asks for no start', async () => {
  const bytes = source(0);
  bytes.add([encodeFrame({ opcode: 1, payload: 'ab' })]); // 0…3
  const { times, calls } = clock();
  const stream = new WsStream('out', 0, PLAIN);
  await stream.load(bytes.fetch, false, times);
  assert.deepEqual(calls, [{ direction: 'out', offsets: [3] }]);
  assert.equal(stream.rows[0]!.time, null);
  assert.equal(stream.startTime, null);
});

test('a failed call leaves the rows listed without a time, and the next load asks again', async () => {
  const bytes = source(10);
  bytes.add([encodeFrame({ opcode: 1, payload: 'one' })]); // 10…14
  const { times, calls, fail } = clock();
  const stream = new WsStream('out', 10, PLAIN);
  fail(true);
  await assert.rejects(stream.load(bytes.fetch, true, times), /the Core is gone/);
  assert.equal(stream.rows.length, 1);
  assert.equal(stream.rows[0]!.time, undefined);
  assert.equal(stream.finished, true);
  fail(false);
  assert.equal(await stream.load(bytes.fetch, true, times), true);
  assert.deepEqual(calls.at(-1), { direction: 'out', offsets: [14, 9] });
  assert.equal(stream.rows[0]!.time, 1014);
  assert.equal(stream.startTime, 1009);
});

test('more new rows than one call may ask about go in several calls', async () => {
  const bytes = source(10);
  const one = encodeFrame({ opcode: 1, payload: 'x' }); // 3 bytes each
  bytes.add(Array<Uint8Array>(MAX_ROWS).fill(one));
  const { times, calls } = clock();
  const stream = new WsStream('out', 10, PLAIN);
  await stream.load(bytes.fetch, false, times);
  assert.equal(stream.rows.length, MAX_ROWS);
  assert.deepEqual(
    calls.map((c) => c.offsets.length),
    [MAX_TIMES_OFFSETS, MAX_ROWS + 1 - MAX_TIMES_OFFSETS],
  );
  assert.ok(calls.every((c) => c.offsets.length <= MAX_TIMES_OFFSETS));
  assert.equal(stream.rows.at(-1)!.time, 1000 + 10 + 3 * MAX_ROWS - 1);
  assert.ok(stream.rows.every((r) => typeof r.time === 'number'));
  assert.equal(stream.startTime, 1009);
});

test('times are shown as seconds after the 101, and as a clock time', () => {
  assert.equal(secondsAfter(1_700_000_000_214, 1_700_000_000_000), '+0.214');
  assert.equal(secondsAfter(5, 5), '+0.000');
  assert.equal(secondsAfter(1000, 3000), '−2.000');
  assert.equal(secondsAfter(62_345.6, 0), '+62.346');
  const at = Date.UTC(2026, 11, 1, 18, 30, 5, 42);
  assert.match(clockTime(at, 'en'), /2026.*\d\d:\d\d:05\.042/);
  assert.match(clockTime(at, 'zh-CN'), /2026.*\d\d:\d\d:05\.042/);
});
