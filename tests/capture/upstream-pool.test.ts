// The upstream pool: sockets given back are handed out again (last in, first out), up to the
// idle limit; an idle socket is dropped after idleMs, or as soon as the upstream sends or closes;
// a kept connection's events go to whoever leases it now, through listeners added once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import {
  UpstreamPool,
  type Lease,
  type UpstreamFailure,
  type UpstreamListener,
} from '../../src-main/capture/upstream-pool';

async function listen(): Promise<{ server: Server; port: number; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port, accepted };
}

function leased(result: Lease | UpstreamFailure): Lease {
  assert.ok('socket' in result, `expected a socket, got ${JSON.stringify(result)}`);
  return result;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('50 sockets given back at once are all kept and handed out again, none reopened', async () => {
  const upstream = await listen();
  const pool = new UpstreamPool();
  const address = { host: '127.0.0.1', port: upstream.port, tls: false };
  try {
    const first = await Promise.all(Array.from({ length: 50 }, () => pool.acquire(address)));
    for (const lease of first) pool.release(address, leased(lease));
    assert.equal(pool.idleCount(), 50);
    const again = await Promise.all(Array.from({ length: 50 }, () => pool.acquire(address)));
    assert.ok(again.every((lease) => leased(lease).reused));
    await until(() => upstream.accepted.length >= 50);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(upstream.accepted.length, 50);
    assert.equal(pool.idleCount(), 0);
    for (const lease of again) leased(lease).socket.destroy();
  } finally {
    pool.close();
    upstream.server.close();
  }
});

test('past the idle limit a socket given back is closed', async () => {
  const upstream = await listen();
  const pool = new UpstreamPool({ maxIdlePerUpstream: 1 });
  const address = { host: '127.0.0.1', port: upstream.port, tls: false };
  try {
    const a = leased(await pool.acquire(address));
    const b = leased(await pool.acquire(address));
    pool.release(address, a);
    pool.release(address, b);
    assert.equal(pool.idleCount(), 1);
    assert.equal(b.socket.destroyed, true);
    assert.equal(pool.take(address), a);
    a.socket.destroy();
  } finally {
    pool.close();
    upstream.server.close();
  }
});

test('an idle socket is closed after idleMs, and one the upstream writes to or closes at once', async () => {
  const upstream = await listen();
  const pool = new UpstreamPool({ idleMs: 1000 });
  const address = { host: '127.0.0.1', port: upstream.port, tls: false };
  try {
    const leases = await Promise.all(
      [0, 1, 2].map(async () => leased(await pool.acquire(address))),
    );
    const sockets = leases.map((lease) => lease.socket);
    await until(() => upstream.accepted.length === 3);
    const released = Date.now();
    for (const lease of leases) pool.release(address, lease);
    assert.equal(pool.idleCount(), 3);
    // Which accepted socket is whose: match by port.
    const peer = (socket: Socket): Socket =>
      upstream.accepted.find((other) => other.remotePort === socket.localPort)!;
    peer(sockets[0]!).write('unasked');
    peer(sockets[1]!).end();
    await until(() => sockets[0]!.destroyed && sockets[1]!.destroyed, 800);
    assert.equal(pool.idleCount(), 1);
    assert.equal(sockets[2]!.destroyed, false);
    await until(() => sockets[2]!.destroyed, 3000);
    assert.ok(Date.now() - released >= 990, 'not closed before idleMs');
    assert.equal(pool.idleCount(), 0);
  } finally {
    pool.close();
    upstream.server.close();
  }
});

/** A listener that keeps what each of its events brought. */
function recorder(): UpstreamListener & { bytes: string; ends: number; closes: number } {
  const seen = {
    bytes: '',
    ends: 0,
    closes: 0,
    data: (chunk: Buffer) => (seen.bytes += chunk.toString('latin1')),
    end: () => seen.ends++,
    close: () => seen.closes++,
    drain: () => undefined,
  };
  return seen;
}

test('a kept connection is listened to by each lease in turn, with its socket listeners added once', async () => {
  const upstream = await listen();
  const pool = new UpstreamPool();
  const address = { host: '127.0.0.1', port: upstream.port, tls: false };
  try {
    const lease = leased(await pool.acquire(address));
    assert.equal(lease.reused, false);
    const counts = (): number[] =>
      ['data', 'end', 'error', 'close', 'drain'].map((name) => lease.socket.listenerCount(name));
    const before = counts();
    await until(() => upstream.accepted.length === 1);
    const peer = upstream.accepted[0]!;
    const first = recorder();
    lease.listen(first);
    peer.write('one');
    await until(() => first.bytes === 'one');
    lease.listen(null);
    pool.release(address, lease);
    assert.deepEqual(counts(), before);
    const again = pool.take(address);
    assert.equal(again, lease);
    assert.equal(again.reused, true);
    const second = recorder();
    again.listen(second);
    peer.write('two');
    await until(() => second.bytes === 'two');
    peer.end();
    await until(() => second.ends === 1 && second.closes === 1);
    assert.equal(first.bytes, 'one');
    assert.equal(first.ends + first.closes, 0);
    assert.deepEqual(counts(), before);
    assert.equal(pool.idleCount(), 0);
  } finally {
    pool.close();
    upstream.server.close();
  }
});

test('what an upstream sends before anyone listens waits for the first listener', async () => {
  const upstream = await listen();
  upstream.server.on('connection', (socket) => socket.write('spoke first'));
  const pool = new UpstreamPool();
  const address = { host: '127.0.0.1', port: upstream.port, tls: false };
  try {
    const lease = leased(await pool.open(address));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const seen = recorder();
    lease.listen(seen);
    await until(() => seen.bytes === 'spoke first');
    lease.socket.destroy();
  } finally {
    pool.close();
    upstream.server.close();
  }
});
