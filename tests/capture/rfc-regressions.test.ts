// Regressions for RFC 9110/9112 rules the server and the replay client got wrong (issue 9):
// a higher HTTP/1.x minor version, an invalid Host value, obs-fold in a response.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { replay } from '../../src-main/capture/client';
import { exchangeUntilClose, startServer, statusLines, type TestServer } from './helpers';

describe('capture server: RFC rules', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.stop());

  const close = 'Connection: close\r\n';

  it('serves HTTP/1.2 as HTTP/1.1 (RFC 9110 §2.5), Host rule included', async () => {
    const answer = await exchangeUntilClose(t.port, `GET / HTTP/1.2\r\nHost: x\r\n${close}\r\n`);
    assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK']);
    const noHost = await exchangeUntilClose(t.port, `GET / HTTP/1.2\r\n${close}\r\n`);
    assert.match(statusLines(noHost)[0] ?? '', /^HTTP\/1\.1 400 /);
  });

  for (const host of ['{', '}', '\xff', '::1', 'a b', 'exa:mple:80', '[::1']) {
    it(`answers 400 to Host: ${JSON.stringify(host)} (RFC 9112 §3.2)`, async () => {
      const answer = await exchangeUntilClose(
        t.port,
        `GET / HTTP/1.1\r\nHost: ${host}\r\n${close}\r\n`,
      );
      assert.match(statusLines(answer)[0] ?? '(nothing)', /^HTTP\/1\.1 400 /);
      const errors = t.of('protocolError').filter((e) => e.error.status === 400);
      assert.ok(errors.length > 0);
    });
  }

  for (const host of ['127.0.0.1:8080', '[::1]:8080', 'example.test', 'localhost:']) {
    it(`serves Host: ${host}`, async () => {
      const answer = await exchangeUntilClose(
        t.port,
        `GET / HTTP/1.1\r\nHost: ${host}\r\n${close}\r\n`,
      );
      assert.deepEqual(statusLines(answer), ['HTTP/1.1 200 OK']);
    });
  }

  it('checks the Host of an HTTP/1.0 request too', async () => {
    const answer = await exchangeUntilClose(t.port, 'GET / HTTP/1.0\r\nHost: {\r\n\r\n');
    assert.match(statusLines(answer)[0] ?? '(nothing)', /^HTTP\/1\.[01] 400 /);
  });
});

describe('replay client: obs-fold in a response (RFC 9112 §5.2)', () => {
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\nX-Folded: one\r\n\t two\r\nContent-Length: 2\r\n\r\nok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    port = address.port;
  });
  after(() => server.close());

  it('replaces each obs-fold with SP and reads the response', async () => {
    const result = await replay({
      target: { host: '127.0.0.1', port, tls: false, insecure: false },
      bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    });
    assert.equal(result.parseError, null, JSON.stringify(result.parseError));
    assert.equal(result.responses.length, 1);
    const headers = result.responses[0]!.head.headers as [string, string][];
    const folded = headers.find(([name]) => name === 'X-Folded');
    assert.ok(folded, JSON.stringify(headers));
    assert.match(folded[1], /^one +two$/);
    assert.doesNotMatch(folded[1], /[\r\n\t]/);
  });
});
