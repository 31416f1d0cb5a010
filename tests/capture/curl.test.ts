import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { curlCommand, quote } from '../../src-main/capture/curl';
import { parseRequestMessage } from '../../src-main/engine/serialize';
import { startServer, waitFor, type TestServer } from './helpers';

const CURL = '/usr/bin/curl';
const haveCurl = existsSync(CURL) && existsSync('/bin/bash');
if (!haveCurl)
  console.log('# curl.test: /usr/bin/curl or /bin/bash is missing, so the commands are not run');

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

function runShell(command: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-c', command], { timeout: 10_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

/** Runs the command curlCommand makes for `request` and returns the request the server received. */
async function captureViaCurl(request: Buffer): Promise<Buffer> {
  const before = server.of('connectionOpen').length;
  const command = curlCommand(request, { fallbackHost: `127.0.0.1:${server.port}` }).replace(
    /^(.*?)\bcurl /,
    `$1${CURL} -s -o /dev/null `,
  );
  const { code, stderr } = await runShell(command);
  assert.equal(code, 0, `curl failed: ${stderr}\n${command}`);
  await waitFor(() => server.of('connectionOpen').length > before, 5000, 'the curl connection');
  const id = server.of('connectionOpen')[before].connectionId;
  await waitFor(() => server.of('request', id).length > 0, 5000, 'the curl request');
  return server.stream(id, 'in');
}

function header(name: string, value: string): [string, string] {
  return [name, value];
}

const CASES: { name: string; request: Buffer }[] = [
  {
    name: 'GET with headers, a query and a quote in a value',
    request: Buffer.from(
      'GET /search?q=a%20b&x=1 HTTP/1.1\r\nHost: HOST\r\nAccept: text/html\r\nX-Quote: it\'s "here"\r\n\r\n',
    ),
  },
  {
    name: 'POST with a JSON body',
    request: Buffer.from(
      'POST /api/items HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{"name":"x","n":[1,2,3]}\n',
    ),
  },
  {
    name: 'PUT with a binary body (not UTF-8)',
    request: Buffer.concat([
      Buffer.from(
        'PUT /upload HTTP/1.1\r\nHost: HOST\r\nContent-Type: application/octet-stream\r\nContent-Length: 8\r\n\r\n',
      ),
      Buffer.from([0xff, 0xfe, 0x01, 0x27, 0x5c, 0x0a, 0x0d, 0x80]),
    ]),
  },
  {
    name: 'POST with NUL bytes and a percent sign in the body',
    request: Buffer.concat([
      Buffer.from('POST /nul HTTP/1.1\r\nHost: HOST\r\nContent-Length: 7\r\n\r\n'),
      Buffer.from([0x00, 0x25, 0x64, 0x00, 0x27, 0x5c, 0x00]),
    ]),
  },
  {
    name: 'DELETE with an empty header value and a path curl would normalise',
    request: Buffer.from('DELETE /a/../b/./c HTTP/1.1\r\nHost: HOST\r\nX-Empty: \r\n\r\n'),
  },
  {
    name: 'a chunked POST (curl sends it chunked too)',
    request: Buffer.from(
      'POST /chunks HTTP/1.1\r\nHost: HOST\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    ),
  },
];

for (const { name, request: template } of CASES) {
  test(
    `copy as cURL reproduces: ${name}`,
    { skip: haveCurl ? false : 'curl is not installed' },
    async () => {
      const request = Buffer.from(
        template.toString('latin1').replace('HOST', `127.0.0.1:${server.port}`),
        'latin1',
      );
      const original = parseRequestMessage(request);
      assert.ok(original.ok);
      const captured = parseRequestMessage(await captureViaCurl(request));
      assert.ok(captured.ok, 'curl sent valid HTTP');
      assert.equal(captured.message.method, original.message.method);
      assert.equal(captured.message.target, original.message.target);
      assert.equal(captured.message.version, 'HTTP/1.1');
      assert.deepEqual(Buffer.from(captured.message.body), Buffer.from(original.message.body));
      const got = captured.message.headers.map(([n, v]) => header(n.toLowerCase(), v));
      for (const [n, v] of original.message.headers) {
        if (n.toLowerCase() === 'content-length') continue;
        assert.ok(
          got.some(([gn, gv]) => gn === n.toLowerCase() && gv === v),
          `header ${n}: ${v} missing from ${JSON.stringify(got)}`,
        );
      }
      if (
        original.message.body.length > 0 &&
        !original.message.headers.some(([n]) => /^content-type$/i.test(n))
      ) {
        assert.ok(!got.some(([n]) => n === 'content-type'), 'curl added no form Content-Type');
      }
    },
  );
}

test('HEAD uses --head and the URL comes from the Host header', () => {
  const command = curlCommand(Buffer.from('HEAD /x HTTP/1.1\r\nHost: example.com:8080\r\n\r\n'));
  assert.equal(command, "curl --http1.1 --head --path-as-is 'http://example.com:8080/x'");
});

test('HTTP/1.0 requests use --http1.0 and TLS targets https with --insecure when asked', () => {
  const command = curlCommand(Buffer.from('GET / HTTP/1.0\r\nHost: h\r\n\r\n'), {
    tls: true,
    insecure: true,
  });
  assert.equal(command, "curl --http1.0 --path-as-is --insecure 'https://h/'");
});

test('a request without Host uses the fallback, or says why there is no URL', () => {
  const bytes = Buffer.from('GET /p HTTP/1.1\r\n\r\n');
  assert.match(curlCommand(bytes, { fallbackHost: '127.0.0.1:9' }), /'http:\/\/127\.0\.0\.1:9\/p'/);
  assert.throws(() => curlCommand(bytes), /no Host header/);
});

test('bytes that are not HTTP give a clear error', () => {
  assert.throws(() => curlCommand(Buffer.from('hello\n')), /not valid HTTP/);
});

test("quoting: plain text in single quotes, anything else in $'…'", () => {
  assert.equal(quote(Buffer.from("it's")), `'it'\\''s'`);
  assert.equal(quote(Buffer.from('naïve ☃')), `'naïve ☃'`);
  assert.equal(
    quote(Buffer.from([0x41, 0x0d, 0x0a, 0xff, 0x27, 0x5c])),
    "$'A\\x0d\\x0a\\xff\\'\\\\'",
  );
});
