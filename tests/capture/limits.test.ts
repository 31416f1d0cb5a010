// Not locked out: idle connections make room at the connection limit, heads and bodies that
// arrive too slowly end with 408, body handling is linear in the body's size, large bodies are
// not held in memory, and the body limit is a setting that a 413 names.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS, mergeSettings, DEFAULT_SETTINGS } from '../../src-main/capture/settings';
import {
  fakeConnection,
  rawClient,
  startServer,
  statusLines,
  waitFor,
  type RawClient,
  type TestServer,
} from './helpers';
import { startServe } from './serve-child';

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function getOk(t: TestServer, keep?: RawClient[]): Promise<string[]> {
  const client = await rawClient(t.port);
  await client.send(GET);
  const answer = await client.until((bytes) => statusLines(bytes).length === 1);
  if (keep) keep.push(client);
  else client.close();
  return statusLines(answer);
}

describe('connection limit: idle connections make room', () => {
  const servers: TestServer[] = [];
  const clients: RawClient[] = [];
  after(async () => {
    for (const client of clients) client.close();
    for (const t of servers) await t.stop();
  });

  it('the default limit is sized for a desktop machine', () => {
    assert.ok(DEFAULT_LIMITS.maxConnections >= 4096, `${DEFAULT_LIMITS.maxConnections}`);
  });

  it('300 silent sockets at the default settings do not lock a normal client out', async () => {
    const t = await startServer();
    servers.push(t);
    for (let i = 0; i < 300; i++) clients.push(await rawClient(t.port));
    await waitFor(() => t.of('connectionOpen').length === 300, 10_000, '300 connections');
    assert.deepEqual(await getOk(t), ['HTTP/1.1 200 OK']);
    assert.equal(t.of('connectionClose').filter((e) => e.reason === 'limit').length, 0);
    for (const client of clients.splice(0)) client.close();
  });

  it('at the limit, the oldest silent connection is closed and a new client gets 200', async () => {
    const limit = 20;
    const t = await startServer({ settings: { limits: { maxConnections: limit } } });
    servers.push(t);
    const silent: RawClient[] = [];
    for (let i = 0; i < limit; i++) silent.push(await rawClient(t.port));
    for (const client of silent) await t.idOf(client);
    const oldest = await t.idOf(silent[0]!);
    // Three newcomers that stay (idle after their answer): each takes the place of the oldest
    // silent connection left, since those that never sent a byte go first.
    const newcomers: RawClient[] = [];
    for (let i = 0; i < 3; i++) assert.deepEqual(await getOk(t, newcomers), ['HTTP/1.1 200 OK']);
    const evictions = () => t.of('connectionClose').filter((e) => e.reason === 'evicted');
    await waitFor(() => evictions().length === 3, 5000, 'three evictions');
    const evicted = evictions();
    assert.equal(evicted[0]!.connectionId, oldest, 'the oldest goes first');
    assert.deepEqual(
      evicted.map((e) => e.connectionId),
      await Promise.all(silent.slice(0, 3).map((client) => t.idOf(client))),
    );
    await silent[0]!.ended();
    assert.equal(t.of('response').length, 3, 'no 503 while idle connections exist');
    const notices = t.of('notice').filter((n) => n.message.key === 'server.idleEvicted');
    assert.equal(notices.length, 1, 'said once, not once per eviction');
    assert.equal(notices[0]!.message.params?.limit, limit);
    for (const client of [...silent, ...newcomers]) client.close();
  });

  it('connections waiting between requests are closed gracefully, oldest idle first', async () => {
    const limit = 4;
    const t = await startServer({ settings: { limits: { maxConnections: limit } } });
    servers.push(t);
    const kept: RawClient[] = [];
    for (let i = 0; i < limit; i++) {
      const client = await rawClient(t.port);
      await client.send(GET);
      await client.until((bytes) => statusLines(bytes).length === 1);
      kept.push(client);
    }
    // The second one becomes idle last: the first is the oldest idle.
    await kept[1]!.send(GET);
    await kept[1]!.until((bytes) => statusLines(bytes).length === 2);
    assert.deepEqual(await getOk(t), ['HTTP/1.1 200 OK']);
    const first = await t.idOf(kept[0]!);
    assert.equal((await t.closed(first)).reason, 'evicted');
    const answer = await kept[0]!.ended();
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK'], 'a clean end, nothing more');
    assert.equal(t.of('connectionClose', await t.idOf(kept[1]!)).length, 0);
    for (const client of kept) client.close();
  });

  it('when every connection is in the middle of a request, a new one gets 503', async () => {
    const limit = 3;
    const t = await startServer({
      settings: { limits: { maxConnections: limit, headerTimeoutMs: 10_000 } },
    });
    servers.push(t);
    const busy: RawClient[] = [];
    for (let i = 0; i < limit; i++) {
      const client = await rawClient(t.port);
      await client.send('GET / HTTP/1.1\r\n');
      busy.push(client);
    }
    for (const client of busy) {
      const id = await t.idOf(client);
      await waitFor(() => t.stream(id, 'in').length > 0);
    }
    const extra = await rawClient(t.port);
    await extra.send(GET).catch(() => undefined);
    const answer = await extra.ended();
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 503 Service Unavailable']);
    assert.match(answer.toString('latin1'), /none of them is idle/);
    const id = await t.idOf(extra);
    assert.equal((await t.closed(id)).reason, 'limit');
    assert.deepEqual(t.stream(id, 'in'), extra.sent());
    assert.ok(t.of('notice').some((n) => n.message.key === 'server.tooManyConnections'));
    // The busy connections are still served, and a slot frees when one closes.
    await busy[0]!.send('Host: x\r\n\r\n');
    await busy[0]!.until((bytes) => statusLines(bytes).length === 1);
    assert.deepEqual(await getOk(t), ['HTTP/1.1 200 OK'], 'the now idle one made room');
    for (const client of busy) client.close();
  });
});

describe('minimum rate: slow heads and slow bodies end with 408', () => {
  const limits = {
    headerTimeoutMs: 300,
    idleTimeoutMs: 5000,
    minBytesPerSecond: 100,
    maxBodyBytes: 100_000,
  };
  let t: TestServer;
  after(() => t?.stop());

  it('a body trickled a byte at a time is cut off with 408 and a TIMEOUT event', async () => {
    t = await startServer({ settings: { limits } });
    const client = await rawClient(t.port);
    const started = Date.now();
    await client.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
    for (let i = 0; i < 100 && client.received().length === 0; i++) {
      await client.send('b').catch(() => undefined);
      await sleep(100);
    }
    const answer = await client.ended();
    const elapsed = Date.now() - started;
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 408 Request Timeout']);
    assert.ok(elapsed >= 280 && elapsed < 3000, `cut off after ${elapsed} ms`);
    const id = await t.idOf(client);
    assert.equal((await t.closed(id)).reason, 'body-timeout');
    const [error] = t.of('protocolError', id);
    assert.equal(error!.error.code, 'TIMEOUT');
    assert.equal(error!.error.status, 408);
    assert.match(error!.error.reason, /body arrived too slowly/);
    assert.match(error!.error.reason, /minimum rate of 100 bytes\/s/);
    assert.equal(error!.requestOffset, 0);
    assert.deepEqual(t.stream(id, 'in'), client.sent());
  });

  it('a body slower than the head timeout but above the rate is served', async () => {
    const client = await rawClient(t.port);
    const started = Date.now();
    await client.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n');
    for (let i = 0; i < 20; i++) {
      await client.send('c'.repeat(200));
      await sleep(40);
    }
    const answer = await client.until((bytes) => statusLines(bytes).length === 1);
    assert.ok(Date.now() - started > limits.headerTimeoutMs, 'longer than the head timeout');
    // The default site answers POST with 405: once the whole body has arrived.
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 405 Method Not Allowed']);
    client.close();
  });

  it('a head trickled in gets 408 whose reason names the head and the rate', async () => {
    const client = await rawClient(t.port);
    for (const char of 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'z'.repeat(100)) {
      if (client.received().length > 0) break;
      await client.send(char).catch(() => undefined);
      await sleep(20);
    }
    const answer = await client.ended();
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 408 Request Timeout']);
    const id = await t.idOf(client);
    assert.equal((await t.closed(id)).reason, 'header-timeout');
    const [error] = t.of('protocolError', id);
    assert.match(error!.error.reason, /request head did not arrive within 300 ms/);
    assert.match(error!.error.reason, /\d+ bytes\/s/);
  });

  it('the rate is a setting', () => {
    const merged = mergeSettings(DEFAULT_SETTINGS, { limits: { minBytesPerSecond: 42 } });
    assert.equal(merged.limits.minBytesPerSecond, 42);
    assert.ok(DEFAULT_LIMITS.minBytesPerSecond > 0);
  });
});

describe('body limit', () => {
  it('a 413 names the limit', async () => {
    const t = await startServer({ settings: { limits: { maxBodyBytes: 1000 } } });
    try {
      const client = await rawClient(t.port);
      await client.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n');
      const answer = await client.ended();
      assert.deepEqual(statusLines(answer), ['HTTP/1.1 413 Content Too Large']);
      assert.match(answer.toString('utf8'), /The limit is 1000 bytes/);
      client.close();
    } finally {
      await t.stop();
    }
  });
});

/**
 * Bytes copied (Uint8Array slice and set, which every copy of body bytes goes through) while a
 * `size`-byte body arrives in 2 KiB reads.
 */
function bytesCopied(size: number, framing: 'length' | 'chunked', held: boolean): number {
  const piece = Buffer.alloc(2048, 0x61);
  const limits = {
    maxBodyBytes: 64 * 1024 * 1024,
    maxBodyInMemoryBytes: held ? 64 * 1024 * 1024 : 256 * 1024,
  };
  const { socket, events, connection } = fakeConnection(limits);
  const framingField =
    framing === 'length' ? `Content-Length: ${size}` : 'Transfer-Encoding: chunked';
  socket.emit('data', Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${framingField}\r\n\r\n`));
  const prototype = Uint8Array.prototype;
  const { slice, set } = prototype;
  let copied = 0;
  prototype.slice = function (this: Uint8Array, start?: number, end?: number) {
    const copy = slice.call(this, start, end);
    copied += copy.length;
    return copy;
  } as typeof slice;
  prototype.set = function (this: Uint8Array, source: ArrayLike<number>, offset?: number) {
    copied += source.length;
    set.call(this, source, offset);
  } as typeof set;
  const chunkLine = Buffer.from(`${piece.length.toString(16)}\r\n`);
  const crlf = Buffer.from('\r\n');
  try {
    for (let sent = 0; sent < size; sent += piece.length) {
      if (framing === 'length') {
        socket.emit('data', piece);
      } else {
        socket.emit('data', chunkLine);
        socket.emit('data', piece);
        socket.emit('data', crlf);
      }
    }
    if (framing === 'chunked') socket.emit('data', Buffer.from('0\r\n\r\n'));
  } finally {
    prototype.slice = slice;
    prototype.set = set;
  }
  const request = events.find((event) => event.type === 'request');
  assert.ok(request?.type === 'request', 'the request completed');
  if (held) assert.equal(request.body.length, size);
  else assert.equal(request.bodyInStream?.length, size);
  connection.destroy('stopped');
  return copied;
}

describe('body handling is linear in the body size', () => {
  it('a body in 2 KiB reads is copied at most twice, however large', () => {
    for (const framing of ['length', 'chunked'] as const) {
      for (const held of [true, false]) {
        const small = bytesCopied(1024 * 1024, framing, held);
        const large = bytesCopied(4 * 1024 * 1024, framing, held);
        const what = `${framing}, ${held ? 'held' : 'not held'}: ${small} bytes copied for 1 MiB, ${large} for 4 MiB`;
        // Held: each byte once or twice (copied at the end of its read, then joined). Not held:
        // at most the in-memory bound before collecting stops.
        const bound = held ? 2 * 4 * 1024 * 1024 : 2 * 256 * 1024;
        assert.ok(large <= bound + 65536, what);
        if (held) assert.ok(large / small < 5, what);
      }
    }
  });

  it('a body over the in-memory bound is left in the stream, with its span and length', () => {
    const { socket, events } = fakeConnection({ maxBodyInMemoryBytes: 1000 });
    const head = 'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunk = 'a'.repeat(800);
    const body = `320\r\n${chunk}\r\n320\r\n${chunk}\r\n0\r\n\r\n`;
    socket.emit('data', Buffer.from(head + body.slice(0, 500)));
    socket.emit('data', Buffer.from(body.slice(500)));
    const request = events.find((event) => event.type === 'request');
    assert.ok(request?.type === 'request');
    assert.equal(request.body.length, 0);
    assert.deepEqual(request.bodyInStream, {
      span: { offset: head.length, length: body.length },
      length: 1600,
    });
    // A body within the bound is held as before.
    const small = fakeConnection({ maxBodyInMemoryBytes: 1000 });
    small.socket.emit(
      'data',
      Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhe'),
    );
    small.socket.emit('data', Buffer.from('llo'));
    const held = small.events.find((event) => event.type === 'request');
    assert.ok(held?.type === 'request');
    assert.equal(Buffer.from(held.body).toString(), 'hello');
    assert.equal(held.bodyInStream, undefined);
  });
});

// ---- 100 concurrent 10 MiB uploads against a real `socketscope serve` ----

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

function upload(port: number, size: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const piece = Buffer.alloc(64 * 1024, 0x62);
    let received = '';
    // A failure is an answer too: the assertion then says which.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve(`error ${error.code ?? error.message}`),
    );
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (/\r\n\r\n/.test(received)) {
        socket.destroy();
        resolve(received.slice(0, received.indexOf('\r\n')));
      }
    });
    socket.on('connect', () => {
      socket.write(`POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`);
      let sent = 0;
      const pump = (): void => {
        while (sent < size) {
          const n = Math.min(piece.length, size - sent);
          sent += n;
          if (!socket.write(n === piece.length ? piece : piece.subarray(0, n))) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

describe(
  'large bodies are not held in memory',
  { skip: process.platform !== 'linux' ? 'reads /proc for the peak RSS' : false },
  () => {
    const home = mkdtempSync(join(tmpdir(), 'socketscope-spool-'));
    after(() => rmSync(home, { recursive: true, force: true }));

    it(
      '100 concurrent 10 MiB uploads keep `socketscope serve` under 300 MB',
      { timeout: 120_000 },
      async () => {
        const serve = await startServe(['--port', '0', '--session', join(home, 'session')], {
          home,
        });
        const child = serve.child;
        try {
          const out = serve.output;
          const port = serve.port;
          const before = peakRss(child.pid!);
          const size = 10 * 1024 * 1024;
          const started = Date.now();
          const statuses = await Promise.all(Array.from({ length: 100 }, () => upload(port, size)));
          const seconds = (Date.now() - started) / 1000;
          const peak = peakRss(child.pid!);
          console.log(
            `# 100 × 10 MiB in ${seconds.toFixed(1)} s; peak RSS ${(before / 1e6).toFixed(0)} MB before, ${(peak / 1e6).toFixed(0)} MB after`,
          );
          // The default site answers POST with 405, once each whole body has arrived.
          assert.deepEqual(
            new Set(statuses),
            new Set(['HTTP/1.1 405 Method Not Allowed']),
            `answers: ${[...new Set(statuses)].join(', ')}; server output:\n${out().slice(-2000)}`,
          );
          assert.ok(peak < 300e6, `peak RSS ${(peak / 1e6).toFixed(0)} MB`);
        } finally {
          await serve.stop();
        }
      },
    );
  },
);

// ---- The CLI: --max-body, and --json prints a body that was not held ----

describe('socketscope serve: --max-body and large bodies in --json', () => {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-maxbody-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  it(
    'prints a 2 MiB body read back from the session, and answers 413 over the limit',
    { timeout: 60_000 },
    async () => {
      const serve = await startServe(['--json', '--port', '0', '--max-body', '3M'], { home });
      try {
        const port = serve.port;
        const records = (): Record<string, unknown>[] =>
          serve
            .lines()
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line) as Record<string, unknown>);
        const body = Buffer.alloc(2 * 1024 * 1024);
        for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
        const client = await rawClient(port);
        await client.send(`PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
        await client.send(body);
        await client.until((bytes) => statusLines(bytes).length === 1, 20_000);
        client.close();
        await waitFor(
          () => records().some((r) => r.type === 'request'),
          20_000,
          'the request line',
        );
        const request = records().find((r) => r.type === 'request')!;
        assert.ok(
          Buffer.from(request.bodyBase64 as string, 'base64').equals(body),
          'the whole body',
        );
        const over = await rawClient(port);
        await over.send(`PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
        const answer = await over.ended(20_000);
        assert.deepEqual(statusLines(answer), ['HTTP/1.1 413 Content Too Large']);
        assert.match(answer.toString('utf8'), /The limit is 3145728 bytes/);
        over.close();
      } finally {
        await serve.stop();
      }
    },
  );
});
