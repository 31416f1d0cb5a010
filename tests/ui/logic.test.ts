// The renderer's plain logic: list filter, timeline links, byte and hex helpers, rule validation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matcher, statusClassOf } from '../../src-renderer/lib/filter';
import { exchangeUrl, linksFor } from '../../src-renderer/lib/timeline';
import {
  bytesToBase64,
  base64ToBytes,
  parseHex,
  latin1,
  latin1Bytes,
} from '../../src-renderer/lib/bytes';
import {
  newRule,
  setStatus,
  validateRule,
  type StructuredResponse,
} from '../../src-renderer/lib/rules';
import { previewDocument, previewKind } from '../../src-renderer/lib/preview';
import { translateMessage } from '../../src-renderer/lib/translate';
import { summaryMaker } from './summary-fixture';

const exchange = summaryMaker();

test('the filter matches text, method and status class', () => {
  const page = exchange({ target: '/index.html' });
  const post = exchange({ method: 'POST', target: '/api', status: 404 });
  const broken = exchange({
    method: null,
    target: null,
    status: null,
    error: { code: 'INVALID_VERSION', offset: 11, reason: 'bad version', status: 505 },
  });
  const all = [page, post, broken];
  const pick = (text: string, method = '', statusClass: '' | '4xx' | 'error' = '') =>
    all.filter(matcher({ text, method, statusClass })).map((e) => e.exchangeId);
  assert.deepEqual(pick('INDEX'), [page.exchangeId]);
  assert.deepEqual(pick('', 'POST'), [post.exchangeId]);
  assert.deepEqual(pick('', '', '4xx'), [post.exchangeId]);
  assert.deepEqual(pick('', '', 'error'), [broken.exchangeId]);
  assert.equal(statusClassOf(exchange({ status: null })), 'pending');
});

test('the timeline links a request to the page whose URL is its Referer, and reuses of a connection', () => {
  const root = exchange({ target: '/', connectionId: 'c1' });
  const image = exchange({
    target: '/test.jpg',
    referer: 'http://127.0.0.1:8080/',
    connectionId: 'c1',
    indexOnConnection: 1,
  });
  const other = exchange({ target: '/other', connectionId: 'c2', referer: 'http://elsewhere/' });
  assert.equal(exchangeUrl(root), 'http://127.0.0.1:8080/');
  const links = linksFor(image, [root, image, other]);
  assert.deepEqual(
    links.causes.map((e) => e.exchangeId),
    [root.exchangeId],
  );
  assert.deepEqual(
    links.sameConnection.map((e) => e.exchangeId),
    [root.exchangeId],
  );
  const back = linksFor(root, [root, image, other]);
  assert.deepEqual(
    back.consequences.map((e) => e.exchangeId),
    [image.exchangeId],
  );
  assert.deepEqual(linksFor(other, [root, image, other]).causes, []);
});

test('byte helpers round-trip every byte value', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
  assert.deepEqual(latin1Bytes(latin1(bytes)), bytes);
  assert.deepEqual(parseHex('48 54\n54 50'), Uint8Array.from([0x48, 0x54, 0x54, 0x50]));
  assert.equal(parseHex('4'), null);
  assert.equal(parseHex('zz'), null);
});

test('rule validation names each bad field', () => {
  const rule = newRule('r');
  assert.deepEqual(validateRule(rule), {});
  rule.match.path = 'no-slash';
  rule.delayMs = -1;
  if (rule.response.kind === 'structured') {
    rule.response.status = 42;
    rule.response.headers.push(['Bad Name', 'x']);
    rule.response.body = { type: 'hex', hex: 'abc' };
  }
  assert.deepEqual(Object.keys(validateRule(rule)).sort(), [
    'delay',
    'header',
    'hex',
    'path',
    'status',
  ]);
});

test("a rule's standard reason follows its status; one of its own stays", () => {
  const response = newRule('r').response as StructuredResponse;
  setStatus(response, 404);
  assert.equal(response.reason, 'Not Found');
  // Typed digit by digit: no phrase for 2 or 20, then 200's.
  for (const status of [2, 20, 200]) setStatus(response, status);
  assert.equal(response.reason, 'OK');
  response.reason = 'Gone Fishing';
  setStatus(response, 503);
  assert.equal(response.status, 503);
  assert.equal(response.reason, 'Gone Fishing');
});

test('previews carry a CSP that forbids scripts and remote loads', () => {
  assert.equal(previewKind('text/html; charset=utf-8'), 'html');
  assert.equal(previewKind('image/svg+xml'), 'svg');
  assert.equal(previewKind('image/jpeg'), 'image');
  assert.equal(previewKind('application/json'), null);
  const doc = previewDocument(
    'html',
    new TextEncoder().encode('<script>alert(1)</script>'),
    'text/html',
  );
  assert.ok(
    doc.startsWith(
      '<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src \'none\';',
    ),
  );
  const image = previewDocument('image', Uint8Array.from([1, 2, 3]), 'image/png"><script>');
  assert.ok(!image.includes('"><script>'), 'the content type cannot break out of the attribute');
});

test('Core messages are translated by key in their own namespace, else shown as sent', () => {
  const taken = {
    key: 'server.portTaken',
    text: 'Port 80 is not available…',
    params: { requested: 80, used: 8081 },
  };
  assert.equal(translateMessage('zh-CN', taken), '端口 80 不可用，服务器改为监听端口 8081。');
  // 'rules.invalid' is also a UI key; the Core's message must not pick up the UI string.
  assert.equal(
    translateMessage('zh-CN', { key: 'rules.invalid', text: 'x', params: { detail: 'bad path' } }),
    '规则未被应用：bad path',
  );
  assert.equal(translateMessage('zh-CN', { key: 'no.such.key', text: 'As sent' }), 'As sent');
  assert.equal(
    translateMessage('en', taken),
    'Port 80 is not available, so the server listens on port 8081 instead.',
  );
});
