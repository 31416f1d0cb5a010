// The forward proxy (serve --proxy): curl -x as the client, Node http upstreams on 127.0.0.1.
// Absolute-form requests are forwarded in origin-form and captured; CONNECT opens a tunnel whose
// bytes each way are recorded on the client's connection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer as createHttp, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNet } from 'node:net';
import { startServer, waitFor } from './helpers';

function curl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-S', '--max-time', '15', ...args], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

async function upstream(): Promise<{ server: Server; port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createHttp((request, res) => {
    seen.push(request);
    request.resume();
    request.on('end', () => res.end(`origin saw ${request.method} ${request.url}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port, seen };
}

test('an absolute-form request is forwarded in origin-form and captured', async () => {
  const origin = await upstream();
  const proxy = await startServer({ settings: { proxy: true } });
  try {
    const url = `http://127.0.0.1:${origin.port}/path?q=1`;
    const out = await curl(['-x', `http://127.0.0.1:${proxy.port}`, url]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'origin saw GET /path?q=1');
    assert.equal(origin.seen[0]!.headers.host, `127.0.0.1:${origin.port}`);
    assert.equal(origin.seen[0]!.headers['proxy-connection'], undefined);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
    assert.equal(proxy.of('request', id)[0]!.head.target, url);
    assert.equal(proxy.of('response', id)[0]!.head?.status, 200);
    assert.match(proxy.stream(id, 'out').toString('latin1'), /origin saw GET \/path\?q=1$/);
  } finally {
    await proxy.stop();
    origin.server.closeAllConnections();
    origin.server.close();
  }
});

test('CONNECT opens a tunnel whose bytes each way are recorded', async () => {
  const origin = await upstream();
  const proxy = await startServer({ settings: { proxy: true } });
  try {
    // -p: curl tunnels through CONNECT even for http://.
    const out = await curl([
      '-p',
      '-x',
      `http://127.0.0.1:${proxy.port}`,
      `http://127.0.0.1:${origin.port}/tunnelled`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'origin saw GET /tunnelled');
    const id = await proxy.connectionId();
    await proxy.closed(id);
    const request = proxy.of('request', id)[0]!;
    assert.equal(request.head.method, 'CONNECT');
    assert.equal(request.head.target, `127.0.0.1:${origin.port}`);
    assert.equal(proxy.of('response', id)[0]!.head?.status, 200);
    const inbound = proxy.stream(id, 'in').toString('latin1');
    const outbound = proxy.stream(id, 'out').toString('latin1');
    assert.match(inbound, /\r\n\r\nGET \/tunnelled HTTP\/1\.1\r\n/);
    assert.match(outbound, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.match(outbound, /origin saw GET \/tunnelled$/);
  } finally {
    await proxy.stop();
    origin.server.closeAllConnections();
    origin.server.close();
  }
});

test('CONNECT to a port where nothing listens gives 502; an origin-form request gives 400', async () => {
  const probe = createNet();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const proxy = await startServer({ settings: { proxy: true } });
  try {
    const out = await curl([
      '-p',
      '-x',
      `http://127.0.0.1:${proxy.port}`,
      `http://127.0.0.1:${port}/`,
    ]);
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /502/);
    const direct = await curl(['-i', `http://127.0.0.1:${proxy.port}/not-a-proxy-request`]);
    assert.match(direct.stdout, /^HTTP\/1\.1 400 Bad Request[^]*absolute URL/);
    const first = await proxy.connectionId(0);
    await waitFor(() => proxy.of('response', first).length === 1, 5000, 'response event');
    assert.equal(proxy.of('request', first)[0]!.head.method, 'CONNECT');
    assert.equal(proxy.of('response', first)[0]!.head?.status, 502);
  } finally {
    await proxy.stop();
  }
});
