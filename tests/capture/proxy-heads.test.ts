// The heads a proxy passes on: which fields are end-to-end (RFC 9110 §7.6.1), told apart without
// lowercasing every name, with the same answers as comparing lowercased names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endToEnd, responseHead } from '../../src-main/capture/proxy-heads';

type Pairs = [string, string][];

const names = (fields: Pairs): string[] => fields.map(([name]) => name);

test('hop-by-hop fields are dropped whatever their case; end-to-end ones of the same lengths stay, in order', () => {
  const fields: Pairs = [
    ['Host', 'x'],
    ['User-Agent', 'curl'],
    ['KEEP-ALIVE', 'timeout=5'],
    ['Set-Cookie', 'a=1'],
    ['TE', 'trailers'],
    ['Referer', 'http://x/'],
    ['Trailer', 'X'],
    ['upgrade', 'h2c'],
    ['Proxy-Authorization', 'Basic eA=='],
    ['proxy-connection', 'keep-alive'],
    ['Proxy-Authenticate', 'Basic'],
    ['Transfer-Encoding', 'chunked'],
    ['Te-', 'not te'],
    ['Content-Length', '3'],
  ];
  assert.deepEqual(names(endToEnd(fields)), [
    'Host',
    'User-Agent',
    'Set-Cookie',
    'Referer',
    'Te-',
    'Content-Length',
  ]);
});

test('the fields a Connection field names are dropped with it, in any case and spacing', () => {
  const fields: Pairs = [
    ['connection', ' X-Hop ,keep-alive,, x-other'],
    ['X-HOP', '1'],
    ['x-Other', '2'],
    ['X-Hope', 'kept'],
    ['Keep-Alive', 'timeout=5'],
    ['CONNECTION', 'close'],
    ['Close', 'named by the option'],
    ['Accept', '*/*'],
  ];
  assert.deepEqual(names(endToEnd(fields)), ['X-Hope', 'Accept']);
});

test('Connection: keep-alive names only a hop-by-hop field: every other field stays', () => {
  const fields: Pairs = [
    ['Content-Type', 'text/html'],
    ['Content-Length', '5'],
    ['Date', 'Tue, 01 Dec 2026 17:00:00 GMT'],
    ['Connection', 'keep-alive'],
    ['Keep-Alive', 'timeout=60'],
  ];
  assert.deepEqual(names(endToEnd(fields)), ['Content-Type', 'Content-Length', 'Date']);
});

test('a name that only looks like a hop-by-hop one (not ASCII) is not one', () => {
  // U+212A KELVIN SIGN lowercases to "k": a field name is a token, and this is none.
  assert.deepEqual(names(endToEnd([['\u212Aeep-Alive', 'x']])), ['\u212Aeep-Alive']);
});

test('a response head keeps its end-to-end fields and says keep-alive to an HTTP/1.0 client', () => {
  const { text, framing, close } = responseHead({
    status: 200,
    reason: 'OK',
    fields: [
      ['Content-Length', '2'],
      ['Connection', 'keep-alive, X-Gone'],
      ['X-Gone', '1'],
      ['X-Kept', '2'],
    ],
    framing: 'content-length',
    clientMinor: 0,
    close: false,
  });
  assert.equal(framing, 'length');
  assert.equal(close, false);
  assert.equal(
    text,
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Kept: 2\r\nConnection: keep-alive\r\n\r\n',
  );
});
