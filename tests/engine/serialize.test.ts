import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeChunked,
  parseRequestMessage,
  parseResponseMessage,
  serializeRequest,
  serializeResponse,
} from '../../src-main/engine/serialize';
import { encodeText } from '../../src-main/engine/bytes';

const text = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);
const bytesOf = (value: string): Uint8Array => encodeText(value);

describe('serializeRequest', () => {
  it('writes the request line, fields, empty line and body as given', () => {
    const bytes = serializeRequest({
      method: 'GET',
      target: '/index.html',
      version: 'HTTP/1.1',
      headers: [
        ['Host', '127.0.0.1:8080'],
        ['Accept', '*/*'],
      ],
    });
    assert.equal(
      text(bytes),
      'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n',
    );
  });

  it('keeps a wrong Content-Length in keep mode (raw teaching input)', () => {
    const bytes = serializeRequest(
      {
        method: 'POST',
        target: '/',
        version: 'HTTP/1.1',
        headers: [['Content-Length', '99']],
        body: bytesOf('abc'),
      },
      { contentLength: 'keep' },
    );
    assert.equal(text(bytes), 'POST / HTTP/1.1\r\nContent-Length: 99\r\n\r\nabc');
  });

  it('auto mode replaces every Content-Length by one with the real length, in place', () => {
    const bytes = serializeRequest(
      {
        method: 'POST',
        target: '/',
        version: 'HTTP/1.1',
        headers: [
          ['Host', 'a'],
          ['content-length', '1'],
          ['X', 'y'],
          ['Content-Length', '2'],
        ],
        body: bytesOf('hello'),
      },
      { contentLength: 'auto' },
    );
    assert.equal(
      text(bytes),
      'POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 5\r\nX: y\r\n\r\nhello',
    );
  });

  it('auto mode adds Content-Length: 0 to an empty POST but nothing to an empty GET', () => {
    const post = serializeRequest(
      { method: 'POST', target: '/', version: 'HTTP/1.1', headers: [] },
      { contentLength: 'auto' },
    );
    const get = serializeRequest(
      { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [] },
      { contentLength: 'auto' },
    );
    assert.equal(text(post), 'POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n');
    assert.equal(text(get), 'GET / HTTP/1.1\r\n\r\n');
  });

  it('auto mode leaves Content-Length alone when Transfer-Encoding is present', () => {
    const body = encodeChunked(bytesOf('abc'), 2);
    const bytes = serializeRequest(
      {
        method: 'POST',
        target: '/',
        version: 'HTTP/1.1',
        headers: [['Transfer-Encoding', 'chunked']],
        body,
      },
      { contentLength: 'auto' },
    );
    assert.equal(
      text(bytes),
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n',
    );
  });

  it('writes invalid versions verbatim, so broken messages can be produced on purpose', () => {
    const bytes = serializeRequest({
      method: 'GET',
      target: '/',
      version: 'HTTP/1.x',
      headers: [],
    });
    assert.equal(text(bytes), 'GET / HTTP/1.x\r\n\r\n');
  });
});

describe('serializeResponse', () => {
  it('computes Content-Length for a 200 with a body', () => {
    const bytes = serializeResponse(
      {
        version: 'HTTP/1.1',
        status: 200,
        reason: 'OK',
        headers: [['Content-Type', 'text/plain']],
        body: bytesOf('hi'),
      },
      { contentLength: 'auto' },
    );
    assert.equal(
      text(bytes),
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi',
    );
  });

  it('never adds Content-Length to 204 or 1xx (RFC 9110 §8.6)', () => {
    for (const [status, reason] of [
      [204, 'No Content'],
      [100, 'Continue'],
    ] as const) {
      const bytes = serializeResponse(
        { version: 'HTTP/1.1', status, reason, headers: [] },
        { contentLength: 'auto' },
      );
      assert.equal(text(bytes), `HTTP/1.1 ${status} ${reason}\r\n\r\n`);
    }
  });

  it('keeps an empty reason phrase with its separating space', () => {
    const bytes = serializeResponse({ version: 'HTTP/1.1', status: 404, reason: '', headers: [] });
    assert.equal(text(bytes), 'HTTP/1.1 404 \r\n\r\n');
  });
});

describe('encodeChunked and encodeText', () => {
  it('splits into hex-sized chunks, ends with the last chunk, trailers and empty line', () => {
    const body = bytesOf('a'.repeat(20));
    assert.equal(
      text(encodeChunked(body, 16, [['X-Sum', '1']])),
      `10\r\n${'a'.repeat(16)}\r\n4\r\naaaa\r\n0\r\nX-Sum: 1\r\n\r\n`,
    );
    assert.equal(text(encodeChunked(new Uint8Array(0), 8)), '0\r\n\r\n');
  });

  it('encodes latin1 text byte for byte and anything wider as UTF-8', () => {
    assert.deepEqual([...encodeText('é\u00ff')], [0xe9, 0xff]);
    assert.deepEqual([...encodeText('中')], [0xe4, 0xb8, 0xad]);
  });
});

describe('parseRequestMessage / parseResponseMessage', () => {
  it('parses a chunked request back into its structured form with the body decoded', () => {
    const body = bytesOf('hello world');
    const bytes = serializeRequest({
      method: 'PUT',
      target: '/files/a.txt',
      version: 'HTTP/1.1',
      headers: [
        ['Host', 'example.com'],
        ['Transfer-Encoding', 'chunked'],
      ],
      body: encodeChunked(body, 4, [['X-Checksum', 'abc']]),
    });
    const parsed = parseRequestMessage(bytes);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.message.method, 'PUT');
    assert.equal(parsed.message.target, '/files/a.txt');
    assert.equal(parsed.message.version, 'HTTP/1.1');
    assert.deepEqual(parsed.message.headers, [
      ['Host', 'example.com'],
      ['Transfer-Encoding', 'chunked'],
    ]);
    assert.deepEqual(parsed.message.trailers, [['X-Checksum', 'abc']]);
    assert.equal(text(parsed.message.body), 'hello world');
    assert.equal(parsed.message.length, bytes.length);
  });

  it('reports the first of several pipelined requests with the bytes it used', () => {
    const first = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
    const parsed = parseRequestMessage(bytesOf(first + 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.ok(parsed.ok);
    assert.equal(parsed.message.target, '/a');
    assert.equal(parsed.message.length, first.length);
  });

  it('returns the error event for an invalid request', () => {
    const parsed = parseRequestMessage(bytesOf('GET / HTTP/1.1\r\nHost : x\r\n\r\n'));
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.equal(parsed.error.code, 'WHITESPACE_BEFORE_COLON');
      assert.equal(parsed.error.status, 400);
    }
  });

  it('returns an error for a truncated request', () => {
    const parsed = parseRequestMessage(bytesOf('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'));
    assert.equal(parsed.ok, false);
  });

  it('frames a response to HEAD without a body even when Content-Length is set', () => {
    const bytes = bytesOf('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n');
    const parsed = parseResponseMessage(bytes, 'HEAD');
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(parsed.message.status, 200);
    assert.equal(parsed.message.reason, 'OK');
    assert.equal(parsed.message.body.length, 0);
    assert.equal(
      parseResponseMessage(bytes).ok,
      false,
      'without HEAD the 1234 body bytes are missing',
    );
  });

  it('reads a close-delimited response body up to the end of the bytes', () => {
    const parsed = parseResponseMessage(
      bytesOf('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<h1>hi</h1>'),
    );
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.equal(text(parsed.message.body), '<h1>hi</h1>');
  });
});
