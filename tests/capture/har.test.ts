import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportHar, importHar, type HarSource } from '../../src-main/capture/har';
import { emptyExchange } from '../../src-main/host/exchanges';
import type { ConnectionSummary } from '../../src-main/protocol/types';

function ids(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

const connection: ConnectionSummary = {
  connectionId: 'c1',
  source: 'capture',
  remoteAddress: '127.0.0.1',
  remotePort: 50000,
  localPort: 8080,
  openedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  closedAt: null,
  closeReason: null,
  bytesIn: 0,
  bytesOut: 0,
  exchanges: 2,
};

function source(index: number, request: Buffer, response: Buffer, method: string): HarSource {
  const exchange = emptyExchange(`c1#${index}`, 'c1', index, connection.openedAt + index, 0);
  exchange.method = method;
  exchange.completedAt = exchange.startedAt + 12;
  exchange.requestSpan = { offset: 0, length: request.length };
  exchange.responseSpan = { offset: 0, length: response.length };
  return { exchange, connection, request, response };
}

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
const getRequest = Buffer.from(
  'GET /img.png?size=2&x=a%20b HTTP/1.1\r\nHost: localhost:8080\r\nCookie: a=1; b=2\r\nReferer: http://localhost:8080/\r\n\r\n',
);
const getResponse = Buffer.concat([
  Buffer.from(
    `HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\n\r\n`,
  ),
  png,
]);
const postRequest = Buffer.from(
  'POST /form HTTP/1.1\r\nHost: localhost:8080\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"☃"}',
);
const chunkedResponse = Buffer.from(
  'HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
);

test('export writes HAR 1.2 with headers, query, cookies, postData and text or base64 content', () => {
  const har = exportHar([
    source(0, getRequest, getResponse, 'GET'),
    source(1, postRequest, chunkedResponse, 'POST'),
  ]);
  assert.equal(har.log.version, '1.2');
  assert.equal(har.log.creator.name, 'Socketscope');
  const [get, post] = har.log.entries;
  assert.equal(get.request.method, 'GET');
  assert.equal(get.request.url, 'http://localhost:8080/img.png?size=2&x=a%20b');
  assert.deepEqual(get.request.queryString, [
    { name: 'size', value: '2' },
    { name: 'x', value: 'a b' },
  ]);
  assert.deepEqual(get.request.cookies, [
    { name: 'a', value: '1' },
    { name: 'b', value: '2' },
  ]);
  assert.equal(get.request.headersSize, getRequest.length);
  assert.equal(get.request.bodySize, 0);
  assert.equal(get.response.status, 200);
  assert.equal(get.response.content.mimeType, 'image/png');
  assert.equal(get.response.content.encoding, 'base64');
  assert.deepEqual(Buffer.from(get.response.content.text ?? '', 'base64'), png);
  assert.equal(get.response.content.size, png.length);
  assert.equal(get.startedDateTime, new Date(connection.openedAt).toISOString());
  assert.equal(get.time, 12);
  assert.equal(get._socketscope.connectionId, 'c1');
  assert.deepEqual(Buffer.from(get._socketscope.responseBase64, 'base64'), getResponse);

  assert.deepEqual(post.request.postData, { mimeType: 'application/json', text: '{"a":"☃"}' });
  assert.equal(post.response.status, 201);
  assert.equal(post.response.content.text, 'abc', 'the chunked body is decoded');
  assert.equal(
    post.response.bodySize,
    chunkedResponse.length - chunkedResponse.indexOf('\r\n\r\n') - 4,
  );
});

test('a Socketscope HAR imports back byte for byte', () => {
  const text = JSON.stringify(
    exportHar([
      source(0, getRequest, getResponse, 'GET'),
      source(1, postRequest, chunkedResponse, 'POST'),
    ]),
  );
  const entries = importHar(text, ids('imp'));
  assert.equal(entries.length, 2);
  assert.deepEqual(Buffer.from(entries[0].request), getRequest);
  assert.deepEqual(Buffer.from(entries[0].response), getResponse);
  assert.deepEqual(Buffer.from(entries[1].response), chunkedResponse);
  const { exchange, connection: imported } = entries[1].stored;
  assert.equal(exchange.source, 'replay');
  assert.equal(exchange.connectionId, 'imp-2');
  assert.equal(imported.connectionId, 'imp-2');
  assert.equal(exchange.method, 'POST');
  assert.equal(exchange.status, 201);
  assert.deepEqual(exchange.replayTarget, {
    host: 'localhost',
    port: 8080,
    tls: false,
    insecure: false,
  });
  assert.deepEqual(exchange.requestSpan, { offset: 0, length: postRequest.length });
});

test('a browser HAR without raw bytes becomes HTTP/1.1 messages with consistent framing', () => {
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'Browser', version: '1' },
      entries: [
        {
          startedDateTime: '2026-01-01T00:00:00.000Z',
          time: 50,
          request: {
            method: 'POST',
            url: 'https://example.com/api?q=1',
            httpVersion: 'h2',
            headers: [
              { name: ':authority', value: 'example.com' },
              { name: 'content-type', value: 'text/plain' },
              { name: 'content-length', value: '999' },
            ],
            postData: { mimeType: 'text/plain', text: 'hi' },
          },
          response: {
            status: 200,
            statusText: '',
            httpVersion: 'h2',
            headers: [
              { name: 'content-encoding', value: 'gzip' },
              { name: 'content-type', value: 'application/octet-stream' },
            ],
            content: {
              size: 3,
              mimeType: 'application/octet-stream',
              text: 'AAEC',
              encoding: 'base64',
            },
          },
        },
      ],
    },
  };
  const [entry] = importHar(JSON.stringify(har), ids('b'));
  assert.equal(
    Buffer.from(entry.request).toString(),
    'POST /api?q=1 HTTP/1.1\r\nHost: example.com\r\ncontent-type: text/plain\r\nContent-Length: 2\r\n\r\nhi',
  );
  assert.deepEqual(
    Buffer.from(entry.response),
    Buffer.concat([
      Buffer.from(
        'HTTP/1.1 200 \r\ncontent-type: application/octet-stream\r\nContent-Length: 3\r\n\r\n',
      ),
      Buffer.from([0, 1, 2]),
    ]),
  );
  assert.deepEqual(entry.stored.exchange.replayTarget, {
    host: 'example.com',
    port: 443,
    tls: true,
    insecure: false,
  });
  assert.equal(entry.stored.exchange.status, 200);
  assert.equal(entry.stored.exchange.completedAt, Date.parse('2026-01-01T00:00:00.050Z'));
});

test('a bad HAR is refused with a message naming what is wrong', () => {
  const entry = (patch: Record<string, unknown>) =>
    JSON.stringify({
      log: {
        entries: [
          {
            startedDateTime: '2026-01-01T00:00:00Z',
            request: { method: 'GET', url: 'http://h/', headers: [] },
            ...patch,
          },
        ],
      },
    });
  const cases: [string, RegExp][] = [
    ['{not json', /not valid JSON/],
    ['[]', /no "log" object/],
    ['{"log":{}}', /no "log.entries" list/],
    ['{"log":{"entries":[5]}}', /log\.entries\[0\] is not an object/],
    [entry({ request: { method: 'GET' } }), /log\.entries\[0\]\.request\.url is missing/],
    [entry({ request: { method: 'GET', url: 'not a url' } }), /request\.url is not a URL/],
    [entry({ request: { method: 'G T', url: 'http://h/' } }), /request\.method/],
    [entry({ startedDateTime: 'yesterday' }), /startedDateTime/],
    [
      entry({ request: { method: 'GET', url: 'http://h/', headers: [{ name: 'a' }] } }),
      /headers\[0\] needs/,
    ],
    [entry({ response: { status: 'ok' } }), /response\.status/],
    [
      entry({ response: { status: 200, content: { text: '%%%', encoding: 'base64' } } }),
      /response\.content\.text is marked base64/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => importHar(text, ids('x')), message, text);
  }
});
