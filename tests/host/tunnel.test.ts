// A CONNECT tunnel that passes untouched is listed as a tunnel: host:port, the bytes each way
// (counted exactly against the client's own socket), how long it lasted and how it ended; its
// first bytes are the TLS records as they went through. An intercepted one says so.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { createServer as createHttps } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/host/core';
import { LocalCa } from '../../src-main/capture/ca';
import type { ExchangeSummary } from '../../src-main/protocol/types';

const home = mkdtempSync(join(tmpdir(), 'socketscope-tunnel-'));
after(() => rmSync(home, { recursive: true, force: true }));

async function origin(name: string): Promise<{ port: number; close: () => void }> {
  const ca = await LocalCa.open(join(home, `${name}-origin-ca`));
  const server = createHttps(await ca.leafFiles('127.0.0.1'), (req, res) =>
    res.end(`origin saw ${req.url}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function connectRow(core: Core, done: (row: ExchangeSummary) => boolean) {
  return until(async () => {
    const { rows } = await core.call('exchanges.rows', { from: 0, count: 100 });
    return rows.find((row) => row.method === 'CONNECT' && done(row));
  }, 'the CONNECT row');
}

test('a raw CONNECT through the forward proxy: the tunnel row counts every byte each way', async () => {
  const site = await origin('raw');
  const core = await createCore({ home: join(home, 'raw-core'), settings: { port: 0 } });
  const seen: ExchangeSummary[] = [];
  const unsubscribe = core.subscribe((events) => {
    for (const event of events) if (event.type === 'exchange') seen.push(event.exchange);
  });
  try {
    const state = await core.call('server.start', { proxy: true, intercept: false });
    const connectHead = `CONNECT 127.0.0.1:${site.port} HTTP/1.1\r\nHost: 127.0.0.1:${site.port}\r\n\r\n`;
    const socket: Socket = connect(state.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(connectHead);
    const established = await new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
    );
    assert.match(established, /^HTTP\/1\.1 200 /);
    // TLS over the tunnel; the origin's certificate is its own (not verified here).
    const tls = tlsConnect({ socket, servername: 'localhost', rejectUnauthorized: false });
    await new Promise<void>((resolve) => tls.once('secureConnect', () => resolve()));
    // While it is open, the row is announced as bytes pass.
    await until(async () => {
      const open = seen.find(
        (e) => e.tunnel && e.tunnel.bytesDown > 0 && e.tunnel.closedAt === null,
      );
      return open ?? undefined;
    }, 'the open tunnel announced with its bytes');
    tls.write(`GET /inside HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    let answer = '';
    tls.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    await new Promise<void>((resolve) => tls.once('end', () => resolve()));
    assert.match(answer, /origin saw \/inside/);
    tls.end();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const up = socket.bytesWritten - Buffer.byteLength(connectHead);
    const down = socket.bytesRead - Buffer.byteLength(established, 'latin1');

    const row = await connectRow(core, (r) => r.tunnel?.closedAt != null);
    const tunnel = row.tunnel!;
    assert.equal(row.target, `127.0.0.1:${site.port}`);
    assert.equal(tunnel.intercepted, false);
    assert.equal(tunnel.bytesUp, up, 'client → server');
    assert.equal(tunnel.bytesDown, down, 'server → client');
    assert.ok(up > 100 && down > 100, `a TLS handshake went each way (${up} / ${down})`);
    assert.ok(tunnel.closedAt! >= row.completedAt!);
    assert.ok(tunnel.closeReason === 'client' || tunnel.closeReason === 'server');
    // The bytes after the 200 are the TLS records as they went: a handshake record each way.
    const first = await core.call('bytes.get', {
      connectionId: row.connectionId,
      direction: 'in',
      offset: tunnel.upOffset,
      length: 3,
    });
    assert.deepEqual([...Buffer.from(first.base64, 'base64')], [0x16, 0x03, 0x01]);
    const back = await core.call('bytes.get', {
      connectionId: row.connectionId,
      direction: 'out',
      offset: tunnel.downOffset,
      length: 1,
    });
    assert.deepEqual([...Buffer.from(back.base64, 'base64')], [0x16]);
  } finally {
    unsubscribe();
    await core.close();
    site.close();
  }
});

test('live: the tunnel row is announced as bytes pass, and an intercepted tunnel says so', async () => {
  const site = await origin('live');
  const core = await createCore({ home: join(home, 'live-core'), settings: { port: 0 } });
  const seen: ExchangeSummary[] = [];
  const unsubscribe = core.subscribe((events) => {
    for (const event of events) if (event.type === 'exchange') seen.push(event.exchange);
  });
  try {
    const ca = join(home, 'live-core', 'ca', 'ca-cert.pem');
    const state = await core.call('server.start', {
      proxy: true,
      intercept: true,
      insecureHosts: ['127.0.0.1'],
    });
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'curl',
        [
          '-sS',
          '--max-time',
          '10',
          '--cacert',
          ca,
          '-x',
          `http://127.0.0.1:${state.port}`,
          `https://127.0.0.1:${site.port}/decrypted`,
        ],
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    assert.equal(out, 'origin saw /decrypted');
    const row = await connectRow(core, (r) => r.tunnel?.closedAt != null);
    assert.equal(row.tunnel!.intercepted, true);
    assert.ok(row.tunnel!.bytesUp > 0 && row.tunnel!.bytesDown > 0);
    // The batch of the close reaches subscribers a moment after the list has it.
    const ended = await until(async () => {
      const last = seen.filter((e) => e.exchangeId === row.exchangeId && e.tunnel).at(-1);
      return last?.tunnel?.closedAt != null ? last : undefined;
    }, 'the tunnel row announced as ended');
    assert.equal(ended.tunnel!.bytesUp, row.tunnel!.bytesUp);
  } finally {
    unsubscribe();
    await core.close();
    site.close();
  }
});

test('an upgrade answered 101 is a tunnel too: its bytes each way, and its close, known again when the session is opened again', async () => {
  // The upstream: a raw server that answers an upgrade with 101 and then echoes what it reads.
  const upstream = createNetServer((socket) => {
    socket.once('data', () => {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
      );
      socket.on('data', (chunk) => socket.write(chunk));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  const upstreamPort = (upstream.address() as { port: number }).port;
  after(() => upstream.close());
  const coreHome = join(home, 'upgrade-core');
  const core = await createCore({ home: coreHome, settings: { port: 0 } });
  const session = core.sessionDir();
  try {
    const state = await core.call('server.start', { upstream: `http://127.0.0.1:${upstreamPort}` });
    const socket = connect(state.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    let echoed = '';
    socket.on('data', (chunk: Buffer) => (echoed += chunk.toString('latin1')));
    socket.write(
      'GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n',
    );
    await until(async () => (echoed.includes('\r\n\r\n') ? true : undefined), 'the 101');
    socket.write('ping-1 ping-2');
    await until(async () => (echoed.endsWith('ping-1 ping-2') ? true : undefined), 'the echo');
    socket.end();
    after(() => socket.destroy());
    const closed = await until(async () => {
      const { rows } = await core.call('exchanges.rows', { from: 0, count: 10 });
      const row = rows.find((r) => r.status === 101);
      return row?.tunnel?.closedAt != null ? row : undefined;
    }, 'the closed upgrade');
    assert.equal(closed.tunnel?.bytesUp, 'ping-1 ping-2'.length);
    assert.equal(closed.tunnel?.bytesDown, 'ping-1 ping-2'.length);
  } finally {
    await core.close();
  }
  // Opened again from its file: the tunnel's close is still known.
  const again = await createCore({ home: coreHome, settings: { port: 0 }, sessionDir: session });
  try {
    const { rows } = await again.call('exchanges.rows', { from: 0, count: 10 });
    const row = rows.find((r) => r.status === 101);
    assert.ok(row?.tunnel, 'the upgrade reads as a tunnel');
    assert.notEqual(row.tunnel.closedAt, null);
    assert.equal(row.tunnel.bytesUp, 'ping-1 ping-2'.length);
  } finally {
    await again.close();
  }
});
