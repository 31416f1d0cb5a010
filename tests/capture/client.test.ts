import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { replay, requestMethods, type ReplayProgress } from '../../src-main/capture/client';

type Handler = (socket: Socket, received: () => Buffer) => void;

/** A raw TCP server whose answer is scripted per test; returns its port. */
async function rawServer(handler: Handler, servers: Server[]): Promise<number> {
  const server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    handler(socket, () => Buffer.concat(chunks));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return address.port;
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
});

const GET = Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n');

function target(port: number, tls = false, insecure = false) {
  return { host: '127.0.0.1', port, tls, insecure };
}

/** Answers `reply` once the request's empty line has arrived. */
function replyAfterHead(reply: string | Buffer, thenClose = false): Handler {
  return (socket, received) => {
    socket.on('data', () => {
      if (received().includes('\r\n\r\n')) {
        socket.write(reply);
        if (thenClose) socket.end();
      }
    });
  };
}

test('a Content-Length response is parsed and the phases are timed in order', async () => {
  const port = await rawServer(
    replyAfterHead('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello'),
    servers,
  );
  const progress: ReplayProgress[] = [];
  const result = await replay({ target: target(port), bytes: GET }, (p) => progress.push(p));
  assert.equal(result.ok, true, JSON.stringify(result.error));
  assert.equal(result.error, null);
  assert.equal(result.responses.length, 1);
  assert.deepEqual(result.responses[0].head, {
    version: 'HTTP/1.1',
    status: 200,
    reason: 'OK',
    headers: [
      ['Content-Length', '5'],
      ['X-A', 'b'],
    ],
  });
  assert.equal(Buffer.from(result.responses[0].body).toString(), 'hello');
  const t = result.timings;
  assert.equal(t.dns, null, 'no lookup for an IP address');
  assert.equal(t.tls, null);
  assert.ok(t.connect !== null && t.firstByte !== null && t.complete !== null);
  assert.ok(t.connect <= t.firstByte && t.firstByte <= t.complete);
  assert.ok(progress.some((p) => p.type === 'data' && p.direction === 'out'));
  assert.ok(result.localPort > 0);
});

test('a chunked response body is decoded; the raw bytes are kept as received', async () => {
  const raw =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n';
  const port = await rawServer(replyAfterHead(raw), servers);
  const result = await replay({ target: target(port), bytes: GET });
  assert.equal(result.ok, true);
  assert.equal(Buffer.from(result.responses[0].body).toString(), 'abcdefg');
  assert.equal(Buffer.from(result.response).toString(), raw);
  assert.deepEqual(result.responses[0].span, { offset: 0, length: raw.length });
});

test('a close-delimited body completes when the server closes', async () => {
  const port = await rawServer(
    replyAfterHead('HTTP/1.0 200 OK\r\n\r\nuntil the end', true),
    servers,
  );
  const result = await replay({
    target: target(port),
    bytes: Buffer.from('GET / HTTP/1.0\r\n\r\n'),
  });
  assert.equal(result.ok, true);
  assert.equal(Buffer.from(result.responses[0].body).toString(), 'until the end');
});

test('pipelined requests get all their responses, with HEAD framed correctly, without waiting for a close', async () => {
  const answer = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc';
  const headAnswer = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n';
  const port = await rawServer((socket, received) => {
    socket.on('data', () => {
      if (received().toString().split('\r\n\r\n').length - 1 === 3)
        socket.write(answer + headAnswer + answer);
    });
  }, servers);
  const bytes = Buffer.from(`${GET}HEAD / HTTP/1.1\r\nHost: e\r\n\r\n${GET}`);
  assert.deepEqual(requestMethods(bytes), ['GET', 'HEAD', 'GET']);
  const started = Date.now();
  const result = await replay({ target: target(port), bytes, responseTimeoutMs: 5000 });
  assert.ok(Date.now() - started < 2000, 'finished on the last response, not on a timeout');
  assert.equal(result.error, null);
  assert.deepEqual(
    result.responses.map((r) => Buffer.from(r.body).toString()),
    ['abc', '', 'abc'],
  );
});

test('an interim 100 Continue is followed by the final response', async () => {
  const port = await rawServer(
    replyAfterHead(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
    ),
    servers,
  );
  const result = await replay({ target: target(port), bytes: GET });
  assert.deepEqual(
    result.responses.map((r) => r.head.status),
    [100, 201],
  );
  assert.equal(result.error, null);
});

test('a reply that is not HTTP is kept as raw bytes with the engine error', async () => {
  const port = await rawServer((socket) => {
    socket.on('data', () => socket.end('you said something\n'));
  }, servers);
  const result = await replay({ target: target(port), bytes: Buffer.from('hello server\n') });
  assert.equal(result.ok, true);
  assert.equal(result.expectedResponses, null);
  assert.equal(Buffer.from(result.response).toString(), 'you said something\n');
  assert.ok(result.parseError, 'the engine reports why it is not HTTP');
  assert.equal(result.responses.length, 0);
});

test('a refused connection is a result, not a throw', async () => {
  const port = await rawServer(() => undefined, servers);
  servers.pop()?.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const result = await replay({ target: target(port), bytes: GET });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'ECONNREFUSED');
  assert.match(result.error?.message ?? '', /refused/);
});

test('a name that does not resolve is a DNS failure', async () => {
  const result = await replay({
    target: { host: 'no-such-host.invalid', port: 80, tls: false, insecure: false },
    bytes: GET,
    connectTimeoutMs: 5000,
  });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'DNS_FAILED');
});

test('a server that never answers ends in a response timeout, keeping what arrived', async () => {
  const port = await rawServer((socket) => {
    socket.once('data', () =>
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'),
    );
  }, servers);
  const result = await replay({ target: target(port), bytes: GET, responseTimeoutMs: 150 });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'RESPONSE_TIMEOUT');
  assert.match(Buffer.from(result.response).toString(), /partial$/);
});

test('bad targets are refused without connecting', async () => {
  const result = await replay({
    target: { host: '', port: 0, tls: false, insecure: false },
    bytes: GET,
  });
  assert.equal(result.error?.code, 'INVALID_TARGET');
});

let tlsServer: TlsServer;
let tlsPort = 0;
before(async () => {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048 });
  tlsServer = createTlsServer({ key: pems.private, cert: pems.cert }, (socket) => {
    socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const address = tlsServer.address();
  assert.ok(address && typeof address === 'object');
  tlsPort = address.port;
});
after(() => tlsServer?.close());

test('TLS with --insecure accepts a self-signed certificate and times the handshake', async () => {
  const result = await replay({ target: target(tlsPort, true, true), bytes: GET });
  assert.equal(result.error, null);
  assert.equal(Buffer.from(result.responses[0].body).toString(), 'ok');
  const t = result.timings;
  assert.ok(t.connect !== null && t.tls !== null && t.firstByte !== null);
  assert.ok(t.connect <= t.tls && t.tls <= t.firstByte);
});

test('TLS without --insecure refuses a self-signed certificate', async () => {
  const result = await replay({ target: target(tlsPort, true, false), bytes: GET });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'TLS_FAILED');
});

test('TLS against a plain server fails clearly', async () => {
  const port = await rawServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  }, servers);
  const result = await replay({
    target: target(port, true, true),
    bytes: GET,
    connectTimeoutMs: 2000,
  });
  assert.equal(result.ok, false);
  assert.equal(result.error?.code, 'TLS_FAILED');
});
