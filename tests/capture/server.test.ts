import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import { CaptureServer } from '../../src-main/capture/server';
import type { CaptureEvent } from '../../src-main/capture/events';
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';
import {
  countResponses,
  rawClient,
  startServer,
  statusLines,
  waitFor,
  type RawClient,
  type TestServer,
} from './helpers';

const jpeg = readFileSync(join(defaultAssetsDir(), 'test.jpg'));

function get(path: string, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;
}

function textRule(
  id: string,
  method: string,
  path: string,
  status: number,
  body: string,
  delayMs = 0,
): ResponderRule {
  const response: RuleResponse = {
    kind: 'structured',
    status,
    reason: 'Rule',
    headers: [['Content-Type', 'text/plain']],
    body: { type: 'text', text: body },
    autoContentLength: true,
    autoDate: true,
    chunked: false,
  };
  return { id, enabled: true, name: id, match: { method, path, mode: 'exact' }, response, delayMs };
}

describe('capture server: HTTP/1.x on a raw socket', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({
      rules: [
        textRule('upload', 'POST', '/upload', 201, 'stored'),
        textRule('slow', 'GET', '/slow', 200, 'slow', 120),
        {
          id: 'raw',
          enabled: true,
          name: 'raw',
          match: { method: 'GET', path: '/raw', mode: 'exact' },
          response: {
            kind: 'raw',
            base64: Buffer.from('HTTP/1.1 200 OK\nraw!').toString('base64'),
          },
          delayMs: 0,
        },
      ],
    });
  });
  after(() => t.stop());

  /** Closes the client, then checks the recorded streams against what was sent and received. */
  async function closeAndCheck(client: RawClient): Promise<void> {
    const id = await t.idOf(client);
    client.close();
    await t.closed(id);
    assert.deepEqual(t.stream(id, 'in'), client.sent(), 'every byte sent was recorded');
    assert.deepEqual(t.stream(id, 'out'), client.received(), 'every byte answered was recorded');
  }

  it('keeps the connection alive for sequential requests', async () => {
    const client = await rawClient(t.port);
    await client.send(get('/'));
    await client.until((bytes) => countResponses(bytes) === 1);
    await client.send(get('/test.jpg'));
    const answer = await client.until((bytes) => countResponses(bytes) === 2);
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    assert.deepEqual(answer.subarray(answer.length - jpeg.length), jpeg);
    const id = await t.idOf(client);
    const requests = t.of('request', id);
    assert.deepEqual(
      requests.map((r) => [r.index, r.head.target]),
      [
        [0, '/'],
        [1, '/test.jpg'],
      ],
    );
    assert.deepEqual(
      t.of('response', id).map((r) => r.index),
      [0, 1],
    );
    client.close();
    await t.closed(id);
    assert.deepEqual(t.stream(id, 'in'), client.sent());
    assert.deepEqual(t.stream(id, 'out'), answer);
  });

  it('answers three pipelined requests from one write in order, in one write', async () => {
    const client = await rawClient(t.port);
    await client.send(get('/test.jpg') + get('/nowhere') + get('/'));
    const answer = await client.until((bytes) => countResponses(bytes) === 3);
    assert.deepEqual(statusLines(answer), [
      'HTTP/1.1 200 OK',
      'HTTP/1.1 404 Not Found',
      'HTTP/1.1 200 OK',
    ]);
    const id = await t.idOf(client);
    const ins = t.of('data', id).filter((d) => d.direction === 'in');
    const outs = t.of('data', id).filter((d) => d.direction === 'out');
    assert.ok(
      outs.length <= ins.length,
      `one write per read (${outs.length} writes for ${ins.length} reads)`,
    );
    const spans = t.of('request', id).map((r) => r.span);
    assert.equal(
      spans[1]!.offset,
      spans[0]!.offset + spans[0]!.length,
      'request spans are contiguous',
    );
    client.close();
    await t.closed(id);
    assert.deepEqual(t.stream(id, 'in'), client.sent());
  });

  it('keeps responses in order when an earlier one is delayed', async () => {
    const client = await rawClient(t.port);
    await client.send(get('/slow') + get('/'));
    const answer = await client.until((bytes) => countResponses(bytes) === 2);
    const text = answer.toString('latin1');
    assert.ok(
      text.indexOf('\r\n\r\nslow') < text.indexOf('<!doctype html>'),
      'the delayed response comes first',
    );
    await closeAndCheck(client);
  });

  it('closes after a response to Connection: close', async () => {
    const client = await rawClient(t.port);
    await client.send(get('/', 'Connection: close\r\n'));
    const answer = await client.ended();
    assert.equal(countResponses(answer), 1);
    assert.match(answer.toString('latin1'), /\r\nConnection: close\r\n/);
    const id = await t.idOf(client);
    assert.equal((await t.closed(id)).reason, 'server');
    assert.deepEqual(t.stream(id, 'in'), client.sent());
  });

  it('closes HTTP/1.0 connections unless keep-alive is asked for', async () => {
    const plain = await rawClient(t.port);
    await plain.send('GET / HTTP/1.0\r\n\r\n');
    assert.deepEqual(statusLines(await plain.ended()), ['HTTP/1.1 200 OK']);

    const kept = await rawClient(t.port);
    await kept.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    const first = await kept.until((bytes) => countResponses(bytes) === 1);
    assert.match(first.toString('latin1'), /\r\nConnection: keep-alive\r\n/);
    await kept.send('GET /test.jpg HTTP/1.0\r\n\r\n');
    const both = await kept.ended();
    assert.equal(countResponses(both), 2);
    const id = await t.idOf(kept);
    await t.closed(id);
    assert.deepEqual(t.stream(id, 'in'), kept.sent());
  });

  it('sends 100 Continue before reading the body of Expect: 100-continue', async () => {
    const client = await rawClient(t.port);
    await client.send(
      'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n',
    );
    await client.until((bytes) => bytes.toString('latin1') === 'HTTP/1.1 100 Continue\r\n\r\n');
    await client.send('hello world');
    const answer = await client.until((bytes) => countResponses(bytes) === 2);
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 100 Continue', 'HTTP/1.1 201 Rule']);
    const id = await t.idOf(client);
    const [request] = t.of('request', id);
    assert.equal(Buffer.from(request!.body).toString(), 'hello world');
    assert.equal(t.of('response', id).length, 1, 'the interim response is not a response event');
    await closeAndCheck(client);
  });

  it('collects a chunked request body', async () => {
    const client = await rawClient(t.port);
    await client.send(
      'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await client.send('6\r\n world\r\n0\r\n\r\n');
    await client.until((bytes) => statusLines(bytes).length === 1);
    const [request] = t.of('request', await t.idOf(client));
    assert.equal(Buffer.from(request!.body).toString(), 'hello world');
    await closeAndCheck(client);
  });

  it('answers HEAD with the GET length and no body', async () => {
    const client = await rawClient(t.port);
    await client.send(`HEAD /test.jpg HTTP/1.1\r\nHost: x\r\n\r\n`);
    const head = await client.until((bytes) => bytes.includes('\r\n\r\n'));
    assert.match(head.toString('latin1'), new RegExp(`\\r\\nContent-Length: ${jpeg.length}\\r\\n`));
    await client.send(get('/nowhere'));
    const both = await client.until((bytes) => statusLines(bytes).length === 2);
    // Were a body sent after the HEAD response, the second status line would not follow the head.
    assert.equal(both.indexOf('HTTP/1.1 404'), head.indexOf('\r\n\r\n') + 4);
    await closeAndCheck(client);
  });

  it('answers OPTIONS * (asterisk-form)', async () => {
    const client = await rawClient(t.port);
    await client.send('OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await client.until((bytes) => bytes.includes('\r\n\r\n'));
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 204 No Content']);
    assert.match(answer.toString('latin1'), /\r\nAllow: GET, HEAD, OPTIONS\r\n/);
    const [request] = t.of('request', await t.idOf(client));
    assert.equal(request!.head.target, '*');
    await closeAndCheck(client);
  });

  it('answers an absolute-form target by its path', async () => {
    const client = await rawClient(t.port);
    await client.send(
      `GET http://127.0.0.1:${t.port}/test.jpg?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    const answer = await client.until((bytes) => countResponses(bytes) === 1);
    assert.deepEqual(answer.subarray(answer.length - jpeg.length), jpeg);
    await closeAndCheck(client);
  });

  it('answers an unknown method with 501', async () => {
    const client = await rawClient(t.port);
    await client.send('BREW /pot HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    const answer = await client.until((bytes) => countResponses(bytes) === 1);
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 501 Not Implemented']);
    const [request] = t.of('request', await t.idOf(client));
    assert.equal(request!.head.method, 'BREW');
    await closeAndCheck(client);
  });

  it('answers CONNECT with 501 and closes: this is not a proxy', async () => {
    const client = await rawClient(t.port);
    await client.send(
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01',
    );
    const answer = await client.ended();
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 501 Not Implemented']);
    const id = await t.idOf(client);
    await t.closed(id);
    assert.deepEqual(t.stream(id, 'in'), client.sent(), 'tunnel bytes are recorded too');
  });

  it('answers an Upgrade request without switching, then closes', async () => {
    const client = await rawClient(t.port);
    await client.send(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    const answer = await client.ended();
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK']);
    assert.match(answer.toString('latin1'), /\r\nConnection: close\r\n/);
    await closeAndCheck(client);
  });

  it('sends a raw rule verbatim and then closes', async () => {
    const client = await rawClient(t.port);
    await client.send(get('/raw') + get('/'));
    const answer = await client.ended();
    assert.equal(answer.toString('latin1'), 'HTTP/1.1 200 OK\nraw!');
    const id = await t.idOf(client);
    assert.equal(t.of('response', id)[0]!.ruleId, 'raw');
    assert.equal(t.of('response', id)[0]!.head, null);
    await closeAndCheck(client);
  });

  it('refuses invalid rules and keeps the last good ones', async () => {
    const before = t.server.rules();
    t.server.setRules([{ id: 'x' } as unknown as ResponderRule]);
    assert.deepEqual(t.server.rules(), before);
    const notice = t.of('notice').at(-1);
    assert.equal(notice?.message.key, 'rules.invalid');
    assert.match(notice!.message.text, /rules\[0\]\.match/);
  });
});

describe('capture server: lifecycle', () => {
  it('listens on a free port when the requested one is taken, and says so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const events: CaptureEvent[] = [];
    const server = new CaptureServer({
      settings: { host: '127.0.0.1', port: taken },
      onEvent: (e) => events.push(e),
    });
    try {
      const state = await server.start();
      assert.equal(state.status, 'listening');
      assert.notEqual(state.port, taken);
      assert.equal(state.message?.key, 'server.portTaken');
      assert.deepEqual(state.message?.params, { requested: taken, used: state.port });
      assert.equal(state.url, `http://127.0.0.1:${state.port}/`);
      assert.ok(events.some((e) => e.type === 'notice' && e.message.key === 'server.portTaken'));
    } finally {
      await server.stop();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports a host it cannot listen on as an error state without throwing', async () => {
    const server = new CaptureServer({
      settings: { host: '203.0.113.1', port: 0 },
      onEvent: () => undefined,
    });
    const state = await server.start();
    assert.equal(state.status, 'error');
    assert.equal(state.message?.key, 'server.listenFailed');
    assert.equal((await server.stop()).status, 'stopped');
  });

  it('stops with every connection closed as "stopped", restarts with new ids', async () => {
    const t = await startServer();
    const client = await rawClient(t.port);
    await client.send(get('/'));
    await client.until((bytes) => countResponses(bytes) === 1);
    const id = await t.idOf(client);
    const stopped = await t.server.stop();
    assert.equal(stopped.status, 'stopped');
    assert.equal((await t.closed(id)).reason, 'stopped');
    await client.ended();

    const restarted = await t.server.start({ host: '127.0.0.1', port: 0 });
    assert.equal(restarted.status, 'listening');
    const again = await rawClient(restarted.port);
    await again.send(get('/'));
    await again.until((bytes) => countResponses(bytes) === 1);
    const ids = t.of('connectionOpen').map((e) => e.connectionId);
    assert.equal(new Set(ids).size, ids.length, 'connection ids are unique across runs');
    assert.equal(ids.length, 2);
    again.close();
    // start() while running restarts.
    const third = await t.server.start({ port: 0, tutorialExact: true });
    assert.equal(third.status, 'listening');
    assert.equal(third.tutorialExact, true);
    const states = t.of('server').map((e) => e.state.status);
    assert.deepEqual(states.slice(-3), ['stopped', 'starting', 'listening']);
    await t.stop();
  });

  it('the state says which proxy listens: forward, reverse, or none (and none when stopped)', async () => {
    const t = await startServer();
    try {
      assert.equal(t.server.state().proxy, null);
      const forward = await t.server.start({ port: 0, proxy: true });
      assert.equal(forward.status, 'listening');
      assert.equal(forward.proxy, 'forward');
      const reverse = await t.server.start({
        port: 0,
        proxy: false,
        upstream: 'http://127.0.0.1:9',
      });
      assert.equal(reverse.proxy, 'reverse');
      assert.equal((await t.server.stop()).proxy, null);
      const plain = await t.server.start({ port: 0, upstream: '' });
      assert.equal(plain.proxy, null);
      const announced = t.of('server').filter((e) => e.state.status === 'listening');
      assert.deepEqual(
        announced.map((e) => e.state.proxy),
        [null, 'forward', 'reverse', null],
      );
    } finally {
      await t.stop();
    }
  });

  it('the state says the body limit, and a start can change it', async () => {
    const t = await startServer();
    try {
      assert.equal(t.server.state().maxBodyBytes, 10 * 1024 * 1024);
      const changed = await t.server.start({ port: 0, limits: { maxBodyBytes: 2048 } });
      assert.equal(changed.maxBodyBytes, 2048);
      assert.equal(t.server.settings().limits.maxBodyBytes, 2048);
      // A restart without limits keeps them.
      assert.equal((await t.server.start({ port: 0 })).maxBodyBytes, 2048);
    } finally {
      await t.stop();
    }
  });

  it('closes an idle keep-alive connection after the idle timeout', async () => {
    const t = await startServer({ settings: { limits: { idleTimeoutMs: 150 } } });
    try {
      const client = await rawClient(t.port);
      await client.send(get('/'));
      await client.until((bytes) => countResponses(bytes) === 1);
      const started = Date.now();
      await client.ended(3000);
      assert.ok(Date.now() - started >= 100, 'not before the timeout');
      const close = await t.closed(await t.idOf(client));
      assert.equal(close.reason, 'idle-timeout');
    } finally {
      await t.stop();
    }
  });

  it('answers like the naive exercise in tutorial-exact mode', async () => {
    const t = await startServer({ settings: { tutorialExact: true } });
    try {
      const client = await rawClient(t.port);
      await client.send(get('/') + get('/test.jpg'));
      const answer = await client.ended();
      assert.match(
        answer.toString('latin1'),
        /^HTTP\/1\.x 200 OK\nContent-Type: text\/html\n\n<!doctype html>/,
      );
      assert.equal(
        answer.toString('latin1').match(/HTTP\/1\.x 200/g)?.length,
        1,
        'close-delimited: one response, then close',
      );
      const id = await t.idOf(client);
      assert.equal((await t.closed(id)).reason, 'server');
      const [response] = t.of('response', id);
      assert.deepEqual(
        response?.deviations?.map((d) => d.code),
        ['MALFORMED_VERSION', 'BARE_LF', 'BARE_LF', 'BARE_LF', 'CLOSE_DELIMITED'],
      );
      assert.equal(response?.head?.version, 'HTTP/1.0', 'the head as a browser reads it');

      const image = await rawClient(t.port);
      await image.send(get('/test.jpg'));
      const imageAnswer = await image.ended();
      assert.deepEqual(
        imageAnswer,
        Buffer.concat([Buffer.from('\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n'), jpeg]),
      );

      // Anything but GET: closed with no answer, and no response event.
      const post = await rawClient(t.port);
      await post.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
      assert.equal((await post.ended()).length, 0);
      const postId = await t.idOf(post);
      await t.closed(postId);
      assert.equal(t.of('response', postId).length, 0);
    } finally {
      await t.stop();
    }
  });

  it('loads a rules file, resolving file bodies next to it, and keeps the rules when it is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socketscope-server-rules-'));
    writeFileSync(join(dir, 'page.html'), '<p>from a file</p>');
    writeFileSync(
      join(dir, 'rules.json'),
      JSON.stringify({
        version: 1,
        rules: [
          {
            id: 'f',
            match: { method: 'GET', path: '/page', mode: 'exact' },
            response: {
              kind: 'structured',
              status: 200,
              body: { type: 'file', path: 'page.html' },
            },
          },
        ],
      }),
    );
    writeFileSync(join(dir, 'broken.json'), '{ "rules": [ }');
    const t = await startServer();
    try {
      assert.equal((await t.server.loadRulesFile(join(dir, 'rules.json'))).ok, true);
      const broken = await t.server.loadRulesFile(join(dir, 'broken.json'));
      assert.equal(broken.ok, false);
      assert.equal(t.server.rules().length, 1, 'the previous rules stay');
      assert.equal(t.of('notice').at(-1)?.message.key, 'rules.fileInvalid');
      const client = await rawClient(t.port);
      await client.send(get('/page'));
      const answer = await client.until((bytes) => countResponses(bytes) === 1);
      assert.match(answer.toString('latin1'), /\r\n\r\n<p>from a file<\/p>$/);
      client.close();
    } finally {
      await t.stop();
    }
  });

  it('never crashes when a client resets mid-request', async () => {
    const t = await startServer();
    try {
      const client = await rawClient(t.port);
      await client.send('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial');
      const id = await t.idOf(client);
      await waitFor(() => t.stream(id, 'in').length === client.sent().length);
      client.socket.resetAndDestroy();
      const close = await t.closed(id);
      assert.equal(close.reason, 'client');
      assert.deepEqual(t.stream(id, 'in'), client.sent());
    } finally {
      await t.stop();
    }
  });
});
