// The broken-response lab's pure logic: each break's bytes derived from a response, its
// prediction, and the outcome read from captured traffic.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionSummary, ExchangeSummary } from '../../src-main/protocol/types';
import { readMessages } from '../../src-main/engine/message-parser';
import {
  applies,
  breakIds,
  breakOfRule,
  cleanResponse,
  deriveBreak,
  EXTRA_BYTES,
  isLabRule,
  labRule,
  matches,
  observeVisit,
  predict,
  splitResponse,
  withBreak,
  withoutBreaks,
} from '../../src-renderer/lib/breaks';
import { bytesToBase64 } from '../../src-renderer/lib/bytes';
import { newRule } from '../../src-renderer/lib/rules';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

const page =
  '<!doctype html>\n<title>T</title>\n<h1>Hello</h1>\n<img src="test.jpg">\n<p>and a paragraph after the image tag, long enough that half of the page ends after the tag: it is cut</p>\n';
const pageResponse = enc(
  `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${enc(page).length}\r\nDate: Tue, 01 Dec 2026 09:00:00 GMT\r\nConnection: keep-alive\r\n\r\n${page}`,
);
const jpeg = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9,
]);
const imageResponse = new Uint8Array([
  ...enc(`HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`),
  ...jpeg,
]);

function source(bytes = pageResponse) {
  const split = splitResponse(bytes);
  assert.ok(split);
  return split;
}

test('a response is taken apart: status, non-framing fields, body, content type', () => {
  const s = source();
  assert.equal(s.status, 200);
  assert.equal(s.reason, 'OK');
  assert.deepEqual(
    s.headers.map(([name]) => name),
    ['Content-Type', 'Date'],
  );
  assert.equal(str(s.body), page);
  assert.equal(s.contentType, 'text/html; charset=utf-8');
});

test('a tutorial-exact response (leading LF, HTTP/1.x, LF line ends, no length) is taken apart too', () => {
  const s = splitResponse(enc('\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\nJPEGBYTES'));
  assert.ok(s);
  assert.equal(s.contentType, 'image/jpg');
  assert.equal(str(s.body), 'JPEGBYTES');
});

test('a chunked body is decoded; a body longer than its Content-Length is cut to it', () => {
  const chunked = splitResponse(
    enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
  );
  assert.equal(str(chunked!.body), 'hello');
  assert.deepEqual(chunked!.headers, []);
  const cut = splitResponse(enc('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello'));
  assert.equal(str(cut!.body), 'he');
});

test('what is not a response with a head gives null, never throws', () => {
  assert.equal(splitResponse(enc('<html>no head')), null);
  assert.equal(splitResponse(enc('garbage\r\n\r\nbody')), null);
  assert.equal(splitResponse(new Uint8Array(0)), null);
});

test('the clean response parses strictly and keeps the body', () => {
  const read = readMessages('response', cleanResponse(source()), { final: true, limit: 1 });
  assert.equal(read.error, null);
  assert.equal(str(read.messages[0]!.body), page);
});

test('each break changes exactly what it names', () => {
  const s = source();
  const body = page;
  const get = (id: (typeof breakIds)[number]): string => str(deriveBreak(id, s)!);

  const noEmpty = get('noEmptyLine');
  assert.ok(noEmpty.startsWith('HTTP/1.1 200 OK\r\n'));
  assert.ok(!noEmpty.includes('\r\n\r\n'));
  assert.ok(noEmpty.endsWith(`Connection: close\r\n${body}`));

  const bareLf = get('bareLf');
  assert.ok(!bareLf.includes('\r'));
  assert.ok(bareLf.includes('\n\n<!doctype'));

  const long = get('contentLengthLong');
  assert.match(long, new RegExp(`Content-Length: ${enc(body).length + EXTRA_BYTES}\r\n`));
  assert.ok(long.endsWith(body));

  const short = get('contentLengthShort');
  assert.match(short, new RegExp(`Content-Length: ${Math.floor(enc(body).length / 2)}\r\n`));
  assert.ok(short.endsWith(body), 'the whole body is still sent');

  const noStatus = get('noStatusLine');
  assert.ok(noStatus.startsWith('Content-Type: text/html'));

  assert.equal(get('http09'), body);

  const noType = get('noContentType');
  assert.ok(!/content-type/i.test(noType));
  assert.ok(noType.startsWith('HTTP/1.1 200 OK\r\n'));

  assert.equal(deriveBreak('wrongImageType', s), null, 'the page is not an image');
  assert.equal(applies('wrongImageType', s), false);
});

test('the wrong Content-Type for the image keeps the image bytes and says text/html', () => {
  const s = source(imageResponse);
  const bytes = deriveBreak('wrongImageType', s)!;
  const read = readMessages('response', bytes, { final: true, limit: 1 });
  const head = read.messages[0]!.head;
  assert.deepEqual(
    head.fields.filter((f) => /content-type/i.test(f.name)).map((f) => f.value),
    ['text/html'],
  );
  assert.deepEqual([...read.messages[0]!.body], [...jpeg]);
});

test('predictions: what refuses, what renders, whether the image is asked for', () => {
  const s = source();
  assert.equal(predict('noStatusLine', s).refused, true);
  assert.equal(predict('http09', s).refused, true);
  assert.equal(predict('bareLf', s).followsImage, true);
  assert.equal(predict('noContentType', s).followsImage, true);
  assert.equal(predict('noEmptyLine', s).followsImage, false);
  assert.equal(predict('contentLengthLong', s).params.missing, EXTRA_BYTES);
  // The image tag lies in the first half of this page, so the cut-off page still asks for it.
  const short = predict('contentLengthShort', s);
  assert.equal(short.followsImage, true);
  assert.equal(short.params.declared, Math.floor(enc(page).length / 2));
  const late = source(
    enc(
      `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>${'x'.repeat(200)}</p><img src="test.jpg">`,
    ),
  );
  assert.equal(predict('contentLengthShort', late).followsImage, false);
  assert.equal(predict('bareLf', source(imageResponse)).key, 'lab.predict.bareLf.image');
  assert.equal(predict('bareLf', s).key, 'lab.predict.bareLf.page');
  const blank = source(
    enc('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>a</p>\n\n<p>b</p>'),
  );
  assert.equal(predict('noEmptyLine', blank).key, 'lab.predict.noEmptyLine.blank');
});

test('lab rules: named by their break, one per path, removed together', () => {
  const rule = labRule('bareLf', '/', enc('x'), 'Lab', bytesToBase64, 'abc');
  assert.equal(rule.id, 'lab-bareLf-abc');
  assert.equal(isLabRule(rule), true);
  assert.equal(breakOfRule(rule), 'bareLf');
  assert.equal(breakOfRule(newRule('mine')), null);
  const mine = newRule('mine');
  const second = labRule('http09', '/', enc('y'), 'Lab', bytesToBase64, 'def');
  const rules = withBreak(withBreak([mine], rule), second);
  assert.deepEqual(
    rules.map((r) => r.id),
    [second.id, mine.id],
  );
  assert.deepEqual(withoutBreaks(rules), [mine]);
});

let seq = 0;
function exchange(patch: Partial<ExchangeSummary>): ExchangeSummary {
  seq++;
  return {
    exchangeId: `x${seq}`,
    connectionId: `c${seq}`,
    source: 'capture',
    indexOnConnection: 0,
    startedAt: 1000,
    completedAt: 1001,
    method: 'GET',
    target: '/',
    version: 'HTTP/1.1',
    host: '127.0.0.1:8080',
    referer: null,
    status: null,
    reason: null,
    requestContentType: null,
    responseContentType: null,
    requestBytes: 100,
    responseBytes: 200,
    requestSpan: { offset: 0, length: 100 },
    responseSpan: { offset: 0, length: 200 },
    error: null,
    ruleId: 'lab-bareLf-abc',
    replayTarget: null,
    timings: null,
    ...patch,
  };
}

test('the outcome: the image asked for (or not), the browser asking again, who closed and when', () => {
  const visit = exchange({});
  const image = exchange({
    target: '/test.jpg',
    referer: 'http://127.0.0.1:8080/',
    ruleId: null,
    startedAt: 1010,
  });
  const favicon = exchange({
    target: '/favicon.ico',
    referer: 'http://127.0.0.1:8080/',
    ruleId: null,
  });
  const connection: ConnectionSummary = {
    connectionId: visit.connectionId,
    source: 'capture',
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
    localPort: 8080,
    openedAt: 999,
    closedAt: 1031,
    closeReason: 'client',
    bytesIn: 100,
    bytesOut: 200,
    exchanges: 1,
  };
  const followed = observeVisit(visit, [visit, image], connection, 1100);
  assert.deepEqual(followed, { requests: 1, followedImage: true, closedBy: 'browser', heldMs: 30 });

  const early = observeVisit(visit, [visit, favicon], null, 1100);
  assert.equal(early.followedImage, null, 'not settled yet: unknown');
  assert.equal(early.closedBy, null);
  const none = observeVisit(visit, [visit, favicon], null, 1000 + 6000);
  assert.equal(none.followedImage, false, 'a favicon request does not count');

  const again = observeVisit(visit, [visit, exchange({ startedAt: 1200 })], null, 7000);
  assert.equal(again.requests, 2);
  const muchLater = observeVisit(visit, [visit, exchange({ startedAt: 60_000 })], null, 70_000);
  assert.equal(muchLater.requests, 1, 'a visit a minute later is another visit');

  assert.equal(matches(predict('bareLf', source()), followed), true);
  assert.equal(matches(predict('noEmptyLine', source()), followed), false);
  assert.equal(matches(predict('noEmptyLine', source()), early), null);
});
