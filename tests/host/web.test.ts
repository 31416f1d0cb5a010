// The web host driven as a browser would: a real Core, real HTTP requests, a `ws` client, and a
// raw TCP client on the capture server.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCore, type Core } from '../../src-main/host/core';
import { rendererCsp } from '../../src-main/host/csp';
import { startWebHost, type WebHost } from '../../src-main/host/web';
import {
  PROTOCOL_VERSION,
  type CoreApi,
  type CoreEvent,
  type ServerFrame,
  type ServerState,
  type Snapshot,
} from '../../src-main/protocol/types';

const SECRET = 'top-secret-content-outside-the-renderer-folder';
const MAX_PAYLOAD = 64 * 1024;

let work: string;
let core: Core;
let host: WebHost;
let activeSubscriptions = 0;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'socketscope-web-'));
  const rendererDir = join(work, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Socketscope</title><div id="app"></div>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(work, 'secret.txt'), SECRET);
  writeFileSync(join(work, 'renderer-secret.txt'), SECRET);

  core = await createCore({ home: join(work, 'home'), batchMs: 16 });
  // The real Core, counted, so the test can see subscriptions end when sockets close.
  const counted: CoreApi = {
    call: (name, params) => core.call(name, params),
    subscribe(listener, options) {
      activeSubscriptions++;
      const unsubscribe = core.subscribe(listener, options);
      return () => {
        activeSubscriptions--;
        unsubscribe();
      };
    },
  };
  writeFileSync(join(work, 'favicon.ico'), 'icon-bytes');
  host = await startWebHost({
    core: counted,
    port: 0,
    rendererDir,
    maxPayloadBytes: MAX_PAYLOAD,
    faviconPath: join(work, 'favicon.ico'),
  });
});

after(async () => {
  await host?.close();
  await core?.close();
  rmSync(work, { recursive: true, force: true });
});

const origin = (): string => `http://127.0.0.1:${host.port}`;
const wsUrl = (token: string): string =>
  `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(token)}`;

/** A ws client that queues every frame it receives, so tests can wait for specific ones. */
class Client {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerFrame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(token = host.token, originHeader = origin(), query = ''): Promise<Client> {
    const socket = new WebSocket(wsUrl(token) + query, { origin: originHeader });
    // Listen before 'open': the hello may arrive in the same read as the handshake.
    const client = new Client(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  async waitFor(
    predicate: (frame: ServerFrame) => boolean,
    what: string,
    timeoutMs = 5000,
  ): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `Timed out waiting for ${what}; got ${JSON.stringify(this.frames).slice(0, 500)}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async command(name: string, params: unknown): Promise<ServerFrame & { kind: 'reply' }> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ kind: 'command', id, name, params }));
    const reply = await this.waitFor(
      (f) => f.kind === 'reply' && f.id === id,
      `reply ${id} (${name})`,
    );
    return reply as ServerFrame & { kind: 'reply' };
  }

  events(): CoreEvent[] {
    return this.frames.flatMap((f) => (f.kind === 'events' ? f.events : []));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/** Attempts an upgrade and returns the HTTP status of the refusal (or 101 when accepted). */
async function upgradeStatus(url: string, originHeader: string | undefined): Promise<number> {
  const socket = new WebSocket(url, originHeader === undefined ? {} : { origin: originHeader });
  return new Promise<number>((resolve) => {
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve(0));
  });
}

/** Sends bytes over a raw socket and returns everything received until the peer closes. */
function rawExchange(port: number, bytes: string, address = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw exchange timed out')));
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function httpGet(path: string, extraHeaders = ''): Promise<string> {
  return rawExchange(
    host.port,
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${extraHeaders}Connection: close\r\n\r\n`,
  );
}

const statusOf = (response: string): number => Number(response.split(' ')[1]);

test('binds 127.0.0.1 only', async () => {
  assert.match(
    host.url,
    new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`),
  );
  assert.equal(statusOf(await httpGet('/')), 200);
  const elsewhere = ['127.0.0.2'];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? [])
      if (!entry.internal && entry.family === 'IPv4') elsewhere.push(entry.address);
  }
  for (const address of elsewhere) {
    await assert.rejects(
      rawExchange(host.port, 'GET / HTTP/1.1\r\n\r\n', address),
      (error: NodeJS.ErrnoException) =>
        error.code === 'ECONNREFUSED' || error.code === 'EADDRNOTAVAIL',
      `the web host must not answer on ${address}`,
    );
  }
});

test('the token is random per host and required on the WebSocket', async () => {
  const other = await startWebHost({ core, port: 0, rendererDir: join(work, 'renderer') });
  try {
    assert.notEqual(other.token, host.token);
    assert.equal(Buffer.from(host.token, 'base64url').length, 24);
  } finally {
    await other.close();
  }
  assert.equal(await upgradeStatus(wsUrl('wrong-token'), origin()), 401);
  assert.equal(await upgradeStatus(wsUrl(host.token.slice(0, -1)), origin()), 401);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${host.port}/ws`, origin()), 401);
  assert.equal(
    await upgradeStatus(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, origin()),
    404,
  );
});

test('a garbled upgrade request is refused and the host keeps serving', async () => {
  const upgrade = (target: string): Promise<string> =>
    rawExchange(
      host.port,
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Origin: ${origin()}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
  assert.equal(statusOf(await upgrade('http://[')), 400);
  assert.equal(statusOf(await upgrade(`/ws?token=${host.token}%`)), 401);
  assert.equal(statusOf(await httpGet('/')), 200);
});

test('a foreign or missing Origin is refused with 403 at upgrade', async () => {
  assert.equal(await upgradeStatus(wsUrl(host.token), 'http://evil.example'), 403);
  assert.equal(await upgradeStatus(wsUrl(host.token), `http://localhost:${host.port}`), 403);
  assert.equal(await upgradeStatus(wsUrl(host.token), `http://127.0.0.1:${host.port + 1}`), 403);
  assert.equal(await upgradeStatus(wsUrl(host.token), undefined), 403);
  assert.equal(await upgradeStatus(wsUrl(host.token), origin()), 101);
});

test('hello, snapshot, then a capture arrives as events frames', async () => {
  const client = await Client.open(host.token, origin(), '&data=1');
  const ui = await Client.open();
  try {
    const hello = await client.waitFor((f) => f.kind === 'hello', 'hello');
    assert.deepEqual(hello, { kind: 'hello', version: PROTOCOL_VERSION });
    assert.equal(client.frames[0]?.kind, 'hello', 'hello comes first');

    const snapshot = await client.command('snapshot', {});
    assert.ok(snapshot.ok, JSON.stringify(snapshot));
    assert.equal((snapshot.result as Snapshot).version, PROTOCOL_VERSION);

    const started = await client.command('server.start', { host: '127.0.0.1', port: 0 });
    assert.ok(started.ok, JSON.stringify(started));
    const state = started.result as ServerState;
    assert.equal(state.status, 'listening');
    assert.ok(state.port > 0);

    const request = `GET /from-the-web-test?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${state.port}\r\nConnection: close\r\n\r\n`;
    const response = await rawExchange(state.port, request);
    assert.match(response, /^HTTP\/1\.1 \d{3} /);

    const exchangeFrame = await client.waitFor(
      (f) =>
        f.kind === 'events' &&
        f.events.some(
          (e) =>
            e.type === 'exchange' &&
            e.exchange.target === '/from-the-web-test?x=1' &&
            e.exchange.status !== null,
        ),
      'the exchange with its response',
    );
    assert.equal(exchangeFrame.kind, 'events');
    const exchange = client
      .events()
      .flatMap((e) => (e.type === 'exchange' ? [e.exchange] : []))
      .filter((x) => x.target === '/from-the-web-test?x=1')
      .at(-1);
    assert.equal(exchange?.method, 'GET');
    assert.equal(exchange?.status, statusOf(response));

    const inbound = client
      .events()
      .flatMap((e) =>
        e.type === 'data' && e.direction === 'in' && e.connectionId === exchange?.connectionId
          ? [e]
          : [],
      );
    const received = Buffer.concat(
      inbound.map((e) => Buffer.from(e.base64 ?? '', 'base64')),
    ).toString('latin1');
    assert.equal(received, request, 'the raw request bytes travel in data events');

    await ui.waitFor(
      (f) =>
        f.kind === 'events' &&
        f.events.some(
          (e) =>
            e.type === 'exchange' &&
            e.exchange.target === '/from-the-web-test?x=1' &&
            e.exchange.status !== null,
        ),
      'the exchange, on the client that did not ask for data',
    );
    assert.ok(
      ui.events().some((e) => e.type === 'connectionOpen'),
      'the other events still arrive',
    );
    assert.equal(
      ui.events().filter((e) => e.type === 'data').length,
      0,
      'data events only for a client that asks for them',
    );

    await client.command('server.stop', {});
  } finally {
    await client.close();
    await ui.close();
  }
});

test('malformed frames get error replies and the socket stays usable', async () => {
  const client = await Client.open();
  try {
    await client.waitFor((f) => f.kind === 'hello', 'hello');
    const cases: (string | Buffer)[] = [
      'not json',
      '42',
      '{"kind":"command"}',
      '{"kind":"command","id":9,"name":"no.such.command","params":{}}',
      '{"kind":"command","id":10,"name":"snapshot","params":[1]}',
      Buffer.from([1, 2, 3]),
    ];
    for (const raw of cases) client.socket.send(raw);
    await client.waitFor(
      () => client.frames.filter((f) => f.kind === 'reply' && !f.ok).length >= cases.length,
      'one error reply per malformed frame',
    );
    const errors = client.frames.flatMap((f) => (f.kind === 'reply' && !f.ok ? [f] : []));
    assert.equal(errors.length, cases.length);
    assert.ok(errors.every((f) => f.error.message.length > 0));
    assert.ok(errors.some((f) => f.id === 9 && f.error.code === 'UNKNOWN_COMMAND'));
    assert.ok(errors.some((f) => f.id === 10 && f.error.code === 'BAD_FRAME'));

    const badParams = await client.command('exchange.bytes', { exchangeId: 'no-such-exchange' });
    assert.equal(badParams.ok, false, 'a Core error becomes an ok:false reply');

    const snapshot = await client.command('snapshot', {});
    assert.ok(snapshot.ok, 'the socket still answers');
  } finally {
    await client.close();
  }
});

test('an oversized frame closes that socket (1009) and the host keeps serving', async () => {
  const client = await Client.open();
  await client.waitFor((f) => f.kind === 'hello', 'hello');
  const code = await new Promise<number>((resolve) => {
    client.socket.once('close', (closeCode) => resolve(closeCode));
    client.socket.send(
      JSON.stringify({
        kind: 'command',
        id: 1,
        name: 'snapshot',
        params: { pad: 'x'.repeat(MAX_PAYLOAD) },
      }),
    );
  });
  assert.equal(code, 1009);
  const next = await Client.open();
  try {
    assert.ok((await next.command('snapshot', {})).ok);
  } finally {
    await next.close();
  }
});

test('closing a socket ends its Core subscription', async () => {
  const before = activeSubscriptions;
  const client = await Client.open();
  await client.waitFor((f) => f.kind === 'hello', 'hello');
  assert.equal(activeSubscriptions, before + 1);
  await client.close();
  const deadline = Date.now() + 2000;
  while (activeSubscriptions !== before && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal(activeSubscriptions, before);
});

test('static files: content types, CSP and nosniff on every answer, 404 otherwise', async () => {
  const page = await fetch(host.url);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await page.text(), /<title>Socketscope<\/title>/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${host.port}`));
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

  const script = await fetch(`${origin()}/assets/app.js`);
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(await script.text(), 'console.log("app");');
  const style = await fetch(`${origin()}/assets/app.css`);
  assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');

  const favicon = await fetch(`${origin()}/favicon.ico`);
  assert.equal(favicon.headers.get('content-type'), 'image/x-icon');
  assert.equal(await favicon.text(), 'icon-bytes');

  const missing = await fetch(`${origin()}/nope.js`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(missing.headers.get('content-security-policy'));
  assert.equal((await fetch(`${origin()}/assets`)).status, 404, 'a folder is not a file');

  assert.equal((await fetch(host.url, { method: 'POST', body: 'x' })).status, 405);
  assert.equal(
    statusOf(
      await rawExchange(
        host.port,
        'GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
      ),
    ),
    421,
    'a foreign Host header (DNS rebinding) is refused',
  );
});

test('directory traversal attempts get 404 and never the file', async () => {
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..',
    '/%00index.html',
    '/index.html%00.js',
    '/%E0%A4%A',
    '//etc/passwd',
    '/renderer-secret.txt/../../renderer-secret.txt',
  ];
  for (const path of attempts) {
    const response = await httpGet(path);
    assert.equal(statusOf(response), 404, path);
    assert.ok(!response.includes(SECRET), `${path} leaked the file`);
    assert.ok(!response.includes('root:'), `${path} leaked /etc/passwd`);
  }
});

function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}

test("the CSP header repeats the renderer's meta policy, narrowing connect-src", () => {
  const html = readFileSync('src-renderer/index.html', 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.ok(meta, 'src-renderer/index.html carries a CSP meta');
  const page = parseCsp(meta);
  const header = parseCsp(rendererCsp({ connect: ['ws://127.0.0.1:4242'] }));
  for (const [name, sources] of page) {
    if (name === 'connect-src') continue;
    assert.deepEqual(header.get(name), sources, name);
  }
  assert.deepEqual(header.get('connect-src'), ["'self'", 'ws://127.0.0.1:4242']);
  assert.ok(
    page.get('connect-src')?.includes('ws://127.0.0.1:*'),
    'the meta allows the web host socket',
  );
  const extra = [...header.keys()].filter((name) => !page.has(name)).sort();
  assert.deepEqual(extra, ['form-action', 'frame-ancestors']);
});
