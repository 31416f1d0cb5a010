import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatHead,
  hasHeader,
  headerCount,
  headerValue,
  headerValues,
  methodExpectsContent,
  reasonPhrase,
  requestLine,
  responseMayDeclareLength,
  sameFieldName,
  statusHasNoContent,
  statusLine,
} from '../../src-main/engine/semantics';
import {
  base64ToBytes,
  bytesToBase64,
  concatBytes,
  decodeLatin1,
  encodeLatin1,
  encodeText,
  isBase64,
  copyBytes,
} from '../../src-main/engine/bytes';
import { readMessages } from '../../src-main/engine/message-parser';
import { serializeResponse } from '../../src-main/engine/serialize';

const SEED = 20261201;

describe('semantics: statuses without content', () => {
  it('1xx, 204 and 304 carry none; every other status may', () => {
    for (let status = 100; status <= 999; status++) {
      const none = (status >= 100 && status < 200) || status === 204 || status === 304;
      assert.equal(statusHasNoContent(status), none, String(status));
      assert.equal(responseMayDeclareLength(status), !none, String(status));
    }
  });

  it('the parser frames such a response without a body, whatever its headers say', () => {
    for (const status of [100, 103, 204, 304]) {
      const wire = encodeLatin1(`HTTP/1.1 ${status} X\r\nContent-Length: 5\r\n\r\n`);
      const { messages } = readMessages('response', wire, { requestMethods: ['GET'] });
      assert.equal(messages[0]?.head.framing, 'none', String(status));
    }
  });

  it('POST, PUT and PATCH expect content', () => {
    assert.deepEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'post'].map(methodExpectsContent), [
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('semantics: reason phrases', () => {
  it('names the statuses RFC 9110 §15 names, and nothing else', () => {
    assert.equal(reasonPhrase(200), 'OK');
    assert.equal(reasonPhrase(404), 'Not Found');
    assert.equal(reasonPhrase(413), 'Content Too Large');
    assert.equal(reasonPhrase(431), 'Request Header Fields Too Large');
    assert.equal(reasonPhrase(505), 'HTTP Version Not Supported');
    assert.equal(reasonPhrase(299), '');
  });

  // Regression: 203, 205, 300, 305, 402, 406, 407 and 416 had no phrase, so a rule that set one
  // sent `HTTP/1.1 203 ` with an empty reason.
  it('has a phrase for every status RFC 9110 §15 defines', () => {
    const defined = [
      100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401,
      402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 426,
      500, 501, 502, 503, 504, 505,
    ];
    const missing = defined.filter((status) => reasonPhrase(status) === '');
    assert.deepEqual(missing, []);
    assert.equal(reasonPhrase(203), 'Non-Authoritative Information');
    assert.equal(reasonPhrase(416), 'Range Not Satisfiable');
  });
});

describe('semantics: header lookup', () => {
  const headers: [string, string][] = [
    ['Host', 'a'],
    ['Set-Cookie', 'x=1'],
    ['set-cookie', 'y=2'],
    ['X-Empty', ''],
  ];

  it('is case-insensitive and finds the first field', () => {
    assert.equal(headerValue(headers, 'host'), 'a');
    assert.equal(headerValue(headers, 'HOST'), 'a');
    assert.equal(headerValue(headers, 'SET-COOKIE'), 'x=1');
    assert.deepEqual(headerValues(headers, 'Set-Cookie'), ['x=1', 'y=2']);
    assert.equal(headerCount(headers, 'set-cookie'), 2);
    assert.equal(headerValue(headers, 'x-empty'), '');
    assert.equal(hasHeader(headers, 'x-empty'), true);
    assert.equal(headerValue(headers, 'missing'), null);
    assert.equal(hasHeader(headers, 'hos'), false);
  });

  it(`agrees with comparing lower-cased names (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), (a, b) => {
        assert.equal(sameFieldName(a, b), a.toLowerCase() === b.toLowerCase());
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('semantics: head writing', () => {
  it('writes start line, fields and the empty line exactly as given', () => {
    assert.equal(
      formatHead(requestLine('GET', '/x', 'HTTP/1.1'), [
        ['Host', 'a'],
        ['X', ''],
      ]),
      'GET /x HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n',
    );
    assert.equal(statusLine('HTTP/1.1', 7, 'Odd'), 'HTTP/1.1 007 Odd');
    assert.equal(
      formatHead(statusLine('HTTP/1.x', 200, 'OK'), [['Content-Type', 'text/html']], '\n'),
      'HTTP/1.x 200 OK\nContent-Type: text/html\n\n',
    );
  });

  it('a serialised response with a no-content status gets no Content-Length', () => {
    for (const status of [101, 204, 304]) {
      const wire = serializeResponse(
        { version: 'HTTP/1.1', status, reason: 'X', headers: [] },
        { contentLength: 'auto' },
      );
      assert.doesNotMatch(decodeLatin1(wire), /Content-Length/i, String(status));
    }
  });
});

describe('byte helpers, once', () => {
  it(`latin1 and base64 round-trip every byte (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        assert.deepEqual(encodeLatin1(decodeLatin1(bytes)), bytes);
        const text = bytesToBase64(bytes);
        assert.ok(isBase64(text));
        assert.deepEqual(base64ToBytes(text), bytes);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('decodes a slice, and refuses what is not base64 without throwing', () => {
    assert.equal(decodeLatin1(encodeLatin1('abcdef'), 2, 4), 'cd');
    assert.deepEqual(base64ToBytes(' SGk=\n'), encodeLatin1('Hi'));
    for (const bad of ['*', 'S', 'a=b', 'SGk===']) assert.equal(base64ToBytes(bad), null, bad);
  });

  it('encodeText is latin1 when it can be, UTF-8 otherwise; concat joins in order', () => {
    assert.deepEqual([...encodeText('é\u00ff')], [0xe9, 0xff]);
    assert.deepEqual([...encodeText('中')], [0xe4, 0xb8, 0xad]);
    assert.deepEqual(
      [...concatBytes([encodeLatin1('ab'), new Uint8Array(0), encodeLatin1('c')])],
      [0x61, 0x62, 0x63],
    );
  });
});

it('copyBytes copies a Buffer too (Buffer#slice would return a view of it)', () => {
  const chunk = Buffer.from('hello world');
  const copy = copyBytes(chunk.subarray(0, 5));
  chunk.fill(0);
  assert.equal(Buffer.from(copy).toString(), 'hello');
});
