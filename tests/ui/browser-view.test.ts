// The byte view's spans for a response as a browser reads it: every byte in exactly one span,
// tolerated bytes coloured for what they are to the browser, never a throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Annotation } from '../../src-main/engine/annotate';
import { readResponse } from '../../src-main/engine/browser-reading';
import { browserAnnotations } from '../../src-renderer/lib/browser-view';
import { breakIds, deriveBreak, splitResponse } from '../../src-renderer/lib/breaks';
import { parseResponse } from '../../src-renderer/lib/message';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function spansOf(bytes: Uint8Array): Annotation[] {
  const reading = readResponse(bytes, { requestMethod: 'GET', complete: true });
  assert.ok(reading.browser, 'a browser reads it');
  return browserAnnotations(bytes, reading.browser);
}

function assertCovers(spans: Annotation[], length: number): void {
  let at = 0;
  for (const span of spans) {
    assert.equal(span.offset, at, `span at ${span.offset} follows ${at}`);
    assert.ok(span.length > 0);
    at += span.length;
  }
  assert.equal(at, length, 'every byte once');
}

function kindsOf(spans: Annotation[], bytes: Uint8Array): [string, string][] {
  return spans.map((s) => [
    s.kind,
    Buffer.from(bytes.subarray(s.offset, s.offset + s.length)).toString('latin1'),
  ]);
}

test('the naive server’s page: HTTP/1.x, bare LF, close-delimited body, each byte what it is', () => {
  const bytes = enc('HTTP/1.x 200 OK\nContent-Type: text/html\n\n<p>hi</p>');
  const spans = spansOf(bytes);
  assertCovers(spans, bytes.length);
  assert.deepEqual(kindsOf(spans, bytes), [
    ['version', 'HTTP/1.x'],
    ['sp', ' '],
    ['status-code', '200'],
    ['sp', ' '],
    ['reason-phrase', 'OK'],
    ['lf', '\n'],
    ['field-name', 'Content-Type'],
    ['colon', ':'],
    ['ows', ' '],
    ['field-value', 'text/html'],
    ['lf', '\n'],
    ['empty-line', '\n'],
    ['body', '<p>hi</p>'],
  ]);
  assert.equal(spans.find((s) => s.kind === 'field-name')?.key, 'header.content-type');
  assert.equal(spans.find((s) => s.kind === 'empty-line')?.key, 'empty-line.lf');
  assert.ok(spans.every((s) => s.kind !== 'invalid'));
});

test('the image’s answer: its leading empty line is a line end, not invalid', () => {
  const bytes = enc('\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n\xff\xd8\xff\xe0');
  const spans = spansOf(bytes);
  assertCovers(spans, bytes.length);
  assert.deepEqual(kindsOf(spans, bytes)[0], ['lf', '\n']);
  assert.deepEqual(kindsOf(spans, bytes)[1], ['version', 'HTTP/1.x']);
  assert.deepEqual(kindsOf(spans, bytes).at(-1), ['body', '\xff\xd8\xff\xe0']);
});

test('every break the lab derives that a browser reads is covered byte for byte', () => {
  const page = '<!doctype html>\n<p>a</p>\n<img src="test.jpg">\n<p>the end of the page</p>\n';
  const source = splitResponse(
    enc(
      `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    ),
  );
  assert.ok(source);
  let read = 0;
  for (const id of breakIds) {
    const bytes = deriveBreak(id, source);
    if (!bytes) continue;
    const reading = readResponse(bytes, { requestMethod: 'GET', complete: true });
    if (!reading.browser) continue;
    read++;
    assertCovers(browserAnnotations(bytes, reading.browser), bytes.length);
  }
  assert.ok(read >= 5, `${read} breaks read by a browser`);
});

test('property: any response a browser reads gets spans covering every byte once', () => {
  const line = fc.constantFrom('\r\n', '\n');
  const field = fc
    .tuple(
      fc.constantFrom('Content-Type', 'Content-Length', 'X-A', 'bad line', ''),
      fc.string({ maxLength: 12 }),
      line,
    )
    .map(([name, value, end]) => (name === '' ? end : `${name}: ${value}${end}`));
  const response = fc
    .tuple(
      fc.constantFrom('', '\n', '\r\n', 'xx'),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.x', 'http/1.0', 'HTTP/2'),
      fc.constantFrom(' 200 OK', ' 404 Not Found', ' 200', ' 99 x'),
      line,
      fc.array(field, { maxLength: 5 }),
      fc.constantFrom('', '\n', '\r\n'),
      fc.string({ maxLength: 40 }),
    )
    .map((parts) => enc(parts.join('')));
  fc.assert(
    fc.property(response, (bytes) => {
      const reading = readResponse(bytes, { requestMethod: 'GET', complete: true });
      if (!reading.browser) return;
      assertCovers(browserAnnotations(bytes, reading.browser), bytes.length);
    }),
    { numRuns: 500 },
  );
});

test('the message view’s reading: the browser’s headers and body where strict parsing fails, an error where a browser refuses', () => {
  const naive = parseResponse(enc('HTTP/1.x 200 OK\nContent-Type: text/html\n\n<p>hi</p>'));
  assert.equal(naive.error, null);
  assert.equal(naive.startLine, 'HTTP/1.x 200 OK');
  assert.deepEqual(
    naive.headers.map((h) => [h.name, h.value]),
    [['Content-Type', 'text/html']],
  );
  assert.equal(Buffer.from(naive.body).toString('latin1'), '<p>hi</p>');
  assert.equal(naive.contentType, 'text/html');
  assert.ok(naive.browser?.strictError, 'a strict reader fails on it');
  assert.ok(naive.browser?.deviations.some((d) => d.code === 'BARE_LF'));

  const clean = parseResponse(enc('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  assert.equal(clean.error, null);
  assert.deepEqual(
    clean.browser?.deviations.map((d) => d.code),
    ['NO_CONTENT_TYPE'],
  );

  const refused = parseResponse(enc('<p>body only</p>'));
  assert.ok(refused.error, 'stays an error');
  assert.equal(refused.browser?.message, null);
  assert.equal(refused.browser?.end, 'refused');

  const waiting = parseResponse(
    enc('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab'),
    'GET',
    false,
  );
  assert.equal(waiting.browser?.end, 'waiting');
});
