import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/host/core';
import { defaultHome } from '../../src-main/host/paths';
import { CaptureServer } from '../../src-main/capture/server';
import { LOG_FILE_NAME } from '../../src-main/capture/store';
import type { CaptureEvent } from '../../src-main/capture/events';
import type { CoreEvent, ResponderRule } from '../../src-main/protocol/types';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-core-'));
  homes.push(home);
  return home;
}
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

interface Recorder {
  batches: { at: number; events: CoreEvent[] }[];
  all(): CoreEvent[];
}

function record(core: Core): Recorder {
  const batches: Recorder['batches'] = [];
  core.subscribe((events) => batches.push({ at: performance.now(), events }));
  return { batches, all: () => batches.flatMap((b) => b.events) };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends raw bytes on a new connection and resolves with everything received until close. */
function exchange(port: number, bytes: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

let core: Core;
let home: string;
let port: number;
let recorder: Recorder;
before(async () => {
  home = tempHome();
  core = await createCore({ home, batchMs: 20 });
  recorder = record(core);
  const state = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  assert.equal(state.status, 'listening');
  port = state.port;
});
after(() => core.close());

const GET =
  'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nReferer: http://x/\r\nConnection: close\r\n\r\n';

test('a capture is stored, summarised and announced in order; its bytes come back exactly', async () => {
  const received = await exchange(port, GET);
  await until(
    () =>
      recorder
        .all()
        .some((e) => e.type === 'connectionClose' && e.connection.bytesIn === GET.length),
    'the close event',
  );
  const events = recorder.all();
  const open = events.findIndex((e) => e.type === 'connectionOpen');
  const dataIn = events.findIndex((e) => e.type === 'data' && e.direction === 'in');
  const summary = events.findLast((e) => e.type === 'exchange');
  assert.ok(open >= 0 && dataIn > open);
  const inbound = events[dataIn];
  assert.ok(inbound.type === 'data');
  assert.equal(Buffer.from(inbound.base64 ?? '', 'base64').toString(), GET);
  assert.ok(summary?.type === 'exchange');
  const ex = summary.exchange;
  assert.equal(ex.method, 'GET');
  assert.equal(ex.target, '/index.html');
  assert.equal(ex.referer, 'http://x/');
  assert.equal(ex.source, 'capture');
  assert.equal(ex.status, Number(received.toString('latin1').split(' ')[1]));
  assert.deepEqual(ex.requestSpan, { offset: 0, length: GET.length });

  const bytes = await core.call('exchange.bytes', { exchangeId: ex.exchangeId });
  assert.equal(Buffer.from(bytes.requestBase64, 'base64').toString(), GET);
  assert.deepEqual(Buffer.from(bytes.responseBase64, 'base64'), received);
  const slice = await core.call('bytes.get', {
    connectionId: ex.connectionId,
    direction: 'in',
    offset: 4,
    length: 11,
  });
  assert.equal(Buffer.from(slice.base64, 'base64').toString(), '/index.html');

  const snapshot = await core.call('snapshot', {});
  assert.ok(snapshot.exchanges.some((e) => e.exchangeId === ex.exchangeId));
  assert.equal(snapshot.server.status, 'listening');
  assert.equal(snapshot.session?.active, true);
});

test('the store is written before a batch is delivered', async () => {
  const sizes: number[] = [];
  const stop = core.subscribe(() =>
    sizes.push(readFileSync(join(core.sessionDir(), 'capture.sslog')).length),
  );
  await exchange(port, GET);
  await until(() => sizes.length > 0, 'a batch');
  stop();
  assert.ok(sizes[0] > 0);
  const { sizeBytes } = (await core.call('snapshot', {})).session ?? { sizeBytes: -1 };
  assert.ok(sizeBytes >= sizes[0]);
});

test('a subscriber that declines data events gets exchanges without them; a default one gets both', async () => {
  const withoutData: CoreEvent[] = [];
  const withData: CoreEvent[] = [];
  const stopWithout = core.subscribe((events) => withoutData.push(...events), { data: false });
  const stopWith = core.subscribe((events) => withData.push(...events));
  const target = `/no-data-${Date.now()}`;
  await exchange(port, GET.replace('/index.html', target));
  const closed = (events: CoreEvent[]): boolean =>
    events.some((e) => e.type === 'exchange' && e.exchange.target === target) &&
    events.some((e) => e.type === 'connectionClose');
  await until(() => closed(withoutData) && closed(withData), 'both subscribers to hear the close');
  stopWithout();
  stopWith();
  assert.equal(withoutData.filter((e) => e.type === 'data').length, 0);
  assert.ok(withData.some((e) => e.type === 'data' && e.direction === 'in'));
  assert.ok(withData.some((e) => e.type === 'data' && e.direction === 'out'));
  const types = (events: CoreEvent[]): string[] =>
    events.filter((e) => e.type !== 'data').map((e) => e.type);
  assert.deepEqual(types(withoutData), types(withData));
});

test('a flood arrives in few batches, at most one per interval; big chunks travel by reference', async () => {
  const start = recorder.batches.length;
  const big = Buffer.alloc(40 * 1024, 0x61);
  const post = Buffer.concat([
    Buffer.from(`POST /big HTTP/1.1\r\nHost: h\r\nContent-Length: ${big.length}\r\n\r\n`),
    big,
  ]);
  const requests = Array.from({ length: 150 }, () => exchange(port, GET));
  requests.push(exchange(port, post));
  const t0 = performance.now();
  await Promise.all(requests);
  await new Promise((resolve) => setTimeout(resolve, 80));
  const batches = recorder.batches.slice(start);
  const elapsed = performance.now() - t0;
  for (let i = 1; i < batches.length; i++) {
    assert.ok(batches[i].at - batches[i - 1].at >= 15, `batches ${i - 1} and ${i} are too close`);
  }
  assert.ok(
    batches.length <= elapsed / 15 + 2,
    `${batches.length} batches in ${elapsed.toFixed(0)} ms`,
  );
  const events = batches.flatMap((b) => b.events);
  assert.ok(events.filter((e) => e.type === 'connectionOpen').length >= 151);
  for (const event of events) {
    if (event.type === 'data') assert.equal(event.base64 !== undefined, event.length <= 16 * 1024);
  }
  const bigExchange = events.findLast((e) => e.type === 'exchange' && e.exchange.target === '/big');
  assert.ok(bigExchange?.type === 'exchange');
  const bytes = await core.call('exchange.bytes', { exchangeId: bigExchange.exchange.exchangeId });
  assert.deepEqual(Buffer.from(bytes.requestBase64, 'base64'), post);
});

test('pipelined requests on one connection: each stream arrives whole, each exchange once per batch', async () => {
  const start = recorder.batches.length;
  const requests = Array.from(
    { length: 30 },
    (_, i) =>
      `GET /p${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n${i === 29 ? 'Connection: close\r\n' : ''}\r\n`,
  );
  const sent = Buffer.from(requests.join(''));
  const received = await exchange(port, sent);
  const connectionOf = (): string | undefined => {
    const found = recorder.all().find((e) => e.type === 'exchange' && e.exchange.target === '/p29');
    return found?.type === 'exchange' ? found.exchange.connectionId : undefined;
  };
  await until(
    () =>
      recorder
        .all()
        .some((e) => e.type === 'connectionClose' && e.connection.connectionId === connectionOf()),
    'the close of the pipelined connection',
  );
  const id = connectionOf();
  const batches = recorder.batches.slice(start);
  const streams = { in: [] as Buffer[], out: [] as Buffer[] };
  let next = { in: 0, out: 0 };
  for (const { events } of batches) {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type === 'exchange' && event.exchange.connectionId === id) {
        assert.ok(!seen.has(event.exchange.exchangeId), 'one event per exchange per batch');
        seen.add(event.exchange.exchangeId);
      }
      if (event.type !== 'data' || event.connectionId !== id) continue;
      assert.equal(event.offset, next[event.direction], 'chunks follow each other');
      // Over 16 KiB (all responses written at once) the bytes are fetched by reference.
      assert.equal(event.base64 === undefined, event.length > 16 * 1024);
      const bytes = Buffer.from(
        event.base64 ??
          (
            await core.call('bytes.get', {
              connectionId: event.connectionId,
              direction: event.direction,
              offset: event.offset,
              length: event.length,
            })
          ).base64,
        'base64',
      );
      assert.equal(bytes.length, event.length);
      streams[event.direction].push(bytes);
      next = { ...next, [event.direction]: event.offset + event.length };
    }
  }
  assert.deepEqual(Buffer.concat(streams.in), sent);
  assert.deepEqual(Buffer.concat(streams.out), received);
  const last = recorder
    .all()
    .findLast((e) => e.type === 'exchange' && e.exchange.exchangeId === `${id}#29`);
  assert.ok(last?.type === 'exchange');
  assert.equal(last.exchange.target, '/p29');
  assert.ok(last.exchange.status !== null && last.exchange.responseSpan !== null);
});

test('unknown commands and bad parameters are rejected with a clear message', async () => {
  const call = core.call as (name: string, params: unknown) => Promise<unknown>;
  await assert.rejects(call('no.such.command', {}), /Unknown command/);
  await assert.rejects(call('exchange.bytes', null), /No exchange/);
  await assert.rejects(call('exchange.bytes', []), /must be an object/);
  await assert.rejects(call('exchange.bytes', { exchangeId: 'nope' }), /No exchange/);
  await assert.rejects(
    call('bytes.get', { connectionId: 'nope', direction: 'in', offset: 0, length: 1 }),
    /No connection/,
  );
  const id = (await core.call('snapshot', {})).connections[0].connectionId;
  await assert.rejects(
    call('bytes.get', { connectionId: id, direction: 'up', offset: 0, length: 1 }),
    /direction/,
  );
  await assert.rejects(
    call('bytes.get', { connectionId: id, direction: 'in', offset: -1, length: 1 }),
    /whole numbers/,
  );
  await assert.rejects(call('replay.send', { target: { host: 'h' }, requestBase64: '' }), /port/);
  await assert.rejects(
    call('replay.send', { target: { host: 'h', port: 1 }, requestBase64: '***' }),
    /requestBase64/,
  );
  await assert.rejects(call('session.open', { id: '../etc' }), /Invalid session id/);
  await assert.rejects(call('import.har', { har: '{' }), /not valid JSON/);
  await assert.rejects(call('rules.set', { rules: [{ id: 1 }] }), /Invalid rules/);
  await assert.rejects(call('export.har', { exchangeIds: 'all' }), /exchangeIds/);
});

test('replay.send is stored as a replay exchange with its bytes and timings', async () => {
  const request = Buffer.from(GET);
  const summary = await core.call('replay.send', {
    target: { host: '127.0.0.1', port, tls: false, insecure: false },
    requestBase64: request.toString('base64'),
  });
  assert.equal(summary.source, 'replay');
  assert.equal(summary.error, null);
  assert.equal(summary.method, 'GET');
  assert.ok(summary.status !== null && summary.status >= 200);
  assert.ok(
    summary.timings && summary.timings.connect !== null && summary.timings.complete !== null,
  );
  const bytes = await core.call('exchange.bytes', { exchangeId: summary.exchangeId });
  assert.deepEqual(Buffer.from(bytes.requestBase64, 'base64'), request);
  assert.match(
    Buffer.from(bytes.responseBase64, 'base64').toString('latin1'),
    /^HTTP\/1\.1 \d{3} /,
  );
  await until(
    () =>
      recorder
        .all()
        .some((e) => e.type === 'exchange' && e.exchange.exchangeId === summary.exchangeId),
    'the replay event',
  );
  const snapshot = await core.call('snapshot', {});
  assert.equal(
    snapshot.connections.find((c) => c.connectionId === summary.connectionId)?.source,
    'replay',
  );

  const refused = await core.call('replay.send', {
    target: { host: '127.0.0.1', port: 1, tls: false, insecure: false },
    requestBase64: request.toString('base64'),
  });
  assert.equal(refused.error?.code, 'CLOSED_CONNECTION');
  assert.match(refused.error?.reason ?? '', /refused/);
});

test('HAR export of chosen exchanges imports into another session; cURL is offered', async () => {
  const snapshot = await core.call('snapshot', {});
  const chosen = snapshot.exchanges.filter((e) => e.source === 'capture').slice(0, 2);
  const { har } = await core.call('export.har', { exchangeIds: chosen.map((e) => e.exchangeId) });
  assert.equal(JSON.parse(har).log.entries.length, 2);
  const { command } = await core.call('exchange.curl', { exchangeId: chosen[0].exchangeId });
  assert.match(command, /^curl --http1\.1 .*'http:\/\/127\.0\.0\.1\/index\.html'/);

  const other = await createCore({ home: tempHome() });
  try {
    assert.deepEqual(await other.call('import.har', { har }), { imported: 2 });
    const imported = (await other.call('snapshot', {})).exchanges;
    assert.equal(imported.length, 2);
    const original = await core.call('exchange.bytes', { exchangeId: chosen[1].exchangeId });
    const copy = await other.call('exchange.bytes', { exchangeId: imported[1].exchangeId });
    assert.equal(copy.requestBase64, original.requestBase64);
    assert.equal(copy.responseBase64, original.responseBase64);
  } finally {
    await other.close();
  }
});

test('rules are validated, applied, announced and persisted in the home folder', async () => {
  const rule: ResponderRule = {
    id: 'r1',
    enabled: true,
    name: 'teapot',
    match: { method: 'GET', path: '/tea', mode: 'exact' },
    response: {
      kind: 'structured',
      status: 418,
      reason: "I'm a teapot",
      headers: [['Content-Type', 'text/plain']],
      body: { type: 'text', text: 'short and stout' },
      autoContentLength: true,
      autoDate: false,
      chunked: false,
    },
    delayMs: 0,
  };
  const applied = await core.call('rules.set', { rules: [rule] });
  assert.equal(applied[0].id, 'r1');
  assert.deepEqual(await core.call('rules.get', {}), applied);
  assert.ok(existsSync(join(home, 'rules.json')));
  const answer = await exchange(port, 'GET /tea HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
  assert.match(answer.toString(), /^HTTP\/1\.1 418 I'm a teapot/);
  await until(() => recorder.all().some((e) => e.type === 'rules'), 'the rules event');

  const second = await createCore({ home });
  try {
    assert.deepEqual((await second.call('snapshot', {})).rules, applied);
  } finally {
    await second.close();
  }
  await core.call('rules.set', { rules: [] });
});

test('sessions: new, rename, list, reopen with every byte, clear and delete', async () => {
  const first = (await core.call('snapshot', {})).session;
  assert.ok(first);
  const before = await core.call('snapshot', {});
  const someExchange = before.exchanges[0];
  const someBytes = await core.call('exchange.bytes', { exchangeId: someExchange.exchangeId });

  const fresh = await core.call('session.new', { name: 'Second' });
  assert.equal(fresh.name, 'Second');
  assert.equal(fresh.active, true);
  assert.equal((await core.call('snapshot', {})).exchanges.length, 0);
  await until(() => recorder.all().some((e) => e.type === 'cleared'), 'the cleared event');
  await exchange(port, GET);

  const renamed = await core.call('session.rename', { id: first.id, name: 'First' });
  assert.equal(renamed.name, 'First');
  assert.equal(renamed.active, false);
  const list = await core.call('session.list', {});
  const names = list.map((s) => s.name);
  assert.ok(names.includes('First') && names.includes('Second'), names.join(', '));
  assert.deepEqual(
    list.filter((s) => s.active).map((s) => s.id),
    [fresh.id],
  );

  const reopened = await core.call('session.open', { id: first.id });
  assert.equal(reopened.session?.id, first.id);
  assert.equal(reopened.exchanges.length, before.exchanges.length);
  assert.deepEqual(
    await core.call('exchange.bytes', { exchangeId: someExchange.exchangeId }),
    someBytes,
  );

  const cleared = await core.call('session.clear', {});
  assert.equal(cleared.previous?.id, first.id, 'the session that was cleared is named');
  assert.notEqual(cleared.session.id, first.id);
  assert.equal((await core.call('snapshot', {})).exchanges.length, 0);
  const kept = await core.call('session.open', { id: first.id });
  assert.equal(kept.exchanges.length, before.exchanges.length, 'clear kept the old session');

  const afterDelete = await core.call('session.delete', { id: fresh.id });
  assert.ok(!afterDelete.some((s) => s.id === fresh.id));
  await assert.rejects(core.call('session.open', { id: fresh.id }), /No session/);
});

test('a closed core reopens its session from disk with the same summaries and bytes', async () => {
  const ownHome = tempHome();
  const a = await createCore({ home: ownHome });
  const state = await a.call('server.start', { port: 0 });
  await exchange(state.port, GET);
  await exchange(state.port, 'BROKEN\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const snapshot = await a.call('snapshot', {});
  const id = snapshot.session?.id ?? '';
  const bytes = await Promise.all(
    snapshot.exchanges.map((e) => a.call('exchange.bytes', { exchangeId: e.exchangeId })),
  );
  await a.close();

  const b = await createCore({ home: ownHome, sessionId: id });
  try {
    const again = await b.call('snapshot', {});
    assert.deepEqual(again.exchanges, snapshot.exchanges);
    assert.deepEqual(
      again.connections.map((c) => [c.connectionId, c.bytesIn, c.bytesOut]),
      snapshot.connections.map((c) => [c.connectionId, c.bytesIn, c.bytesOut]),
    );
    assert.ok(
      again.exchanges.some((e) => e.error !== null),
      'the broken request is kept with its error',
    );
    for (let i = 0; i < bytes.length; i++) {
      assert.deepEqual(
        await b.call('exchange.bytes', { exchangeId: again.exchanges[i].exchangeId }),
        bytes[i],
      );
    }
  } finally {
    await b.close();
  }
});

test('the data folder: SOCKETSCOPE_HOME, else the platform app-data folder + /Socketscope', () => {
  assert.equal(defaultHome({ SOCKETSCOPE_HOME: '/data/ss' }, 'linux'), '/data/ss');
  assert.equal(defaultHome({ XDG_CONFIG_HOME: '/xdg' }, 'linux'), join('/xdg', 'Socketscope'));
  assert.equal(defaultHome({}, 'linux'), join(homedir(), '.config', 'Socketscope'));
  assert.equal(
    defaultHome({}, 'darwin'),
    join(homedir(), 'Library', 'Application Support', 'Socketscope'),
  );
  assert.equal(
    defaultHome({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'),
    join('C:\\Users\\u\\AppData\\Roaming', 'Socketscope'),
  );
  assert.equal(
    defaultHome({ SOCKETSCOPE_HOME: '  ' }, 'linux'),
    join(homedir(), '.config', 'Socketscope'),
  );
});

test('a session recorded by another process cannot be opened; the current one stays', async () => {
  const ownHome = tempHome();
  const a = await createCore({ home: ownHome });
  const b = await createCore({ home: ownHome });
  try {
    const aSession = (await a.call('snapshot', {})).session?.id ?? '';
    const bSession = (await b.call('snapshot', {})).session?.id ?? '';
    await assert.rejects(b.call('session.open', { id: aSession }), /being recorded by process/);
    assert.equal((await b.call('snapshot', {})).session?.id, bSession);
    await assert.rejects(b.call('session.delete', { id: aSession }), /being recorded by process/);
    const reopened = await b.call('session.open', { id: bSession });
    assert.equal(reopened.session?.id, bSession);
  } finally {
    await a.close();
    await b.close();
  }
});

test('an exchange still waiting in the batch when the session is cleared arrives as it was', async () => {
  const hook: { emit?: (event: CaptureEvent) => void } = {};
  const local = await createCore({
    home: tempHome(),
    batchMs: 50,
    serverFactory: (options) => {
      hook.emit = options.onEvent;
      return new CaptureServer(options);
    },
  });
  try {
    const seen = record(local);
    const inject = (connectionId: string, method: string): void => {
      hook.emit?.({
        type: 'connectionOpen',
        connectionId,
        remoteAddress: '127.0.0.1',
        remotePort: 1,
        localPort: 2,
        time: 1,
      });
      hook.emit?.({
        type: 'request',
        connectionId,
        index: 0,
        time: 2,
        span: { offset: 0, length: 10 },
        head: { method, target: `/${method}`, version: 'HTTP/1.1', headers: [] },
        body: new Uint8Array(0),
      });
    };
    inject('k1', 'PUT');
    assert.equal(seen.batches.length, 0, 'the update is still waiting');
    await local.call('session.clear', {});
    inject('k2', 'DELETE');
    await until(
      () => seen.all().some((e) => e.type === 'exchange' && e.exchange.connectionId === 'k2'),
      'the exchange after the clear',
    );
    const summary = (e: CoreEvent): string =>
      e.type === 'exchange' ? `${e.exchange.exchangeId} ${e.exchange.method}` : e.type;
    const counting = new Set(['exchangeCount', 'sessionLoad']);
    assert.deepEqual(
      seen
        .all()
        .filter((e) => !counting.has(e.type))
        .map(summary),
      ['connectionOpen', 'k1#0 PUT', 'cleared', 'session', 'connectionOpen', 'k2#0 DELETE'],
    );
  } finally {
    await local.close();
  }
});

// ---- Clear keeps the old session; a broken rules file is never written over ----

async function untilAsync(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('clear starts a new, empty session and leaves the old one, byte for byte, in the list', async () => {
  const local = await createCore({ home: tempHome(), batchMs: 16 });
  try {
    const state = await local.call('server.start', { host: '127.0.0.1', port: 0 });
    const nothing = await local.call('session.clear', {});
    assert.equal(nothing.previous, null, 'an empty session is not replaced by another');
    assert.equal((await local.call('session.list', {})).length, 1);

    await exchange(state.port, GET);
    await untilAsync(
      async () => (await local.call('snapshot', {})).exchanges.some((e) => e.status === 200),
      'the answered exchange',
    );
    const old = await local.call('snapshot', {});
    local.flush();
    const oldFile = join(local.sessionDir(), LOG_FILE_NAME);
    const oldBytes = readFileSync(oldFile);
    assert.ok(oldBytes.length > GET.length);

    const cleared = await local.call('session.clear', {});
    assert.equal(cleared.previous?.id, old.session?.id);
    assert.equal(cleared.previous?.active, false);
    assert.equal(cleared.session.active, true);
    const now = await local.call('snapshot', {});
    assert.equal(now.exchanges.length, 0);
    assert.equal(now.session?.id, cleared.session.id);
    const ids = (await local.call('session.list', {})).map((s) => s.id);
    assert.ok(ids.includes(old.session?.id ?? '?') && ids.includes(cleared.session.id));
    assert.deepEqual(readFileSync(oldFile), oldBytes, 'the old session file is untouched');

    const reopened = await local.call('session.open', { id: old.session?.id ?? '' });
    assert.deepEqual(
      reopened.exchanges.map((e) => e.exchangeId),
      old.exchanges.map((e) => e.exchangeId),
    );
  } finally {
    await local.close();
  }
});

const teapot: ResponderRule = {
  id: 'tea',
  enabled: true,
  name: 'teapot',
  match: { method: '*', path: '/tea', mode: 'exact' },
  response: {
    kind: 'structured',
    status: 418,
    reason: "I'm a teapot",
    headers: [],
    body: { type: 'text', text: 'short and stout' },
    autoContentLength: true,
    autoDate: false,
    chunked: false,
  },
  delayMs: 0,
};
const BROKEN_RULES = '{\n  "version": 1,\n  "rules": [\n    { "id": "a", }\n  ]\n}\n';

test('a broken rules file at start is reported with its line, never overwritten, and recovered from the backup', async () => {
  const ownHome = tempHome();
  const file = join(ownHome, 'rules.json');
  writeFileSync(file, BROKEN_RULES);
  writeFileSync(`${file}.bak`, JSON.stringify({ version: 1, rules: [teapot] }));
  const local = await createCore({ home: ownHome });
  try {
    const snapshot = await local.call('snapshot', {});
    assert.deepEqual(snapshot.rules, []);
    const problem = snapshot.rulesProblem;
    assert.ok(problem, 'the snapshot carries the problem');
    assert.equal(problem.file, file);
    assert.deepEqual([problem.line, problem.column], [4, 18]);
    assert.equal(problem.backupAvailable, true);
    assert.equal(problem.message.key, 'rules.fileBroken');
    assert.match(problem.message.text, /line 4, column 18/);

    await assert.rejects(local.call('rules.set', { rules: [] }), /left untouched/);
    assert.equal(readFileSync(file, 'utf8'), BROKEN_RULES, 'rules.set wrote nothing over it');
    await assert.rejects(local.call('rules.recover', { choice: 'maybe' as 'fresh' }), /choice/);

    const recovered = await local.call('rules.recover', { choice: 'backup' });
    assert.deepEqual(
      recovered.rules.map((r) => r.id),
      ['tea'],
    );
    assert.ok(recovered.movedTo && recovered.movedTo.startsWith(`${file}.broken-`));
    assert.equal(readFileSync(recovered.movedTo, 'utf8'), BROKEN_RULES, 'the broken file is kept');
    assert.equal((await local.call('snapshot', {})).rulesProblem ?? null, null);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { rules: ResponderRule[] };
    assert.deepEqual(
      saved.rules.map((r) => r.id),
      ['tea'],
    );
    await assert.rejects(local.call('rules.recover', { choice: 'fresh' }), /no problem/);

    const state = await local.call('server.start', { host: '127.0.0.1', port: 0 });
    const answer = await exchange(
      state.port,
      'GET /tea HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    assert.match(answer.toString(), /^HTTP\/1\.1 418/);
    // Saving works again, and keeps the previous version as the backup.
    await local.call('rules.set', { rules: [] });
    const backup = JSON.parse(readFileSync(`${file}.bak`, 'utf8')) as { rules: ResponderRule[] };
    assert.deepEqual(
      backup.rules.map((r) => r.id),
      ['tea'],
    );
  } finally {
    await local.close();
  }
});

test('a broken rules file without a backup: "backup" is refused, "fresh" moves it aside', async () => {
  const ownHome = tempHome();
  const file = join(ownHome, 'rules.json');
  writeFileSync(file, BROKEN_RULES);
  const local = await createCore({ home: ownHome });
  try {
    const problem = (await local.call('snapshot', {})).rulesProblem;
    assert.equal(problem?.backupAvailable, false);
    await assert.rejects(local.call('rules.recover', { choice: 'backup' }), /backup/);
    assert.equal(readFileSync(file, 'utf8'), BROKEN_RULES);

    const fresh = await local.call('rules.recover', { choice: 'fresh' });
    assert.deepEqual(fresh.rules, []);
    assert.ok(fresh.movedTo);
    assert.equal(readFileSync(fresh.movedTo, 'utf8'), BROKEN_RULES);
    assert.ok(!existsSync(file));
    await local.call('rules.set', { rules: [teapot] });
    assert.ok(existsSync(file));
    assert.ok(existsSync(fresh.movedTo), 'the broken file is still there after a save');
  } finally {
    await local.close();
  }
  // The next start has working rules and no problem.
  const again = await createCore({ home: ownHome });
  try {
    const snapshot = await again.call('snapshot', {});
    assert.equal(snapshot.rulesProblem ?? null, null);
    assert.deepEqual(
      snapshot.rules.map((r) => r.id),
      ['tea'],
    );
  } finally {
    await again.close();
  }
});

test('a file where the data folder should be, and a read-only data folder, get one sentence each', async () => {
  const root = tempHome();
  const blocker = join(root, 'home');
  writeFileSync(blocker, 'not a folder');
  await assert.rejects(createCore({ home: blocker }), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(
      error.message,
      `${blocker} is a file, but Socketscope needs a folder there: move or rename that file, ` +
        'or set SOCKETSCOPE_HOME to another folder.',
    );
    return true;
  });

  if (process.getuid?.() !== 0) {
    console.log('# read-only data folder: skipped (mounting a read-only tmpfs needs root)');
    return;
  }
  const mountPoint = join(root, 'ro');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]);
  } catch {
    console.log('# read-only data folder: skipped (mount -t tmpfs is not allowed here)');
    return;
  }
  try {
    await assert.rejects(
      createCore({ home: join(mountPoint, 'Socketscope') }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /read-only or you lack permission/);
        assert.ok(error.message.includes(mountPoint), error.message);
        assert.doesNotMatch(error.message, /ENOENT|EROFS,|mkdir/);
        return true;
      },
    );
  } finally {
    execFileSync('umount', [mountPoint]);
  }
});
