import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  compileFilter,
  highlightWords,
  parseQuery,
  readsContent,
  type FilterFields,
} from '../../src-main/protocol/filter';
import { SearchTextCache, decodeBody, searchTextOf } from '../../src-main/host/search-text';
import { encodeChunked } from '../../src-main/engine/serialize';
import { createCore, type Core } from '../../src-main/host/core';

test('the query syntax: free words, phrases and status, method, host, header and body fields', () => {
  assert.deepEqual(parseQuery('  Foo status:404 method:post host:Example.com  '), [
    { field: 'any', value: 'foo' },
    { field: 'status', value: '404' },
    { field: 'method', value: 'post' },
    { field: 'host', value: 'example.com' },
  ]);
  assert.deepEqual(parseQuery('header:"Content-Type: text" body:"two words" "a phrase"'), [
    { field: 'header', value: 'content-type: text' },
    { field: 'body', value: 'two words' },
    { field: 'any', value: 'a phrase' },
  ]);
  // Unknown fields and URLs stay free words; an empty field value is no term.
  assert.deepEqual(parseQuery('http://x/a?b=c foo:bar body: body:""'), [
    { field: 'any', value: 'http://x/a?b=c' },
    { field: 'any', value: 'foo:bar' },
    { field: 'any', value: 'body:' },
  ]);
  assert.deepEqual(parseQuery('body:"unterminated phrase'), [
    { field: 'body', value: 'unterminated phrase' },
  ]);
  assert.deepEqual(parseQuery(''), []);
  assert.deepEqual(highlightWords('status:200 method:GET host:a.b header:x-id body:hello hello'), [
    'a.b',
    'x-id',
    'hello',
  ]);
  assert.equal(
    readsContent({ text: 'status:200 method:GET host:a', method: '', statusClass: '' }),
    false,
  );
  assert.equal(readsContent({ text: 'body:x', method: '', statusClass: '' }), true);
  assert.equal(readsContent({ text: 'word', method: '', statusClass: '' }), false);
});

function fields(over: Partial<FilterFields> = {}): FilterFields {
  return {
    method: 'POST',
    target: '/api/items?id=7',
    host: 'api.example.com',
    status: 404,
    hasError: false,
    connectionId: 'c1',
    headerText: 'content-type: application/json\nx-trace: abc123',
    bodyText: '{"name":"widget"}',
    ...over,
  };
}

test('each term must match, in its own field', () => {
  const keeps = (text: string, over?: Partial<FilterFields>): boolean =>
    compileFilter({ text, method: '', statusClass: '' })!(fields(over));
  assert.equal(keeps('status:404'), true);
  assert.equal(keeps('status:4'), true, 'a status prefix');
  assert.equal(keeps('status:4xx'), true, 'a status class');
  assert.equal(keeps('status:200'), false);
  assert.equal(keeps('status:pending', { status: null }), true);
  assert.equal(keeps('method:post'), true);
  assert.equal(keeps('method:pos'), false, 'a method is matched whole');
  assert.equal(keeps('host:example'), true);
  assert.equal(keeps('host:items'), false, 'host: looks at the host only');
  assert.equal(keeps('header:x-trace'), true, 'a header name');
  assert.equal(keeps('header:abc123'), true, 'a header value');
  assert.equal(keeps('header:widget'), false, 'header: does not look in bodies');
  assert.equal(keeps('body:widget'), true);
  assert.equal(keeps('body:x-trace'), false, 'body: does not look in headers');
  assert.equal(keeps('items'), true, 'free words match the URL as before');
  assert.equal(keeps('abc123'), false, 'but not headers (header: does)');
  assert.equal(keeps('widget'), false, 'nor bodies (body: does)');
  assert.equal(keeps('body:widget status:200'), false, 'every term must match');
  assert.equal(keeps('body:WIDGET Status:404 METHOD:Post items'), true, 'case does not matter');
  // Where headers and bodies cannot be read, terms on them do not match (and nothing throws).
  assert.equal(keeps('body:widget', { bodyText: undefined, headerText: undefined }), false);
  assert.equal(keeps('items', { bodyText: undefined, headerText: undefined }), true);
});

test('bodies are decoded from gzip, br, deflate (zlib and raw) and stacked codings', () => {
  const text = Buffer.from('the decoded text ✓');
  assert.equal(Buffer.from(decodeBody(gzipSync(text), 'gzip')).toString(), text.toString());
  assert.equal(Buffer.from(decodeBody(gzipSync(text), 'x-gzip')).toString(), text.toString());
  assert.equal(Buffer.from(decodeBody(brotliCompressSync(text), 'br')).toString(), text.toString());
  assert.equal(Buffer.from(decodeBody(deflateSync(text), 'deflate')).toString(), text.toString());
  assert.equal(
    Buffer.from(decodeBody(deflateRawSync(text), 'Deflate')).toString(),
    text.toString(),
  );
  const stacked = brotliCompressSync(gzipSync(text));
  assert.equal(Buffer.from(decodeBody(stacked, 'gzip, br')).toString(), text.toString());
  assert.equal(Buffer.from(decodeBody(text, 'identity')).toString(), text.toString());
  // Damaged or unknown codings give back the bytes as they are; a cut-off gzip what it holds.
  const garbage = Buffer.from('not compressed at all');
  assert.deepEqual(Buffer.from(decodeBody(garbage, 'gzip')), garbage);
  assert.deepEqual(Buffer.from(decodeBody(garbage, 'zstd')), garbage);
  const long = Buffer.from('abcdefghij'.repeat(2000));
  const cut = gzipSync(long).subarray(0, 200);
  const partial = Buffer.from(decodeBody(cut, 'gzip')).toString();
  assert.ok(partial.length > 0 && long.toString().startsWith(partial), 'the start of a cut gzip');
});

test('an exchange’s search text: header lines and chunked, compressed bodies of both messages', () => {
  const gz = gzipSync(Buffer.from('Response Body Words'));
  const chunked = encodeChunked(gz, 10);
  const request = Buffer.from(
    'POST /x HTTP/1.1\r\nHost: h\r\nX-Token: Secret\r\nContent-Length: 9\r\n\r\nreq=Value',
  );
  const response = Buffer.concat([
    Buffer.from('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n'),
    Buffer.from(chunked),
  ]);
  const text = searchTextOf(request, response);
  assert.match(text.headers, /^host: h\nx-token: secret\n/);
  assert.match(text.headers, /content-encoding: gzip/);
  assert.match(text.body, /req=value/);
  assert.match(text.body, /response body words/);
  assert.doesNotMatch(text.body, /x-token/);
  // Bytes that are no HTTP at all: nothing to search, no throw.
  assert.deepEqual(searchTextOf(Buffer.from('\x00\x01garbage'), Buffer.alloc(0)), {
    headers: '',
    body: '',
  });
});

test('the cache of search texts keeps within its bound, dropping the least recently used', () => {
  const cache = new SearchTextCache(100);
  let made = 0;
  const make = (n: number) => () => {
    made++;
    return { headers: 'h'.repeat(n), body: '' };
  };
  cache.get('a', make(40));
  cache.get('b', make(40));
  cache.get('a', make(40));
  assert.equal(made, 2, 'a known key is not made again');
  cache.get('c', make(40));
  assert.ok(cache.heldChars <= 100);
  assert.equal(cache.size, 2);
  cache.get('a', make(40));
  assert.equal(made, 3, 'a (used last) stayed, b went');
  cache.get('b', make(40));
  assert.equal(made, 4);
  cache.get('huge', make(500));
  assert.ok(cache.heldChars <= 100, 'a text above the bound is not kept');
});

function send(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

let core: Core;
let home: string;
let port: number;
before(async () => {
  home = mkdtempSync(join(tmpdir(), 'socketscope-search-'));
  core = await createCore({ home, batchMs: 20 });
  const state = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  port = state.port;
});
after(async () => {
  await core.close();
  rmSync(home, { recursive: true, force: true });
});

test('the Core filters the list on headers and decoded bodies read from the session', async () => {
  const gz = gzipSync(Buffer.from('{"needle":"in a gzip haystack"}'));
  const body = Buffer.from(encodeChunked(gz, 7));
  await send(
    port,
    Buffer.concat([
      Buffer.from(
        'POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: rq-777\r\n' +
          'Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ),
      body,
    ]),
  );
  await send(
    port,
    Buffer.from('GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
  );
  const targets = async (text: string): Promise<(string | null)[]> => {
    const page = await core.call('exchanges.rows', {
      from: 0,
      count: 10,
      filter: { text, method: '', statusClass: '' },
    });
    return page.rows.map((row) => row.target);
  };
  for (let i = 0; i < 100; i++) {
    if ((await targets('')).length === 2) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await targets(''), ['/upload', '/plain']);
  assert.deepEqual(await targets('body:haystack'), ['/upload']);
  assert.deepEqual(await targets('haystack'), [], 'a free word looks at the summary only');
  assert.deepEqual(await targets('upload body:needle'), ['/upload']);
  assert.deepEqual(await targets('header:rq-777'), ['/upload']);
  assert.deepEqual(await targets('header:x-request-id method:GET'), []);
  assert.deepEqual(await targets('method:get'), ['/plain']);
  assert.deepEqual(await targets('body:x-request-id'), []);
  const at = await core.call('exchanges.indexOf', {
    exchangeId: (await core.call('exchanges.rows', { from: 1, count: 1 })).rows[0].exchangeId,
    filter: { text: 'host:127.0.0.1 plain', method: '', statusClass: '' },
  });
  assert.equal(at.index, 0);
});

test('the Core sorts the list (with paging, under a filter) and finds a row in the sorted order', async () => {
  for (const [path, size] of [
    ['/sort/b', 30],
    ['/sort/a', 10],
    ['/sort/c', 20],
  ] as const) {
    await send(
      port,
      Buffer.from(
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${'x'.repeat(size)}`,
      ),
    );
  }
  const filter = { text: '/sort/', method: '', statusClass: '' as const };
  const page = async (sort: unknown, from = 0, count = 10): Promise<(string | null)[]> =>
    (await core.call('exchanges.rows', { from, count, filter, sort } as never)).rows.map(
      (r) => r.target,
    );
  for (let i = 0; i < 100; i++) {
    if ((await page(null)).length === 3) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await page(null), ['/sort/b', '/sort/a', '/sort/c'], 'arrival order');
  assert.deepEqual(await page({ key: 'target', descending: false }), [
    '/sort/a',
    '/sort/b',
    '/sort/c',
  ]);
  assert.deepEqual(await page({ key: 'target', descending: true }), [
    '/sort/c',
    '/sort/b',
    '/sort/a',
  ]);
  assert.deepEqual(await page({ key: 'size', descending: false }), [
    '/sort/a',
    '/sort/c',
    '/sort/b',
  ]);
  assert.deepEqual(await page({ key: 'size', descending: true }, 1, 2), ['/sort/c', '/sort/a']);
  const rowsSorted = await core.call('exchanges.rows', {
    from: 0,
    count: 3,
    filter,
    sort: { key: 'target', descending: false },
  });
  const b = rowsSorted.rows[1].exchangeId;
  const found = await core.call('exchanges.indexOf', {
    exchangeId: b,
    filter,
    sort: { key: 'target', descending: true },
  });
  assert.equal(found.index, 1);
  await assert.rejects(page({ key: 'nonsense' }), /sort.key must be/);
  await assert.rejects(page({ key: 'size', descending: 'yes' }), /sort.descending/);
});
