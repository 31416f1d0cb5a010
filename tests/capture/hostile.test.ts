// Hostile and malformed input over real sockets: each case asserts the status the server
// answered and that the `data` 'in' events hold exactly the bytes the client sent, even those
// that failed to parse. What each kind of bad input means (status, code, offset) is tested
// without sockets, as tables of bytes → actions, in tests/engine/server-conversation.test.ts.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { TLS_REASON } from '../../src-main/capture/connection';
import {
  rawClient,
  startServer,
  statusLines,
  waitFor,
  type RawClient,
  type TestServer,
} from './helpers';

const LIMITS = {
  maxHeadBytes: 2048,
  maxTargetLength: 512,
  maxBodyBytes: 1000,
  headerTimeoutMs: 300,
  idleTimeoutMs: 5000,
  maxConnections: 3,
};

interface Outcome {
  client: RawClient;
  answer: Buffer;
  connectionId: string;
}

describe('capture server: hostile input', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ settings: { limits: LIMITS } });
  });
  after(() => t.stop());

  /** Sends the writes, waits for the server to close, checks what it recorded. */
  async function attack(...writes: (string | Buffer)[]): Promise<Outcome> {
    const client = await rawClient(t.port);
    for (const bytes of writes) {
      try {
        await client.send(bytes);
      } catch {
        break;
      }
    }
    const answer = await client.ended();
    const connectionId = await t.idOf(client);
    await t.closed(connectionId);
    assert.deepEqual(t.stream(connectionId, 'in'), client.sent(), 'every byte sent was recorded');
    assert.deepEqual(t.stream(connectionId, 'out'), answer, 'every byte answered was recorded');
    return { client, answer, connectionId };
  }

  function expectError(outcome: Outcome, status: number, code?: string): void {
    const [line] = statusLines(outcome.answer);
    assert.match(line ?? '(nothing)', new RegExp(`^HTTP/1\\.1 ${status} `));
    assert.match(outcome.answer.toString('latin1'), /\r\nConnection: close\r\n/);
    const errors = t.of('protocolError', outcome.connectionId);
    assert.equal(errors.length, 1, 'one protocolError event');
    assert.equal(errors[0]!.error.status, status);
    if (code !== undefined) assert.equal(errors[0]!.error.code, code);
    const responses = t.of('response', outcome.connectionId);
    assert.equal(responses.at(-1)!.head?.status, status);
  }

  it('binary garbage gets 400 with the offset of the first bad byte', async () => {
    const outcome = await attack(Buffer.from([0x47, 0x45, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
    expectError(outcome, 400);
    const [error] = t.of('protocolError', outcome.connectionId);
    assert.equal(error!.error.offset, 2);
    assert.equal(error!.requestOffset, 0);
  });

  it('a body larger than the limit gets 413, and the rest of the body is still recorded', async () => {
    const outcome = await attack(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n',
      'b'.repeat(5000),
    );
    expectError(outcome, 413, 'BODY_TOO_LARGE');
  });

  it('HTTP/2.0 in a request line gets 505', async () => {
    const outcome = await attack('GET / HTTP/2.0\r\nHost: x\r\n\r\n');
    expectError(outcome, 505, 'UNSUPPORTED_VERSION');
  });

  it('an HTTP/1.1 request without Host gets 400 MISSING_HOST', async () => {
    const outcome = await attack('GET / HTTP/1.1\r\nAccept: */*\r\n\r\n');
    expectError(outcome, 400, 'MISSING_HOST');
    assert.equal(t.of('request', outcome.connectionId).length, 0, 'not served as a request');
  });

  it('an error after a good pipelined request: 200, then 400, then close', async () => {
    const outcome = await attack(
      'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /a b HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    assert.deepEqual(
      statusLines(outcome.answer).map((line) => line.slice(0, 12)),
      ['HTTP/1.1 200', 'HTTP/1.1 400'],
    );
    const [error] = t.of('protocolError', outcome.connectionId);
    assert.equal(error!.index, 1);
    assert.equal(error!.requestOffset, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'.length);
  });

  it('a TLS ClientHello on the plain port is named and closed with nothing sent', async () => {
    // A TLS 1.2 record header (handshake, version 3.1) and the start of a ClientHello.
    const hello = Buffer.from('160301003a0100003603035f1a2b3c4d5e6f', 'hex');
    const outcome = await attack(hello.subarray(0, 2), hello.subarray(2));
    assert.equal(outcome.answer.length, 0);
    const [error] = t.of('protocolError', outcome.connectionId);
    assert.equal(error!.error.code, 'TLS_ON_PLAIN_PORT');
    assert.equal(error!.error.reason, TLS_REASON);
    assert.equal(error!.error.status, 0);
  });

  it('a real TLS client gets a closed connection and the ClientHello is recorded', async () => {
    const tlsErrors = (): number =>
      t.of('protocolError').filter((e) => e.error.code === 'TLS_ON_PLAIN_PORT').length;
    const earlier = tlsErrors();
    const failure = await new Promise<Error>((resolve) => {
      const socket = tlsConnect({
        port: t.port,
        host: '127.0.0.1',
        servername: 'localhost',
        rejectUnauthorized: false,
      });
      socket.on('error', resolve);
      socket.on('secureConnect', () => resolve(new Error('unexpected handshake')));
    });
    assert.notEqual(failure.message, 'unexpected handshake');
    await waitFor(() => tlsErrors() === earlier + 1);
    const last = t.of('protocolError').at(-1)!;
    assert.equal(last.error.code, 'TLS_ON_PLAIN_PORT');
    const recorded = t.stream(last.connectionId, 'in');
    assert.equal(recorded[0], 0x16);
    assert.equal(recorded[5], 0x01, 'a handshake record holding a ClientHello');
  });

  it('slowloris: a head trickling in byte by byte gets 408 when the head timeout ends', async () => {
    const client = await rawClient(t.port);
    const started = Date.now();
    const head = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'z'.repeat(200);
    for (const char of head) {
      try {
        await client.send(char);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (client.received().length > 0) break;
      if (Date.now() - started > 3000) break;
    }
    const answer = await client.ended();
    const elapsed = Date.now() - started;
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 408 Request Timeout']);
    assert.ok(
      elapsed >= 280 && elapsed < 2000,
      `closed after ${elapsed} ms, not reset by each byte`,
    );
    const id = await t.idOf(client);
    const close = await t.closed(id);
    assert.equal(close.reason, 'header-timeout');
    assert.equal(t.of('protocolError', id)[0]!.error.code, 'TIMEOUT');
    assert.deepEqual(t.stream(id, 'in'), client.sent());
  });

  it('slowloris on a kept-alive connection: the second head is timed too', async () => {
    const client = await rawClient(t.port);
    await client.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.until((bytes) => statusLines(bytes).length === 1);
    // Idle time before the next request does not count against the head timeout.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = Date.now();
    for (const char of 'GET / HTTP/1.1\r\nHost: x\r\n' + 'X: y\r\n'.repeat(40)) {
      if (client.received().length > 0 && statusLines(client.received()).length > 1) break;
      try {
        await client.send(char);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answer = await client.ended();
    const elapsed = Date.now() - started;
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK', 'HTTP/1.1 408 Request Timeout']);
    assert.ok(elapsed >= 280 && elapsed < 2000, `408 after ${elapsed} ms of trickling`);
    const id = await t.idOf(client);
    assert.equal((await t.closed(id)).reason, 'header-timeout');
    const [error] = t.of('protocolError', id);
    assert.equal(error!.index, 1);
    assert.equal(error!.requestOffset, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'.length);
    assert.deepEqual(t.stream(id, 'in'), client.sent());
  });

  it('random bytes never crash the server', async () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 20; round++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      const client = await rawClient(t.port);
      await client.send(bytes).catch(() => undefined);
      await client.send('\r\n\r\n').catch(() => undefined);
      const id = await t.idOf(client);
      await waitFor(() => t.stream(id, 'in').length === client.sent().length);
      client.close();
      await t.closed(id);
      assert.deepEqual(t.stream(id, 'in'), client.sent());
    }
    const check = await rawClient(t.port);
    await check.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(
      statusLines(await check.until((b) => statusLines(b).length === 1))[0],
      'HTTP/1.1 200 OK',
    );
    check.close();
  });
});
