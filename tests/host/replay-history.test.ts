// The repeater's Core side: replays linked to the exchange they were made from, listed per
// original across a reopen of the session, each with its outcome in words; and the HAR of a
// replay naming where it was sent.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/host/core';
import { finalResponse, replayOutcome } from '../../src-main/host/replay-outcome';
import type { ReplayResult } from '../../src-main/capture/client';
import type { ExchangeSummary } from '../../src-main/protocol/types';

const homes: string[] = [];
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A server that answers each connection once, echoing the request's X-Say field back. */
function echoServer(): Promise<Server> {
  const server = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      const say = /^x-say: *(.*)$/im.exec(text)?.[1]?.trim() ?? 'nothing';
      socket.end(`HTTP/1.1 200 OK\r\nX-Echo: ${say}\r\nContent-Length: 2\r\n\r\nok`);
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = await new Promise<Server>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const request = (say: string): string =>
  Buffer.from(
    `GET /thing HTTP/1.1\r\nHost: example.invalid\r\nX-Say: ${say}\r\nConnection: close\r\n\r\n`,
    'latin1',
  ).toString('base64');

let core: Core;
let home: string;
let echo: Server;
let original: ExchangeSummary;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'socketscope-repeater-'));
  homes.push(home);
  core = await createCore({ home, batchMs: 20 });
  echo = await echoServer();
  const state = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    const socket = connect(state.port, '127.0.0.1', () =>
      socket.end('GET /thing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    );
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  original = await until(async () => {
    const rows = (await core.call('snapshot', {})).exchanges;
    return rows.find((e) => e.source === 'capture' && e.status !== null);
  }, 'the captured exchange');
});
after(async () => {
  await core.close();
  await new Promise((resolve) => echo.close(resolve));
});

test('replays made from an exchange are listed with it, a replay of a replay with the first', async () => {
  const target = { host: '127.0.0.1', port: portOf(echo), tls: false, insecure: false };
  const first = await core.call('replay.send', {
    target,
    requestBase64: request('one'),
    replayOf: original.exchangeId,
  });
  assert.equal(first.replayOf, original.exchangeId);
  assert.equal(first.replayOutcome, 'answered');
  assert.equal(first.status, 200);
  const second = await core.call('replay.send', {
    target,
    requestBase64: request('two'),
    replayOf: first.exchangeId,
  });
  assert.equal(second.replayOf, original.exchangeId, 'a replay of a replay joins the first');
  const unlinked = await core.call('replay.send', { target, requestBase64: request('three') });
  assert.equal(unlinked.replayOf, undefined);

  const history = await core.call('replay.history', { exchangeId: original.exchangeId });
  assert.equal(history.original?.exchangeId, original.exchangeId);
  assert.deepEqual(
    history.replays.map((r) => r.exchangeId),
    [first.exchangeId, second.exchangeId],
  );
  assert.deepEqual(history.replays[1].replayTarget, target, 'the destination is kept');
  assert.ok((history.replays[1].timings?.complete ?? -1) >= 0, 'the timings are kept');
  const fromReplay = await core.call('replay.history', { exchangeId: second.exchangeId });
  assert.deepEqual(
    fromReplay.replays.map((r) => r.exchangeId),
    history.replays.map((r) => r.exchangeId),
    'asked from one of the replays, the same history comes back',
  );
  await assert.rejects(core.call('replay.history', { exchangeId: 'nope#0' }), /No exchange/);
  await assert.rejects(
    core.call('replay.send', { target, requestBase64: request('x'), replayOf: 7 as never }),
    /replayOf/,
  );
});

test('an id no longer listed links nothing and the replay is still sent', async () => {
  const target = { host: '127.0.0.1', port: portOf(echo), tls: false, insecure: false };
  const sent = await core.call('replay.send', {
    target,
    requestBase64: request('gone'),
    replayOf: 'gone#0',
  });
  assert.equal(sent.status, 200);
  assert.equal(sent.replayOf, undefined);
});

test('a refused port reads as refused', async () => {
  const port = await closedPort();
  const refused = await core.call('replay.send', {
    target: { host: '127.0.0.1', port, tls: false, insecure: false },
    requestBase64: request('x'),
    replayOf: original.exchangeId,
  });
  assert.equal(refused.replayOutcome, 'refused');
  assert.equal(refused.status, null);
});

test('the HAR of a replay names where it was sent, not its Host field', async () => {
  const { replays } = await core.call('replay.history', { exchangeId: original.exchangeId });
  const { har } = await core.call('export.har', { exchangeIds: [replays[0].exchangeId] });
  const url: unknown = JSON.parse(har).log.entries[0].request.url;
  assert.equal(url, `http://127.0.0.1:${portOf(echo)}/thing`);
});

test('the history survives a reopen of the session', async () => {
  const before = await core.call('replay.history', { exchangeId: original.exchangeId });
  assert.equal(before.replays.length, 3);
  const session = (await core.call('snapshot', {})).session;
  assert.ok(session);
  await core.close();
  core = await createCore({ home, batchMs: 20 });
  await core.call('session.open', { id: session.id });
  await until(async () => ((await core.call('snapshot', {})).loading ? undefined : true), 'load');
  const after = await core.call('replay.history', { exchangeId: original.exchangeId });
  assert.deepEqual(after, before);
});

function result(patch: Partial<ReplayResult>): ReplayResult {
  return {
    ok: false,
    error: null,
    startedAt: 0,
    timings: { dns: null, connect: 1, tls: null, firstByte: null, complete: 2 },
    remoteAddress: '127.0.0.1',
    remotePort: 1,
    localPort: 2,
    request: new Uint8Array(0),
    response: new Uint8Array(0),
    responses: [],
    parseError: null,
    expectedResponses: 1,
    ...patch,
  };
}

const response = (status: number): ReplayResult['responses'][number] => ({
  head: { version: '1.1', status, reason: '', headers: [] },
  body: new Uint8Array(0),
  span: { offset: 0, length: 1 },
});

test('each way a replay ends has its own outcome', () => {
  const parseError = (code: 'INVALID_EOF_STATE' | 'INVALID_CONSTANT') => ({
    code,
    offset: 0,
    reason: '',
    status: 400,
  });
  const cases: [Partial<ReplayResult>, string][] = [
    [{ responses: [response(204)] }, 'answered'],
    [{ responses: [response(101)] }, 'answered'],
    [{ responses: [response(200)], error: { code: 'CONNECTION_RESET', message: '' } }, 'answered'],
    [{ error: { code: 'ECONNREFUSED', message: '' } }, 'refused'],
    [{ error: { code: 'CONNECT_TIMEOUT', message: '' } }, 'timedOut'],
    [{ responses: [response(100)], error: { code: 'RESPONSE_TIMEOUT', message: '' } }, 'timedOut'],
    [{ error: { code: 'CONNECTION_RESET', message: '' } }, 'reset'],
    [{ error: { code: 'DNS_FAILED', message: '' } }, 'dnsFailed'],
    [{ error: { code: 'TLS_FAILED', message: '' } }, 'tlsFailed'],
    [{ error: { code: 'NETWORK_ERROR', message: '' } }, 'networkError'],
    [{}, 'closedEarly'],
    [{ responses: [response(100)] }, 'closedEarly'],
    [{ parseError: parseError('INVALID_EOF_STATE') }, 'closedEarly'],
    [{ parseError: parseError('INVALID_CONSTANT') }, 'notHttp'],
  ];
  for (const [patch, outcome] of cases)
    assert.equal(replayOutcome(result(patch)), outcome, JSON.stringify(patch));
  assert.equal(
    finalResponse(result({ responses: [response(100), response(200)] }))?.head.status,
    200,
  );
});
