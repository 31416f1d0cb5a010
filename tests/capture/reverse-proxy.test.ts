// The reverse proxy (serve --upstream): real Node http upstreams on 127.0.0.1, curl as the client.
// Each request is captured and forwarded, the upstream's answer captured and passed back, through
// the write-ahead rule; a failing upstream gives 502 or 504 and the request is kept.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer as createHttp, type IncomingMessage, type Server } from 'node:http';
import {
  connect as connectTcp,
  createServer as createNet,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteAhead } from '../../src-main/capture/events';
import { ProxyConnection } from '../../src-main/capture/proxy-connection';
import { requestHead } from '../../src-main/capture/proxy-heads';
import { DEFAULT_LIMITS } from '../../src-main/capture/settings';
import { UpstreamPool } from '../../src-main/capture/upstream-pool';
import { startServer, waitFor, type TestServer } from './helpers';

const home = mkdtempSync(join(tmpdir(), 'socketscope-rproxy-'));
after(() => rmSync(home, { recursive: true, force: true }));

interface Curl {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function curl(args: string[], timeoutMs = 20_000): Promise<Curl> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-s', '-S', '--max-time', String(timeoutMs / 1000), ...args],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs + 2000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

interface Upstream {
  server: Server;
  port: number;
  requests: { head: IncomingMessage; body: Buffer }[];
  connections: number;
  close(): Promise<void>;
}

async function httpUpstream(
  answer: (request: IncomingMessage, body: Buffer, res: import('node:http').ServerResponse) => void,
): Promise<Upstream> {
  const upstream: Upstream = {
    server: createHttp((request, res) => {
      const parts: Buffer[] = [];
      request.on('data', (chunk: Buffer) => parts.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(parts);
        upstream.requests.push({ head: request, body });
        answer(request, body, res);
      });
    }),
    port: 0,
    requests: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.server.closeAllConnections();
        upstream.server.close(() => resolve());
      }),
  };
  upstream.server.keepAliveTimeout = 10_000;
  upstream.server.on('connection', () => upstream.connections++);
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', () => resolve()));
  upstream.port = (upstream.server.address() as { port: number }).port;
  return upstream;
}

async function rawUpstream(onSocket: (socket: Socket) => void): Promise<{
  server: NetServer;
  port: number;
}> {
  const server = createNet(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

/** A write-ahead gate that holds every send until it is opened, then lets them all go. */
class HoldingGate implements WriteAhead {
  readonly held: (() => void)[] = [];
  private holding = true;

  afterWrite(send: () => void): void {
    if (this.holding) this.held.push(send);
    else send();
  }

  canKeep(): boolean {
    return true;
  }

  open(): void {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  }
}

function proxyTo(port: number, extra: Record<string, unknown> = {}): Promise<TestServer> {
  return startServer({ settings: { upstream: `http://127.0.0.1:${port}`, ...extra } });
}

test('a GET is forwarded with its head as sent, and the answer captured and passed back', async () => {
  const upstream = await httpUpstream((request, _body, res) => {
    res.setHeader('X-Seen-Host', request.headers.host ?? '');
    res.setHeader('Content-Type', 'text/plain');
    res.end(`hello ${request.url}`);
  });
  const proxy = await proxyTo(upstream.port);
  try {
    const out = await curl(['-i', '-H', 'X-Custom: One', `http://127.0.0.1:${proxy.port}/a/b?c=1`]);
    assert.equal(out.code, 0, out.stderr);
    const text = out.stdout.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /hello \/a\/b\?c=1$/);
    assert.match(text, new RegExp(`X-Seen-Host: 127\\.0\\.0\\.1:${proxy.port}\\r\\n`, 'i'));
    const seen = upstream.requests[0]!.head;
    assert.equal(seen.headers['x-custom'], 'One');
    assert.equal(seen.headers.host, `127.0.0.1:${proxy.port}`);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
    const request = proxy.of('request', id)[0]!;
    assert.equal(request.head.target, '/a/b?c=1');
    const response = proxy.of('response', id)[0]!;
    assert.equal(response.head?.status, 200);
    // The response bytes recorded are exactly the bytes curl got.
    const sent = proxy.stream(id, 'out');
    assert.equal(
      sent
        .subarray(response.span.offset, response.span.offset + response.span.length)
        .toString('latin1'),
      text,
    );
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('an answer that comes in one upstream read is recorded and sent as one piece', async () => {
  const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-One: 1\r\n\r\nhello';
  const upstream = await rawUpstream((socket) => {
    socket.on('data', () => socket.write(answer));
    socket.on('error', () => undefined);
  });
  const proxy = await proxyTo(upstream.port);
  try {
    const out = await curl(['-i', `http://127.0.0.1:${proxy.port}/one`]);
    assert.equal(out.code, 0, out.stderr);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
    const pieces = proxy.of('data', id).filter((event) => event.direction === 'out');
    assert.equal(pieces.length, 1);
    assert.equal(Buffer.from(pieces[0]!.bytes).toString('latin1'), out.stdout.toString('latin1'));
    assert.match(out.stdout.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[^]*X-One: 1\r\n\r\nhello$/);
    const response = proxy.of('response', id)[0]!;
    assert.deepEqual(response.span, { offset: 0, length: out.stdout.length });
  } finally {
    await proxy.stop();
    upstream.server.close();
  }
});

test('--rewrite-host sends the upstream host; keep-alive to the upstream is pooled', async () => {
  const upstream = await httpUpstream((request, _body, res) => res.end(request.headers.host));
  const proxy = await proxyTo(upstream.port, { rewriteHost: true });
  try {
    const url = `http://127.0.0.1:${proxy.port}/`;
    const first = await curl([url, url, url]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.toString(), `127.0.0.1:${upstream.port}`.repeat(3));
    const second = await curl([url]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(upstream.requests.length, 4);
    // Two client connections, four requests: one upstream connection serves them all.
    assert.equal(upstream.connections, 1);
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('a chunked upload streams to the upstream and the chunked answer comes back', async () => {
  const upstream = await httpUpstream((request, body, res) => {
    res.write(`got ${body.length} bytes `);
    res.end(`sha ${createHash('sha256').update(body).digest('hex')}`);
  });
  const proxy = await proxyTo(upstream.port, { limits: { maxBodyBytes: 8 * 1024 * 1024 } });
  try {
    const body = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');
    const file = join(home, 'upload.bin');
    writeFileSync(file, body);
    const out = await curl([
      '-H',
      'Transfer-Encoding: chunked',
      '--data-binary',
      `@${file}`,
      `http://127.0.0.1:${proxy.port}/up`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    const hash = createHash('sha256').update(body).digest('hex');
    assert.equal(out.stdout.toString(), `got ${body.length} bytes sha ${hash}`);
    assert.equal(upstream.requests[0]!.head.headers['transfer-encoding'], 'chunked');
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('request', id).length === 1, 5000, 'request event');
    const request = proxy.of('request', id)[0]!;
    // Over the in-memory bound: the body stays in the recorded inbound stream.
    assert.equal(request.bodyInStream?.length, body.length);
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('an upstream that is down gives 502 with a notice, and the request is kept', async () => {
  const closed = await rawUpstream(() => undefined);
  const port = closed.port;
  await new Promise<void>((resolve) => closed.server.close(() => resolve()));
  const proxy = await proxyTo(port);
  try {
    const out = await curl(['-i', `http://127.0.0.1:${proxy.port}/x`]);
    const text = out.stdout.toString();
    assert.match(text, /^HTTP\/1\.1 502 Bad Gateway/);
    assert.match(text, /X-Socketscope-Proxy-Error: UPSTREAM_REFUSED/);
    assert.match(text, /refused the connection/);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
    assert.equal(proxy.of('request', id)[0]?.head.target, '/x');
    assert.equal(proxy.of('response', id)[0]?.head?.status, 502);
    const notice = proxy.of('notice').find((event) => event.message.key === 'proxy.upstreamFailed');
    assert.ok(notice, 'a notice says why');
  } finally {
    await proxy.stop();
  }
});

test('an upstream that answers garbage, or closes without answering, gives 502', async () => {
  const garbage = await rawUpstream((socket) => {
    socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.0\r\n'));
  });
  const silent = await rawUpstream((socket) => {
    socket.once('data', () => socket.destroy());
  });
  const first = await proxyTo(garbage.port);
  const second = await proxyTo(silent.port);
  try {
    const a = await curl(['-i', `http://127.0.0.1:${first.port}/`]);
    assert.match(a.stdout.toString(), /^HTTP\/1\.1 502 [^]*UPSTREAM_NOT_HTTP/);
    const b = await curl(['-i', `http://127.0.0.1:${second.port}/`]);
    assert.match(b.stdout.toString(), /^HTTP\/1\.1 502 [^]*UPSTREAM_RESET/);
    for (const proxy of [first, second]) {
      const id = await proxy.connectionId();
      await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
      assert.equal(proxy.of('request', id).length, 1);
    }
  } finally {
    await first.stop();
    await second.stop();
    garbage.server.close();
    silent.server.close();
  }
});

test('an upstream that dies mid-response: the client sees the body cut, the request is kept', async () => {
  const dying = await rawUpstream((socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
      socket.write(Buffer.alloc(5000, 'x'));
      setTimeout(() => socket.destroy(), 50);
    });
  });
  const proxy = await proxyTo(dying.port);
  try {
    const out = await curl([`http://127.0.0.1:${proxy.port}/big`]);
    assert.notEqual(out.code, 0, 'curl must not take the cut body as complete');
    assert.equal(out.stdout.length, 5000);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'response event');
    assert.equal(proxy.of('request', id)[0]?.head.target, '/big');
    assert.equal(proxy.of('response', id)[0]?.ending?.state, 'truncated');
    assert.ok(proxy.of('notice').some((event) => event.message.key === 'proxy.upstreamCut'));
  } finally {
    await proxy.stop();
    dying.server.close();
  }
});

test('an upstream that never answers gives 504', async () => {
  const mute = await rawUpstream(() => undefined);
  const pool = new UpstreamPool();
  const events: import('../../src-main/capture/events').CaptureEvent[] = [];
  const front = createNet((socket) => {
    new ProxyConnection(socket, {
      id: 'c1',
      limits: DEFAULT_LIMITS,
      mode: {
        kind: 'reverse',
        upstream: { host: '127.0.0.1', port: mute.port, tls: false },
        host: null,
      },
      pool,
      emit: (event) => events.push(event),
      writeAhead: { afterWrite: (send) => send(), canKeep: () => true },
      closed: () => undefined,
      responseTimeoutMs: 300,
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  try {
    const port = (front.address() as { port: number }).port;
    const out = await curl(['-i', `http://127.0.0.1:${port}/slow`]);
    assert.match(
      out.stdout.toString(),
      /^HTTP\/1\.1 504 Gateway Timeout[^]*did not begin its response within 300 ms/,
    );
    assert.ok(events.some((event) => event.type === 'request'));
  } finally {
    front.close();
    mute.server.close();
    pool.close();
  }
});

test('no response byte reaches the client before the write-ahead rule lets it', async () => {
  const upstream = await httpUpstream((_request, _body, res) => res.end('gated'));
  const gate = new HoldingGate();
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${upstream.port}` },
    writeAhead: gate,
  });
  try {
    const pending = curl([`http://127.0.0.1:${proxy.port}/`]);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('data', id).some((e) => e.direction === 'out'), 5000, 'data out');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(gate.held.length > 0, true, 'the response waits at the gate');
    gate.open();
    const out = await pending;
    assert.equal(out.stdout.toString(), 'gated');
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('pieces of an answer held at the write-ahead gate keep their bytes while later ones are read', async () => {
  const [first, second, third] = ['A', 'B', 'C'].map((letter) => letter.repeat(1000));
  const upstream = await rawUpstream((socket) => {
    socket.on('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n${first}`);
      setTimeout(() => socket.write(second), 100);
      setTimeout(() => socket.write(third), 200);
    });
    socket.on('error', () => undefined);
  });
  const gate = new HoldingGate();
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${upstream.port}` },
    writeAhead: gate,
  });
  try {
    const pending = curl(['-i', `http://127.0.0.1:${proxy.port}/`]);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 1, 5000, 'the whole answer read');
    gate.open();
    const out = await pending;
    assert.equal(out.code, 0, out.stderr);
    const text = out.stdout.toString('latin1');
    assert.ok(text.endsWith(`\r\n\r\n${first}${second}${third}`), text.slice(-80));
    assert.equal(proxy.stream(id, 'out').toString('latin1'), text);
  } finally {
    await proxy.stop();
    upstream.server.close();
  }
});

test('a 50 MiB response streams through the CLI core under 200 MB of memory', async () => {
  const SIZE = 50 * 1024 * 1024;
  const piece = Buffer.alloc(64 * 1024, 'z');
  const upstream = await httpUpstream((_request, _body, res) => {
    res.setHeader('Content-Length', String(SIZE));
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE) {
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/host/cli.ts',
      'serve',
      '--quiet',
      '--json',
      '--port',
      '0',
      '--upstream',
      `http://127.0.0.1:${upstream.port}`,
    ],
    { env: { ...process.env, SOCKETSCOPE_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => (output += text));
    await waitFor(() => output.includes('\n'), 20_000, 'the server to listen');
    const listening = JSON.parse(output.split('\n')[0]!) as { port: number };
    const out = await curl(
      ['-o', '/dev/null', '-w', '%{size_download}', `http://127.0.0.1:${listening.port}/`],
      60_000,
    );
    assert.equal(out.code, 0, out.stderr);
    assert.equal(Number(out.stdout.toString()), SIZE);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    console.log(`core peak RSS after a 50 MiB response: ${(peakKb / 1024).toFixed(1)} MB`);
    assert.ok(peakKb / 1024 < 200, `peak RSS ${peakKb / 1024} MB`);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await upstream.close();
  }
});

test('an Upgrade is tunnelled after 101: bytes flow both ways and are recorded', async () => {
  const upstream = await httpUpstream((_request, _body, res) => res.end('plain'));
  upstream.server.on('upgrade', (request: IncomingMessage, socket: Socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${request.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`,
    );
    socket.on('data', (chunk: Buffer) => socket.write(`echo:${chunk.toString('latin1')}`));
    // An upgraded socket is the handler's own: the server's close waits for it.
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
  const proxy = await proxyTo(upstream.port);
  try {
    const client = await new Promise<Socket>((resolve) => {
      const socket: Socket = openClient(proxy.port, () => resolve(socket));
    });
    let got = '';
    client.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    client.write('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    await waitFor(() => got.includes('\r\n\r\n'), 5000, '101');
    assert.match(got, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    client.write('ping');
    await waitFor(() => got.endsWith('echo:ping'), 5000, 'echo');
    const id = await proxy.connectionId();
    assert.match(proxy.stream(id, 'in').toString('latin1'), /\r\n\r\nping$/);
    assert.match(proxy.stream(id, 'out').toString('latin1'), /echo:ping$/);
    assert.equal(proxy.of('response', id)[0]?.head?.status, 101);
    client.destroy();
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('pipelined requests are answered in order, each forwarded in turn', async () => {
  const upstream = await httpUpstream((request, _body, res) => {
    // The first answer is the slowest: order must come from the proxy, not the timing.
    setTimeout(() => res.end(`answer ${request.url}`), request.url === '/1' ? 100 : 0);
  });
  const proxy = await proxyTo(upstream.port);
  try {
    const client = await new Promise<Socket>((resolve) => {
      const socket: Socket = openClient(proxy.port, () => resolve(socket));
    });
    let got = '';
    client.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    client.write(
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    await new Promise((resolve) => client.once('close', resolve));
    const bodies = [...got.matchAll(/answer \/\d/g)].map((match) => match[0]);
    assert.deepEqual(bodies, ['answer /1', 'answer /2', 'answer /3']);
    const id = await proxy.connectionId();
    await waitFor(() => proxy.of('response', id).length === 3, 5000, 'three responses');
    assert.deepEqual(
      proxy.of('response', id).map((event) => event.index),
      [0, 1, 2],
    );
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('proxy deadlines: a head too slow gets 408, a kept-alive connection idle too long is closed', async () => {
  const upstream = await httpUpstream((_request, _body, res) => res.end('ok'));
  const proxy = await proxyTo(upstream.port, {
    limits: { headerTimeoutMs: 300, idleTimeoutMs: 600 },
  });
  try {
    // Answered, then idle: closed after the idle deadline, not the (shorter) head one.
    const idle = await new Promise<Socket>((resolve) => {
      const socket: Socket = openClient(proxy.port, () => resolve(socket));
    });
    let answered = '';
    idle.on('data', (chunk: Buffer) => (answered += chunk.toString('latin1')));
    idle.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => answered.endsWith('ok'), 5000, 'answer');
    const since = Date.now();
    const idleId = await proxy.connectionId(0);
    const idleClose = await proxy.closed(idleId, 5000);
    assert.equal(idleClose.reason, 'idle-timeout');
    assert.ok(Date.now() - since >= 500, `closed after ${Date.now() - since} ms`);
    // Half a head: 408 once the head deadline passes.
    const slow = await new Promise<Socket>((resolve) => {
      const socket: Socket = openClient(proxy.port, () => resolve(socket));
    });
    let got = '';
    slow.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    slow.write('GET /b HTTP/1.1\r\nHo');
    const slowId = await proxy.connectionId(1);
    const slowClose = await proxy.closed(slowId, 5000);
    assert.equal(slowClose.reason, 'header-timeout');
    assert.match(got, /^HTTP\/1\.1 408 /);
    assert.equal(upstream.requests.length, 1);
    idle.destroy();
    slow.destroy();
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

function openClient(port: number, ready: () => void): Socket {
  return connectTcp(port, '127.0.0.1', ready);
}

test('never a smuggling relay: ambiguous framing is refused and nothing reaches the upstream', async () => {
  const upstream = await httpUpstream((_request, _body, res) => res.end('reached'));
  const proxy = await proxyTo(upstream.port);
  try {
    for (const head of [
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n',
    ]) {
      const client = await new Promise<Socket>((resolve) => {
        const socket: Socket = openClient(proxy.port, () => resolve(socket));
      });
      let got = '';
      client.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
      client.write(head);
      await new Promise((resolve) => client.once('close', resolve));
      assert.match(got, /^HTTP\/1\.1 400 /, JSON.stringify(head));
    }
    assert.equal(upstream.requests.length, 0);
    assert.equal(upstream.connections, 0);
  } finally {
    await proxy.stop();
    await upstream.close();
  }
});

test('a chunked body keeps its other transfer codings on the next hop', () => {
  const { text } = requestHead({
    method: 'POST',
    target: '/',
    fields: [
      ['Host', 'x'],
      ['Transfer-Encoding', 'gzip, chunked'],
      ['Connection', 'keep-alive, X-Hop'],
      ['X-Hop', '1'],
      ['X-End', '2'],
    ],
    framing: 'chunked',
    host: null,
    upgrade: false,
  });
  assert.equal(
    text,
    'POST / HTTP/1.1\r\nHost: x\r\nX-End: 2\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
  );
});
