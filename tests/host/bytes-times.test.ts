// The Core's `bytes.times`: when a connection's bytes were recorded, and its parameters checked
// with one sentence for each kind of mistake.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/host/core';
import { MAX_TIMES_OFFSETS } from '../../src-main/protocol/types';

let home: string;
let core: Core;
let port: number;
before(async () => {
  home = mkdtempSync(join(tmpdir(), 'socketscope-times-core-'));
  core = await createCore({ home, batchMs: 20 });
  const state = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  assert.ok(state.status === 'listening');
  port = state.port;
});
after(async () => {
  await core.close();
  rmSync(home, { recursive: true, force: true });
});

const GET = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

function exchange(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(GET));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

async function connectionWithBytes(): Promise<{ id: string; bytesOut: number }> {
  const end = Date.now() + 5000;
  for (;;) {
    const { connections } = await core.call('snapshot', {});
    const done = connections.find((c) => c.closedAt !== null && c.bytesOut > 0);
    if (done) return { id: done.connectionId, bytesOut: done.bytesOut };
    if (Date.now() > end) throw new Error('timed out waiting for a closed connection');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the times of recorded bytes each way, null past their end', async () => {
  const before = Date.now();
  const received = await exchange();
  const after = Date.now();
  const { id, bytesOut } = await connectionWithBytes();
  assert.equal(bytesOut, received.length);
  const inbound = await core.call('bytes.times', {
    connectionId: id,
    direction: 'in',
    offsets: [0, GET.length - 1, GET.length],
  });
  assert.equal(inbound.times.length, 3);
  const [first, last, past] = inbound.times;
  for (const time of [first, last]) {
    assert.ok(typeof time === 'number' && time >= before && time <= after, `${time} in range`);
  }
  assert.equal(past, null);
  const outbound = await core.call('bytes.times', {
    connectionId: id,
    direction: 'out',
    offsets: [bytesOut - 1],
  });
  const [sent] = outbound.times;
  assert.ok(typeof sent === 'number' && typeof first === 'number' && sent >= first);
  assert.deepEqual(
    (await core.call('bytes.times', { connectionId: id, direction: 'out', offsets: [] })).times,
    [],
  );
});

test('bad parameters are refused, each with a sentence that says what is wrong', async () => {
  const call = core.call as (name: string, params: unknown) => Promise<unknown>;
  const { id } = await connectionWithBytes();
  const refused = async (params: unknown, pattern: RegExp) => {
    await assert.rejects(call('bytes.times', params), (error: Error) => {
      assert.match(error.message, pattern);
      assert.match(error.message, /^[A-Za-z].*\.$/, 'one sentence');
      return true;
    });
  };
  await refused({ connectionId: 'nope', direction: 'in', offsets: [0] }, /No connection/);
  await refused({ connectionId: 7, direction: 'in', offsets: [0] }, /No connection/);
  await refused({ connectionId: id, direction: 'up', offsets: [0] }, /direction must be/);
  await refused({ connectionId: id, direction: 'in' }, /offsets must be a list/);
  await refused({ connectionId: id, direction: 'in', offsets: '0,1' }, /offsets must be a list/);
  await refused({ connectionId: id, direction: 'in', offsets: [0, -1] }, /whole numbers ≥ 0/);
  await refused({ connectionId: id, direction: 'in', offsets: [1.5] }, /whole numbers ≥ 0/);
  await refused({ connectionId: id, direction: 'in', offsets: ['1'] }, /whole numbers ≥ 0/);
  await refused({ connectionId: id, direction: 'in', offsets: [null] }, /whole numbers ≥ 0/);
  await refused(
    { connectionId: id, direction: 'in', offsets: new Array(MAX_TIMES_OFFSETS + 1).fill(0) },
    new RegExp(`at most ${MAX_TIMES_OFFSETS}`),
  );
  // The limit itself is fine, and a huge offset is only past the end.
  const most = await core.call('bytes.times', {
    connectionId: id,
    direction: 'in',
    offsets: [...new Array<number>(MAX_TIMES_OFFSETS - 1).fill(0), 2 ** 53 - 1],
  });
  assert.equal(most.times.length, MAX_TIMES_OFFSETS);
  assert.equal(typeof most.times[0], 'number');
  assert.equal(most.times.at(-1), null);
});
