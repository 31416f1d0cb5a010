// Rule actions beside an answer: forward with edits (reverse and forward proxy, real Node http
// upstreams on 127.0.0.1), break (held, released edited, by its timeout, aborted) and fail
// (reset, close, delay), with raw TCP clients that see exactly what comes back, and curl through
// an intercepting forward proxy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { connect } from 'node:net';
import { execFile } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCa } from '../../src-main/capture/ca';
import { edit, requestBytes, responseBytes } from '../../src-main/capture/rule-messages';
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';
import { DEFAULT_LIMITS } from '../../src-main/capture/settings';
import {
  recordingUpstream as upstream,
  startServer,
  waitFor,
  type RecordingUpstream as Upstream,
  type TestServer,
} from './helpers';

/** A chunked answer in two pieces, so forwarded framing must be written anew. */
const chunkedHello = (_req: IncomingMessage, res: ServerResponse): void => {
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('X-Upstream', 'yes');
  res.write('hello ');
  res.end('world');
};

interface Outcome {
  bytes: Buffer;
  /** How the connection ended for the client: a FIN, a reset, or still open at the deadline. */
  end: 'eof' | 'reset' | 'open';
  /** When the first byte (or the end, without bytes) came, ms after sending. */
  firstMs: number;
}

/** Sends `request` on a fresh connection and reads until the server ends it. */
function exchange(port: number, request: string | Buffer, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const sentAt = Date.now();
    let firstMs = -1;
    let settled = false;
    const finish = (end: Outcome['end']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (firstMs < 0) firstMs = Date.now() - sentAt;
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), end, firstMs });
    };
    const timer = setTimeout(() => finish('open'), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      if (firstMs < 0) firstMs = Date.now() - sentAt;
      chunks.push(chunk);
    });
    socket.on('end', () => finish('eof'));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNRESET' ? 'reset' : 'eof'),
    );
    socket.write(request);
  });
}

function rule(response: RuleResponse, extra: Partial<ResponderRule> = {}): ResponderRule {
  return {
    id: `r-${response.kind}`,
    enabled: true,
    name: `${response.kind} rule`,
    match: { method: '*', path: '/api', mode: 'prefix' },
    response,
    delayMs: 0,
    ...extra,
  };
}

const NO_EDITS = { setHeaders: [], removeHeaders: [], body: null };

/** Splits a response into head text and body bytes. */
function split(bytes: Buffer): { head: string; body: Buffer } {
  const end = bytes.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no head in ${JSON.stringify(bytes.toString('latin1'))}`);
  return { head: bytes.subarray(0, end).toString('latin1'), body: bytes.subarray(end + 4) };
}

function header(head: string, name: string): string[] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

async function proxyTo(up: Upstream, rules: ResponderRule[]): Promise<TestServer> {
  return startServer({ settings: { upstream: `http://127.0.0.1:${up.port}` }, rules });
}

test('forward with edits: request headers and body, response status, headers and body, framing written anew', async () => {
  const up = await upstream(chunkedHello);
  const proxy = await proxyTo(up, [
    rule({
      kind: 'forward',
      request: {
        setHeaders: [
          ['X-Added', 'one'],
          ['User-Agent', 'edited-agent'],
        ],
        removeHeaders: ['X-Secret'],
        body: { type: 'text', text: 'replaced body' },
      },
      response: {
        setHeaders: [['X-Edited', 'yes']],
        removeHeaders: ['X-Upstream'],
        body: { type: 'text', text: 'new answer!' },
        status: 418,
      },
    }),
  ]);
  try {
    const sent =
      'POST /api/x HTTP/1.1\r\nHost: example.test\r\nUser-Agent: raw\r\nX-Secret: s\r\n' +
      'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    const out = await exchange(proxy.port, sent);
    const { head, body } = split(out.bytes);
    assert.match(head, /^HTTP\/1\.1 418 /);
    assert.deepEqual(header(head, 'content-length'), ['11']);
    assert.deepEqual(header(head, 'transfer-encoding'), []);
    assert.deepEqual(header(head, 'x-edited'), ['yes']);
    assert.deepEqual(header(head, 'x-upstream'), []);
    assert.equal(body.toString(), 'new answer!');
    assert.equal(out.end, 'eof');
    const seen = up.seen[0]!;
    assert.equal(seen.body.toString(), 'replaced body');
    assert.equal(seen.headers['content-length'], '13');
    assert.equal(seen.headers['transfer-encoding'], undefined);
    assert.equal(seen.headers['x-added'], 'one');
    assert.equal(seen.headers['user-agent'], 'edited-agent');
    assert.equal(seen.headers['x-secret'], undefined);
    assert.equal(seen.headers.host, 'example.test');
    // What the client sent is recorded as it came; what was sent back is what the client got.
    const id = await proxy.connectionId();
    await proxy.closed(id);
    assert.equal(proxy.stream(id, 'in').toString('latin1'), sent);
    assert.deepEqual(proxy.stream(id, 'out'), out.bytes);
    const response = proxy.of('response', id)[0]!;
    assert.equal(response.ruleId, 'r-forward');
    assert.equal(response.head?.status, 418);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('forward without body edits streams: a chunked upstream answer stays chunked; keep-alive goes on', async () => {
  const up = await upstream(chunkedHello);
  const proxy = await proxyTo(up, [
    rule({ kind: 'forward', request: NO_EDITS, response: { ...NO_EDITS, status: null } }),
  ]);
  try {
    const socket = connect({ port: proxy.port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.write('GET /api/a HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => Buffer.concat(chunks).toString().endsWith('0\r\n\r\n'), 5000, 'first');
    socket.write('GET /other HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    await new Promise((done) => socket.on('close', done));
    const text = Buffer.concat(chunks).toString('latin1');
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    // Nothing edits a body, so it is not held: it streams with its framing written anew.
    assert.match(first!, /Transfer-Encoding: chunked\r\n/);
    assert.doesNotMatch(first!, /Content-Length/i);
    assert.match(first!, /X-Upstream: yes/);
    // The second, unmatched request is proxied as before (the stream keeps its chunking).
    assert.match(second!, /^HTTP\/1\.1 200 /);
    assert.equal(up.seen.length, 2);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('forward through the forward proxy: an absolute-form request goes to its origin, edited', async () => {
  const up = await upstream((req, res) => res.end(`saw ${req.headers['x-via-rule']} ${req.url}`));
  const proxy = await startServer({
    settings: { proxy: true },
    rules: [
      rule({
        kind: 'forward',
        request: { ...NO_EDITS, setHeaders: [['X-Via-Rule', '1']] },
        response: { ...NO_EDITS, status: null },
      }),
    ],
  });
  try {
    const out = await exchange(
      proxy.port,
      `GET http://127.0.0.1:${up.port}/api/q?x=1 HTTP/1.1\r\nHost: 127.0.0.1:${up.port}\r\nConnection: close\r\n\r\n`,
    );
    const { head, body } = split(out.bytes);
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.equal(body.toString(), 'saw 1 /api/q?x=1');
    assert.deepEqual(header(head, 'content-length'), [String(body.length)]);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a forward rule with no upstream answers 502 and says so', async () => {
  const server = await startServer({
    rules: [rule({ kind: 'forward', request: NO_EDITS, response: { ...NO_EDITS, status: null } })],
  });
  try {
    const out = await exchange(server.port, 'GET /api HTTP/1.1\r\nHost: h\r\n\r\n');
    const { head, body } = split(out.bytes);
    assert.match(head, /^HTTP\/1\.1 502 /);
    assert.match(body.toString(), /no upstream/);
    const notice = server.of('notice').find((event) => event.message.key === 'rules.actionFailed');
    assert.ok(notice, 'a notice says why');
    assert.match(notice.message.text, /no upstream/);
  } finally {
    await server.stop();
  }
});

test('break on the request: held, listed, released edited; the upstream gets the edit', async () => {
  const up = await upstream((req, res) =>
    res.end(`got ${req.method} ${req.url} ${req.headers['x-edit']}`),
  );
  const proxy = await proxyTo(up, [
    rule({ kind: 'break', request: true, response: false, timeoutMs: 30_000 }),
  ]);
  try {
    const sent =
      'POST /api/hold HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody';
    const answer = exchange(proxy.port, sent, 10_000);
    await waitFor(() => proxy.server.holds.list().length === 1, 5000, 'the hold');
    const held = proxy.server.holds.list()[0]!;
    assert.equal(held.stage, 'request');
    assert.equal(held.request.method, 'POST');
    assert.equal(held.request.target, '/api/hold');
    assert.equal(Buffer.from(held.request.bodyBase64, 'base64').toString(), 'body');
    assert.equal(up.seen.length, 0, 'nothing reached the upstream while held');
    assert.throws(
      () =>
        proxy.server.holds.release(held.holdId, { request: { ...held.request, method: 'GE T' } }),
      /method/,
    );
    const released = proxy.server.holds.release(held.holdId, {
      request: {
        method: 'PUT',
        target: '/api/edited',
        headers: [...held.request.headers, ['X-Edit', 'e1']],
        bodyBase64: Buffer.from('longer body').toString('base64'),
      },
    });
    assert.equal(released, true);
    const out = await answer;
    assert.equal(split(out.bytes).body.toString(), 'got PUT /api/edited e1');
    assert.equal(up.seen[0]!.body.toString(), 'longer body');
    assert.equal(up.seen[0]!.headers['content-length'], '11');
    assert.equal(proxy.server.holds.list().length, 0);
    const id = await proxy.connectionId();
    await proxy.closed(id);
    assert.equal(proxy.stream(id, 'in').toString('latin1'), sent, 'the capture keeps what came');
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('break on a request whose body is too large to hold: never sent on with a body it does not have', async () => {
  const up = await upstream((req, res) => res.end(`got ${req.method} ${req.url}`));
  const proxy = await startServer({
    settings: {
      upstream: `http://127.0.0.1:${up.port}`,
      limits: { ...DEFAULT_LIMITS, maxBodyInMemoryBytes: 16 },
    },
    rules: [rule({ kind: 'break', request: true, response: false, timeoutMs: 30_000 })],
  });
  try {
    const body = 'x'.repeat(64);
    const sent = `POST /api/big HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const answer = exchange(proxy.port, sent, 10_000);
    await waitFor(() => proxy.server.holds.list().length === 1, 5000, 'the hold');
    const held = proxy.server.holds.list()[0]!;
    proxy.server.holds.release(held.holdId, {
      request: { ...held.request, headers: [...held.request.headers, ['X-Edit', 'e1']] },
    });
    const out = await answer;
    assert.equal(up.seen.length, 0, 'the upstream never got the request with its body replaced');
    assert.match(split(out.bytes).head, /^HTTP\/1\.1 502 /);
    assert.match(split(out.bytes).body.toString(), /too large to hold/);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a replaced or edited body is encoded as the message says (gzip from the upstream)', async () => {
  const up = await upstream((_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync('original answer'));
  });
  const forward = await proxyTo(up, [
    rule({
      kind: 'forward',
      request: NO_EDITS,
      response: { ...NO_EDITS, status: null, body: { type: 'text', text: 'replaced answer' } },
    }),
  ]);
  try {
    const out = await exchange(
      forward.port,
      'GET /api/a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    const { head, body } = split(out.bytes);
    assert.deepEqual(header(head, 'Content-Encoding'), ['gzip']);
    assert.equal(gunzipSync(body).toString(), 'replaced answer');
  } finally {
    await forward.stop();
  }
  const held = await proxyTo(up, [
    rule({ kind: 'break', request: false, response: true, timeoutMs: 30_000 }),
  ]);
  try {
    const answer = exchange(
      held.port,
      'GET /api/b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
      10_000,
    );
    await waitFor(() => held.server.holds.list().length === 1, 5000, 'the hold');
    const item = held.server.holds.list()[0]!;
    assert.equal(item.response!.decodedFrom, 'gzip');
    assert.equal(Buffer.from(item.response!.bodyBase64, 'base64').toString(), 'original answer');
    held.server.holds.release(item.holdId, {
      response: { ...item.response!, bodyBase64: Buffer.from('edited answer').toString('base64') },
    });
    const { head, body } = split((await answer).bytes);
    assert.deepEqual(header(head, 'Content-Encoding'), ['gzip']);
    assert.equal(gunzipSync(body).toString(), 'edited answer');
  } finally {
    await held.stop();
    await up.close();
  }
});

test('break on the response (no upstream: the default site answers): released edited', async () => {
  const server = await startServer({
    rules: [
      rule(
        { kind: 'break', request: false, response: true, timeoutMs: 30_000 },
        { match: { method: 'GET', path: '/', mode: 'exact' } },
      ),
    ],
  });
  try {
    const answer = exchange(
      server.port,
      'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
      10_000,
    );
    await waitFor(() => server.server.holds.list().length === 1, 5000, 'the hold');
    const held = server.server.holds.list()[0]!;
    assert.equal(held.stage, 'response');
    assert.equal(held.response?.status, 200);
    assert.match(Buffer.from(held.response!.bodyBase64, 'base64').toString(), /test\.jpg/);
    server.server.holds.release(held.holdId, {
      response: {
        status: 201,
        reason: 'Made',
        headers: [
          ['Content-Type', 'text/plain'],
          ['Content-Length', '999'],
        ],
        bodyBase64: Buffer.from('edited in the UI').toString('base64'),
      },
    });
    const out = await answer;
    const { head, body } = split(out.bytes);
    assert.match(head, /^HTTP\/1\.1 201 Made\r\n/);
    assert.deepEqual(
      header(head, 'content-length'),
      ['16'],
      'the length is the body’s, not the edit’s',
    );
    assert.equal(body.toString(), 'edited in the UI');
    const id = await server.connectionId();
    await server.closed(id);
    assert.deepEqual(server.stream(id, 'out'), out.bytes, 'what was sent is what is recorded');
  } finally {
    await server.stop();
  }
});

test('break: the timeout releases the request untouched, with a notice', async () => {
  const up = await upstream((req, res) => res.end(`plain ${req.url}`));
  const proxy = await proxyTo(up, [
    rule({ kind: 'break', request: true, response: false, timeoutMs: 300 }),
  ]);
  try {
    const out = await exchange(
      proxy.port,
      'GET /api/t HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    assert.equal(split(out.bytes).body.toString(), 'plain /api/t');
    assert.ok(out.firstMs >= 250, `answered after ${out.firstMs} ms`);
    const notice = proxy.of('notice').find((event) => event.message.key === 'holds.timedOut');
    assert.ok(notice, 'the timeout is said');
    assert.equal(proxy.server.holds.list().length, 0);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('break: an aborted hold closes the client connection with no answer', async () => {
  const up = await upstream((_req, res) => res.end('never'));
  const proxy = await proxyTo(up, [
    rule({ kind: 'break', request: true, response: false, timeoutMs: 30_000 }),
  ]);
  try {
    const answer = exchange(proxy.port, 'GET /api HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => proxy.server.holds.list().length === 1, 5000, 'the hold');
    assert.equal(proxy.server.holds.abort(proxy.server.holds.list()[0]!.holdId), true);
    const out = await answer;
    assert.equal(out.bytes.length, 0);
    assert.equal(out.end, 'eof');
    assert.equal(up.seen.length, 0);
    const close = await proxy.closed(await proxy.connectionId());
    assert.equal(close.reason, 'rule-close');
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('a hold whose client resets its connection is dropped from the list', async () => {
  const server = await startServer({
    rules: [rule({ kind: 'break', request: true, response: false, timeoutMs: 30_000 })],
  });
  try {
    const socket = connect({ port: server.port, host: '127.0.0.1' });
    socket.write('GET /api HTTP/1.1\r\nHost: h\r\n\r\n');
    await waitFor(() => server.server.holds.list().length === 1, 5000, 'the hold');
    // (A FIN alone is a half-close: the answer may still be wanted.)
    socket.resetAndDestroy();
    await waitFor(() => server.server.holds.list().length === 0, 5000, 'the hold to go');
  } finally {
    await server.stop();
  }
});

test('fail reset: the client sees a TCP reset; the close reason says so', async () => {
  for (const settings of [{}, { upstream: 'http://127.0.0.1:9' }]) {
    const server = await startServer({
      settings,
      rules: [rule({ kind: 'fail', mode: 'reset' })],
    });
    try {
      const out = await exchange(server.port, 'GET /api HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.equal(out.end, 'reset', JSON.stringify(settings));
      assert.equal(out.bytes.length, 0);
      const close = await server.closed(await server.connectionId());
      assert.equal(close.reason, 'rule-reset');
      assert.equal(server.of('request').length, 1, 'the request is still captured');
    } finally {
      await server.stop();
    }
  }
});

test('fail close: the client sees the end of the stream with no answer', async () => {
  for (const settings of [{}, { upstream: 'http://127.0.0.1:9' }]) {
    const server = await startServer({ settings, rules: [rule({ kind: 'fail', mode: 'close' })] });
    try {
      const out = await exchange(server.port, 'GET /api HTTP/1.1\r\nHost: h\r\n\r\n');
      assert.equal(out.end, 'eof', JSON.stringify(settings));
      assert.equal(out.bytes.length, 0);
      const close = await server.closed(await server.connectionId());
      assert.equal(close.reason, 'rule-close');
    } finally {
      await server.stop();
    }
  }
});

test('fail delay: the answer (the upstream’s, or the default site’s) comes late', async () => {
  const up = await upstream((_req, res) => res.end('late'));
  const proxy = await proxyTo(up, [rule({ kind: 'fail', mode: 'delay' }, { delayMs: 400 })]);
  const plain = await startServer({
    rules: [
      rule(
        { kind: 'fail', mode: 'delay' },
        { delayMs: 400, match: { method: '*', path: '/', mode: 'exact' } },
      ),
    ],
  });
  try {
    const viaProxy = await exchange(
      proxy.port,
      'GET /api HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    assert.equal(split(viaProxy.bytes).body.toString(), 'late');
    assert.ok(viaProxy.firstMs >= 380, `answered after ${viaProxy.firstMs} ms`);
    const local = await exchange(
      plain.port,
      'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    );
    assert.match(split(local.bytes).head, /^HTTP\/1\.1 200 OK/);
    assert.ok(local.firstMs >= 380, `answered after ${local.firstMs} ms`);
  } finally {
    await proxy.stop();
    await plain.stop();
    await up.close();
  }
});

test('a structured rule answers in proxy mode instead of the upstream', async () => {
  const up = await upstream((_req, res) => res.end('upstream'));
  const proxy = await proxyTo(up, [
    rule({
      kind: 'structured',
      status: 200,
      reason: 'OK',
      headers: [],
      body: { type: 'text', text: 'mocked' },
      autoContentLength: true,
      autoDate: false,
      chunked: false,
    }),
  ]);
  try {
    const out = await exchange(
      proxy.port,
      'POST /api HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi',
    );
    assert.equal(split(out.bytes).body.toString(), 'mocked');
    assert.equal(up.seen.length, 0);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('forward with edits on an intercepted HTTPS request (curl --cacert through --proxy --intercept)', async () => {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-rule-https-'));
  const originCa = await LocalCa.open(join(home, 'origin-ca'));
  const { key, cert } = await originCa.leafFiles('127.0.0.1');
  const site = createHttps({ key, cert }, (req, res) => {
    req.resume();
    req.on('end', () => res.end(`tls origin saw ${req.url} ${req.headers['x-rule']}`));
  });
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', () => done()));
  const caDir = join(home, 'proxy-ca');
  const proxy = await startServer({
    settings: { proxy: true, intercept: true, insecureHosts: ['127.0.0.1'] },
    caDir,
    rules: [
      rule({
        kind: 'forward',
        request: { ...NO_EDITS, setHeaders: [['X-Rule', 'tls']] },
        response: { ...NO_EDITS, setHeaders: [['X-Answered-By', 'rule']], status: 203 },
      }),
    ],
  });
  try {
    const port = (site.address() as { port: number }).port;
    const out = await new Promise<string>((resolve) => {
      execFile(
        'curl',
        [
          '-s',
          '-i',
          '--max-time',
          '15',
          '--cacert',
          join(caDir, 'ca-cert.pem'),
          '-x',
          `http://127.0.0.1:${proxy.port}`,
          `https://127.0.0.1:${port}/api/s`,
        ],
        (_error, stdout) => resolve(stdout),
      );
    });
    assert.match(out, /^HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 203 /);
    assert.match(out, /X-Answered-By: rule/);
    assert.ok(out.endsWith('tls origin saw /api/s tls'), out);
  } finally {
    await proxy.stop();
    site.closeAllConnections();
    site.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('ambiguous framing is refused with 400 before a forward rule runs, never reaching the upstream', async () => {
  const up = await upstream(chunkedHello);
  const proxy = await proxyTo(up, [
    rule({ kind: 'forward', request: NO_EDITS, response: { ...NO_EDITS, status: null } }),
  ]);
  try {
    for (const smuggle of [
      'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n',
      'Content-Length: 3\r\nContent-Length: 4\r\n',
    ]) {
      const out = await exchange(
        proxy.port,
        `POST /api HTTP/1.1\r\nHost: h\r\n${smuggle}\r\n3\r\nabc\r\n0\r\n\r\n`,
      );
      assert.match(split(out.bytes).head, /^HTTP\/1\.1 400 /, smuggle);
    }
    assert.equal(up.seen.length, 0);
  } finally {
    await proxy.stop();
    await up.close();
  }
});

test('edits and heads as data: set in the first one’s place, removals by any case, framing computed', async () => {
  const edited = await edit(
    [
      ['Accept', 'a'],
      ['x-one', '1'],
      ['X-ONE', '2'],
      ['Cookie', 'c'],
    ],
    null,
    { setHeaders: [['X-One', 'new']], removeHeaders: ['cookie'], body: null },
    '.',
  );
  assert.deepEqual(edited, {
    headers: [
      ['Accept', 'a'],
      ['X-One', 'new'],
    ],
    body: null,
  });
  const address = { host: '::1', port: 8000, tls: false };
  const request = {
    method: 'POST',
    target: '/p',
    versionMinor: 1,
    keepAlive: true,
    headers: [
      ['Transfer-Encoding', 'chunked'],
      ['Connection', 'keep-alive, X-Hop'],
      ['X-Hop', 'h'],
      ['Content-Length', '9'],
    ] as [string, string][],
    body: new Uint8Array(0),
  };
  assert.equal(
    requestBytes(request, '/p', null, address).toString('latin1'),
    'POST /p HTTP/1.1\r\nHost: [::1]:8000\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
  );
  const head = responseBytes(
    { status: 200, reason: 'OK', headers: [['Content-Length', '5']], body: new Uint8Array(0) },
    { ...request, method: 'HEAD', versionMinor: 0 },
    false,
  );
  assert.equal(
    head.bytes.toString('latin1'),
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n',
  );
  const empty = responseBytes(
    {
      status: 204,
      reason: 'No Content',
      headers: [['Content-Length', '5']],
      body: Buffer.from('x'),
    },
    { ...request, keepAlive: false },
    true,
  );
  assert.equal(
    empty.bytes.toString('latin1'),
    'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n',
  );
  assert.equal(empty.close, true);
});
