// Forward rules whose edits are only to heads, in front of real Node http upstreams on 127.0.0.1:
// their messages stream through the proxy (large bodies both ways, keep-alive and the pooled
// upstream connection kept), the edits reach the heads, the framing stays the proxy's own, and the
// exchange is recorded with the rule's id. A rule that replaces a body still holds both messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { CaptureEvent } from '../../src-main/capture/events';
import { CaptureServer } from '../../src-main/capture/server';
import { DEFAULT_LIMITS } from '../../src-main/capture/settings';
import { isProxyOwned, restatus } from '../../src-main/capture/proxy-heads';
import {
  edit,
  editFields,
  requestBytes,
  responseBytes,
} from '../../src-main/capture/rule-messages';
import { ExchangeBook } from '../../src-main/host/exchanges';
import type {
  CoreEvent,
  MessageEdits,
  ResponderRule,
  ResponseEdits,
} from '../../src-main/protocol/types';
import {
  rawClient,
  recordingUpstream as upstream,
  startServer,
  waitFor,
  type RecordingUpstream as Upstream,
  type TestServer,
} from './helpers';

const NO_EDITS: MessageEdits = { setHeaders: [], removeHeaders: [], body: null };

function forwardRule(
  request: Partial<MessageEdits> = {},
  response: Partial<ResponseEdits> = {},
  extra: Partial<ResponderRule> = {},
): ResponderRule {
  return {
    id: 'r-stream',
    enabled: true,
    name: 'add a header',
    match: { method: '*', path: '/api', mode: 'prefix' },
    response: {
      kind: 'forward',
      request: { ...NO_EDITS, ...request },
      response: { ...NO_EDITS, status: null, ...response },
    },
    delayMs: 0,
    ...extra,
  };
}

const MiB = 1024 * 1024;

/** The k-th MiB of a large body: made again on each side, never held whole. */
function piece(k: number): Buffer {
  const bytes = Buffer.alloc(MiB, k % 251);
  bytes.writeUInt32BE(k, 0);
  bytes.writeUInt32BE(k, MiB - 4);
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function piecesHash(count: number): string {
  const hash = createHash('sha256');
  for (let k = 0; k < count; k++) hash.update(piece(k));
  return hash.digest('hex');
}

/** Writes pieces [from, to) with the response's backpressure. */
async function writePieces(
  res: ServerResponse,
  from: number,
  to: number,
  onPiece: () => void = () => undefined,
): Promise<void> {
  for (let k = from; k < to; k++) {
    const taken = res.write(piece(k));
    onPiece();
    if (!taken) await new Promise((done) => res.once('drain', done));
  }
}

/** A response read off a raw socket: its head as text, its body hashed as it comes. */
interface Reading {
  head: string;
  length: number;
  sha256: string;
  /** Bytes sampled at these body offsets. */
  samples: Map<number, number>;
}

function readResponse(
  socket: Socket,
  sampleAt: number[],
  onBody: (length: number) => void,
): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let headBytes: Buffer | null = Buffer.alloc(0);
    let head = '';
    let length = 0;
    const samples = new Map<number, number>();
    const body = (bytes: Buffer): void => {
      for (const at of sampleAt) {
        if (at >= length && at < length + bytes.length) samples.set(at, bytes[at - length]!);
      }
      hash.update(bytes);
      length += bytes.length;
      onBody(length);
    };
    socket.on('data', (chunk: Buffer) => {
      if (headBytes === null) {
        body(chunk);
        return;
      }
      headBytes = Buffer.concat([headBytes, chunk]);
      const end = headBytes.indexOf('\r\n\r\n');
      if (end < 0) return;
      head = headBytes.subarray(0, end).toString('latin1');
      const rest = headBytes.subarray(end + 4);
      headBytes = null;
      if (rest.length > 0) body(rest);
    });
    socket.on('end', () => resolve({ head, length, sha256: hash.digest('hex'), samples }));
    socket.on('error', reject);
  });
}

function header(head: string, name: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

/** A proxy in front of `up` that keeps its events but not the bytes of its `data` events. */
async function leanProxy(
  up: Upstream,
  rules: ResponderRule[],
): Promise<{ port: number; events: CaptureEvent[]; stop(): Promise<unknown> }> {
  const events: CaptureEvent[] = [];
  const server = new CaptureServer({
    settings: { host: '127.0.0.1', port: 0, upstream: `http://127.0.0.1:${up.port}` },
    rules,
    onEvent: (event) => {
      if (event.type !== 'data') events.push(event);
    },
  });
  const state = await server.start();
  if (state.status !== 'listening') throw new Error(`no proxy: ${JSON.stringify(state)}`);
  return { port: state.port, events, stop: () => server.stop() };
}

test('a rule that sets a request header streams a 50 MiB answer: byte-exact, first bytes before the upstream sent it all, memory bounded', async () => {
  const pieces = 50;
  let clientGotBytes: () => void = () => undefined;
  const gotBytes = new Promise<void>((done) => (clientGotBytes = done));
  /** Whether the client had body bytes while the upstream still held most of the body. */
  let streamedEarly = false;
  /** Pieces the upstream's writes have taken so far. */
  let written = 0;
  const up = await upstream((_req, res) => {
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(pieces * MiB));
    void (async () => {
      const onPiece = (): void => void written++;
      await writePieces(res, 0, 2, onPiece);
      // Until the client has seen body bytes (or 10 s, so a held answer still ends), the rest waits.
      streamedEarly = await Promise.race([
        gotBytes.then(() => true),
        new Promise<boolean>((done) => setTimeout(() => done(false), 10_000)),
      ]);
      await writePieces(res, 2, pieces, onPiece);
      res.end();
    })();
  });
  const proxy = await leanProxy(up, [forwardRule({ setHeaders: [['X-Debug', 'on']] })]);
  try {
    const socket = connect({ port: proxy.port, host: '127.0.0.1' });
    const sampleAt = [0, 3, MiB - 1, 7 * MiB + 5, 33 * MiB, pieces * MiB - 1];
    let paused = false;
    const reading = readResponse(socket, sampleAt, (length) => {
      if (length === 0 || paused) return;
      // The client stops reading: the proxy must stop reading the upstream, not gather its body.
      paused = true;
      socket.pause();
      clientGotBytes();
    });
    socket.write('GET /api/big HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n');
    await waitFor(() => paused, 15_000, 'the first body bytes');
    // Wait until the upstream's writes stop being taken (backpressure), or it wrote it all.
    let last = -1;
    while (written !== last && written < pieces) {
      last = written;
      await new Promise((done) => setTimeout(done, 300));
    }
    const inFlight = written;
    socket.resume();
    const got = await reading;
    socket.destroy();
    assert.ok(streamedEarly, 'the client had body bytes before the upstream sent most of the body');
    assert.ok(
      inFlight <= 30,
      `${inFlight} MiB of ${pieces} left the upstream while the client read nothing`,
    );
    assert.match(got.head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.deepEqual(header(got.head, 'content-length'), [String(pieces * MiB)]);
    assert.equal(got.length, pieces * MiB);
    assert.equal(got.sha256, piecesHash(pieces));
    for (const at of sampleAt) {
      const k = Math.floor(at / MiB);
      assert.equal(got.samples.get(at), piece(k)[at % MiB], `byte ${at}`);
    }
    assert.equal(up.seen[0]!.headers['x-debug'], 'on');
    process.stdout.write(`# ${inFlight} MiB left the upstream while the client read nothing\n`);
    const response = proxy.events.find((event) => event.type === 'response');
    assert.equal(response?.type === 'response' && response.ruleId, 'r-stream');
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('an upload larger than a rule could hold streams to the upstream with the set header', async () => {
  const up = await upstream((req, res) => res.end(`got ${req.headers['x-debug']}`));
  const proxy = await startServer({
    settings: {
      upstream: `http://127.0.0.1:${up.port}`,
      limits: { ...DEFAULT_LIMITS, maxBodyInMemoryBytes: 64 * 1024 },
    },
    rules: [forwardRule({ setHeaders: [['X-Debug', 'up']] })],
  });
  try {
    const client = await rawClient(proxy.port);
    const pieces = 4;
    await client.send(
      `PUT /api/upload HTTP/1.1\r\nHost: h\r\nContent-Length: ${pieces * MiB}\r\nConnection: close\r\n\r\n`,
    );
    for (let k = 0; k < pieces; k++) await client.send(piece(k));
    const answer = await client.ended(10_000);
    client.close();
    assert.match(answer.toString('latin1'), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ngot up$/);
    assert.equal(up.seen[0]!.body.length, pieces * MiB);
    assert.equal(sha256(up.seen[0]!.body), piecesHash(pieces));
    assert.equal(up.seen[0]!.headers['content-length'], String(pieces * MiB));
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('keep-alive: two requests on one client connection reach the upstream on one pooled connection', async () => {
  const up = await upstream((req, res) =>
    res.end(`${req.method} ${req.url} ${req.headers['x-debug']}`),
  );
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [forwardRule({ setHeaders: [['X-Debug', 'ka']], removeHeaders: ['Cookie'] })],
  });
  try {
    const client = await rawClient(proxy.port);
    await client.send('GET /api/one HTTP/1.1\r\nHost: h\r\nCookie: c=1\r\n\r\n');
    await client.until((bytes) => bytes.toString().endsWith('GET /api/one ka'));
    await client.send(
      'POST /api/two HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    await client.until((bytes) => bytes.toString().endsWith('POST /api/two ka'));
    client.close();
    assert.equal(up.seen.length, 2);
    assert.equal(up.connections, 1, 'one upstream connection served both');
    for (const seen of up.seen) {
      assert.equal(seen.headers['x-debug'], 'ka');
      assert.equal(seen.headers.cookie, undefined);
      assert.notEqual(seen.headers.connection, 'close', 'not the held path (Connection: close)');
    }
    assert.equal(up.seen[1]!.body.length, 5);
    assert.equal(up.seen[1]!.headers['transfer-encoding'], 'chunked');
  } finally {
    await proxy.stop();
    await up.close();
  }
});

/** The upstream's answer for the response-edit tests: chunked, in two pieces. */
const twoPieces = (_req: IncomingMessage, res: ServerResponse): void => {
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('X-Upstream', 'yes');
  res.write('hello ');
  setTimeout(() => res.end('world'), 20);
};

async function oneExchange(proxy: TestServer, request: string): Promise<string> {
  const client = await rawClient(proxy.port);
  await client.send(request);
  const answer = await client.ended(10_000);
  client.close();
  return answer.toString('latin1');
}

test('response edits: the status (with its reason) and set and removed fields reach the client, the body streamed', async () => {
  const up = await upstream(twoPieces);
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [
      forwardRule(
        {},
        { status: 202, setHeaders: [['X-Edited', 'yes']], removeHeaders: ['x-upstream'] },
      ),
    ],
  });
  try {
    const text = await oneExchange(
      proxy,
      'GET /api/r HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    const [head, body] = text.split('\r\n\r\n', 2) as [string, string];
    assert.match(head, /^HTTP\/1\.1 202 Accepted\r\n/);
    assert.deepEqual(header(head, 'x-edited'), ['yes']);
    assert.deepEqual(header(head, 'x-upstream'), []);
    // Streamed, so the upstream's chunked framing is written anew rather than counted whole.
    assert.deepEqual(header(head, 'transfer-encoding'), ['chunked']);
    assert.ok(text.endsWith('6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n'), JSON.stringify(body));
    const id = await proxy.connectionId();
    await proxy.closed(id);
    const response = proxy.of('response', id)[0]!;
    assert.equal(response.head?.status, 202);
    assert.equal(response.head?.reason, 'Accepted');
    assert.deepEqual(
      response.head?.headers.find(([name]) => name === 'X-Edited'),
      ['X-Edited', 'yes'],
    );
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('edits naming the framing or hop-by-hop fields change nothing of it, as on the held path', async () => {
  const up = await upstream((_req, res) => {
    res.setHeader('Content-Length', '11');
    res.end('hello world');
  });
  const request = {
    setHeaders: [
      ['Content-Length', '3'],
      ['Transfer-Encoding', 'chunked'],
      ['Connection', 'X-Kept'],
    ] as [string, string][],
    removeHeaders: ['content-length'],
  };
  const response = {
    setHeaders: [
      ['Content-Length', '4'],
      ['Transfer-Encoding', 'chunked'],
    ] as [string, string][],
    removeHeaders: ['Content-Length'],
  };
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [forwardRule(request, response)],
  });
  try {
    const client = await rawClient(proxy.port);
    await client.send(
      'POST /api/f HTTP/1.1\r\nHost: h\r\nX-Kept: k\r\nContent-Length: 10\r\n\r\n0123456789',
    );
    await client.until((bytes) => bytes.toString().endsWith('hello world'));
    // The connection is still in step: a second request gets its own answer.
    await client.send('POST /api/g HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab');
    await client.until((bytes) => bytes.toString().split('hello world').length === 3);
    const text = client.received().toString('latin1');
    client.close();
    const [head] = text.split('\r\n\r\n', 1) as [string];
    assert.deepEqual(header(head, 'content-length'), ['11']);
    assert.deepEqual(header(head, 'transfer-encoding'), []);
    assert.equal(up.seen.length, 2);
    const seen = up.seen[0]!;
    assert.equal(seen.body.length, 10);
    assert.equal(seen.headers['content-length'], '10');
    assert.equal(seen.headers['transfer-encoding'], undefined);
    assert.equal(seen.headers['x-kept'], 'k');
    assert.equal(up.seen[1]!.body.length, 2);

    // The held path gives the same framing for the same edits (its messages are whole there).
    const fields: [string, string][] = [
      ['Host', 'h'],
      ['X-Kept', 'k'],
      ['Content-Length', '10'],
    ];
    const edited = await edit(fields, Buffer.from('0123456789'), { ...request, body: null }, '.');
    assert.ok(typeof edited !== 'string');
    const held = {
      method: 'POST',
      target: '/api/f',
      versionMinor: 1,
      keepAlive: true,
      headers: edited.headers,
      body: edited.body,
    };
    const address = { host: '127.0.0.1', port: up.port, tls: false };
    const sent = requestBytes(held, '/api/f', null, address).toString('latin1');
    assert.deepEqual(header(sent, 'content-length'), ['10']);
    assert.deepEqual(header(sent, 'transfer-encoding'), []);
    assert.deepEqual(header(sent, 'x-kept'), ['k']);
    const answer = await edit(
      [['Content-Length', '11']],
      Buffer.from('hello world'),
      {
        ...response,
        body: null,
      },
      '.',
    );
    assert.ok(typeof answer !== 'string');
    const written = responseBytes(
      { status: 200, reason: 'OK', headers: answer.headers, body: answer.body! },
      held,
      false,
    );
    assert.deepEqual(
      written.head.headers.filter(([name]) => /content-length|transfer-encoding/i.test(name)),
      [['Content-Length', '11']],
    );
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a status a rule sets has the framing it calls for: 204 passes no body, 200 for a 304 an empty one', async () => {
  const up = await upstream((req, res) => {
    if (req.url === '/api/not-modified') {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', '5');
    res.end('body!');
  });
  const noContent = forwardRule({}, { status: 204 }, { id: 'r-204' });
  const made = forwardRule(
    {},
    { status: 200 },
    { id: 'r-200', match: { method: '*', path: '/api/not-modified', mode: 'exact' } },
  );
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [made, noContent],
  });
  try {
    const client = await rawClient(proxy.port);
    await client.send('GET /api/x HTTP/1.1\r\nHost: h\r\n\r\n');
    await client.until((bytes) => bytes.includes('\r\n\r\n'));
    await client.send('GET /api/not-modified HTTP/1.1\r\nHost: h\r\n\r\n');
    await client.until((bytes) => bytes.toString().split('\r\n\r\n').length === 3);
    await client.send('GET /other HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    const text = (await client.ended(10_000)).toString('latin1');
    client.close();
    const [first, second, third] = text.split(/(?=HTTP\/1\.1 )/) as [string, string, string];
    assert.match(first, /^HTTP\/1\.1 204 No Content\r\n/);
    assert.ok(first.endsWith('\r\n\r\n'), 'no body after the 204');
    assert.deepEqual(header(first, 'content-length'), []);
    assert.match(second, /^HTTP\/1\.1 200 OK\r\n/);
    assert.deepEqual(header(second, 'content-length'), ['0']);
    assert.ok(second.endsWith('\r\n\r\n'));
    assert.match(third, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nbody!$/);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('the delay of a streamed forward rule applies before the request goes upstream', async () => {
  let reachedAt = 0;
  const up = await upstream((_req, res) => {
    reachedAt = Date.now();
    res.end('late');
  });
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [forwardRule({ setHeaders: [['X-Debug', 'd']] }, {}, { delayMs: 300 })],
  });
  try {
    const sentAt = Date.now();
    const text = await oneExchange(
      proxy,
      'POST /api/d HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc',
    );
    assert.ok(text.endsWith('\r\n\r\nlate'), text);
    assert.ok(reachedAt - sentAt >= 280, `reached the upstream after ${reachedAt - sentAt} ms`);
    assert.equal(up.seen[0]!.body.length, 3);
    assert.equal(up.seen[0]!.headers['x-debug'], 'd');
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a rule that replaces a body still holds the messages (the replay client, Connection: close)', async () => {
  const up = await upstream((req, res) => res.end(`saw ${req.headers.connection}`));
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [forwardRule({}, { body: { type: 'text', text: 'replaced' } }, { id: 'r-held' })],
  });
  try {
    const client = await rawClient(proxy.port);
    await client.send('GET /api/a HTTP/1.1\r\nHost: h\r\n\r\n');
    await client.until((bytes) => bytes.toString().endsWith('replaced'));
    await client.send('GET /api/b HTTP/1.1\r\nHost: h\r\n\r\n');
    await client.until((bytes) => bytes.toString().split('replaced').length === 3);
    const text = client.received().toString('latin1');
    client.close();
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 8\r\n/);
    assert.equal(up.connections, 2, 'a fresh upstream connection for each held request');
    assert.ok(up.seen.every((seen) => seen.headers.connection === 'close'));
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a streamed rule forward is recorded with the rule’s id, in the event and the exchange summary', async () => {
  const up = await upstream(twoPieces);
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${up.port}` },
    rules: [forwardRule({ setHeaders: [['Authorization', 'Bearer t']] })],
  });
  try {
    const client = await rawClient(proxy.port);
    await client.send('GET /api/rec HTTP/1.1\r\nHost: h\r\n\r\n');
    await client.until((bytes) => bytes.toString().endsWith('0\r\n\r\n'));
    await client.send('GET /unruled HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    await client.ended(10_000);
    client.close();
    assert.equal(up.seen[0]!.headers.authorization, 'Bearer t');
    assert.equal(up.seen[1]!.headers.authorization, undefined);
    const id = await proxy.connectionId();
    await proxy.closed(id);
    const responses = proxy.of('response', id);
    assert.deepEqual(
      responses.map((event) => event.ruleId),
      ['r-stream', null],
    );
    const exchanges = new ExchangeBook();
    const announced: CoreEvent[] = [];
    for (const event of proxy.events)
      exchanges.apply(event, (core: CoreEvent) => announced.push(core));
    const last = new Map<number, string | null>();
    for (const core of announced) {
      if (core.type === 'exchange' && core.exchange.connectionId === id)
        last.set(core.exchange.indexOnConnection, core.exchange.ruleId);
    }
    assert.equal(last.get(0), 'r-stream');
    assert.equal(last.get(1), null);
    await waitFor(() => up.seen.length === 2);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('an upstream that cannot be reached gives a streamed rule’s request a 502 recorded with the rule', async () => {
  const gone = await upstream((_req, res) => res.end());
  const port = gone.port;
  await gone.close();
  const proxy = await startServer({
    settings: { upstream: `http://127.0.0.1:${port}` },
    rules: [forwardRule({ setHeaders: [['X-Debug', 'x']] })],
  });
  try {
    const text = await oneExchange(proxy, 'GET /api/x HTTP/1.1\r\nHost: h\r\n\r\n');
    assert.match(text, /^HTTP\/1\.1 502 /);
    const id = await proxy.connectionId();
    await proxy.closed(id);
    assert.equal(proxy.of('response', id)[0]!.ruleId, 'r-stream');
  } finally {
    await proxy.stop();
  }
});

test('heads as data: which fields an edit may not touch, and the framing a new status calls for', () => {
  for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'TE', 'Upgrade']) {
    assert.equal(isProxyOwned(name), true, name);
  }
  for (const name of ['Authorization', 'Host', 'Content-Type', 'Content-Encoding', 'X-Length']) {
    assert.equal(isProxyOwned(name), false, name);
  }
  assert.deepEqual(
    editFields(
      [
        ['Host', 'h'],
        ['Content-Length', '5'],
        ['X-Old', 'o'],
      ],
      {
        setHeaders: [
          ['content-length', '1'],
          ['Keep-Alive', 'timeout=1'],
          ['Authorization', 'Bearer t'],
        ],
        removeHeaders: ['Content-Length', 'x-old'],
      },
    ),
    [
      ['Host', 'h'],
      ['Content-Length', '5'],
      ['Authorization', 'Bearer t'],
    ],
  );
  const sized: [string, string][] = [
    ['Content-Type', 'text/plain'],
    ['Content-Length', '5'],
  ];
  assert.deepEqual(restatus(sized, 'content-length', 404, false), {
    fields: sized,
    framing: 'content-length',
  });
  assert.deepEqual(restatus(sized, 'content-length', 304, false), {
    fields: [['Content-Type', 'text/plain']],
    framing: 'none',
  });
  assert.deepEqual(restatus(sized, 'none', 200, false), {
    fields: [
      ['Content-Type', 'text/plain'],
      ['Content-Length', '0'],
    ],
    framing: 'content-length',
  });
  // An answer to HEAD keeps its Content-Length (the GET body's) and has no body either way.
  assert.deepEqual(restatus(sized, 'none', 204, true), { fields: sized, framing: 'none' });
});
