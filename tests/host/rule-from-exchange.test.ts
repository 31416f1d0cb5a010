// "Answer with a rule": a captured exchange drafted as a responder rule (method and path, the
// response as a structured one with the server's own framing left to it), and that rule, saved
// through the Core, answering the next request as the capture was answered.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCore } from '../../src-main/host/core';
import { exchangeUntilClose } from '../capture/helpers';
import { MAX_RULE_BODY_BYTES, ruleFromExchange } from '../../src-main/host/rule-from-exchange';
import { validateRules } from '../../src-main/protocol/rules-schema';
import { encodeChunked, parseResponseMessage } from '../../src-main/engine/serialize';
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const GET = bytes('GET /page?q=1 HTTP/1.1\r\nHost: x\r\n\r\n');

function structured(rule: ResponderRule): Extract<RuleResponse, { kind: 'structured' }> {
  assert.equal(rule.response.kind, 'structured');
  return rule.response as Extract<RuleResponse, { kind: 'structured' }>;
}

function draft(request: Buffer, response: Buffer): ResponderRule {
  const result = ruleFromExchange(request, response, 'rule-1');
  assert.ok(result.ok, result.ok ? '' : result.message.text);
  const checked = validateRules([result.rule]);
  assert.ok(checked.ok, checked.ok ? '' : checked.message);
  return result.rule;
}

test('a page: method and path (no query), status and reason, headers but the framing, text body', () => {
  const rule = draft(
    GET,
    bytes(
      'HTTP/1.1 404 Gone Fishing\r\nDate: Tue, 01 Dec 2026 10:00:00 GMT\r\nContent-Type: text/html\r\n' +
        'Content-Length: 11\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Trace: 7\r\n\r\n<b>gone</b>',
    ),
  );
  assert.equal(rule.id, 'rule-1');
  assert.deepEqual(rule.match, { method: 'GET', path: '/page', mode: 'exact' });
  assert.equal(rule.name, 'GET /page');
  assert.equal(rule.enabled, true);
  const response = structured(rule);
  assert.equal(response.status, 404);
  assert.equal(response.reason, 'Gone Fishing');
  assert.deepEqual(response.headers, [
    ['Content-Type', 'text/html'],
    ['X-Trace', '7'],
  ]);
  assert.deepEqual(response.body, { type: 'text', text: '<b>gone</b>' });
  assert.equal(response.autoContentLength, true);
  assert.equal(response.autoDate, true);
  assert.equal(response.chunked, false);
});

test('a gzipped chunked answer becomes its text, sent chunked without the coding', () => {
  const json = '{"name":"草莓","n":1}';
  const gz = gzipSync(Buffer.from(json));
  const rule = draft(
    bytes('POST http://api.test/v1/items HTTP/1.1\r\nHost: api.test\r\nContent-Length: 0\r\n\r\n'),
    Buffer.concat([
      bytes(
        'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n',
      ),
      Buffer.from(encodeChunked(gz, 7)),
    ]),
  );
  assert.deepEqual(rule.match, { method: 'POST', path: '/v1/items', mode: 'exact' });
  const response = structured(rule);
  assert.deepEqual(response.headers, [['Content-Type', 'application/json']]);
  assert.deepEqual(response.body, { type: 'text', text: json });
  assert.equal(response.chunked, true);
  assert.equal(response.autoContentLength, false);
});

test('binary bodies stay as their bytes; a coding that does not give text is kept', () => {
  const image = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
  const jpeg = draft(
    bytes('GET /test.jpg HTTP/1.1\r\nHost: x\r\n\r\n'),
    Buffer.concat([
      bytes(
        `HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: ${image.length}\r\n\r\n`,
      ),
      image,
    ]),
  );
  assert.deepEqual(structured(jpeg).body, { type: 'base64', base64: image.toString('base64') });
  const zipped = gzipSync(image);
  const coded = draft(
    bytes('GET /raw HTTP/1.1\r\nHost: x\r\n\r\n'),
    Buffer.concat([
      bytes(
        `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${zipped.length}\r\n\r\n`,
      ),
      zipped,
    ]),
  );
  assert.deepEqual(structured(coded).headers, [['Content-Encoding', 'gzip']]);
  assert.deepEqual(structured(coded).body, { type: 'base64', base64: zipped.toString('base64') });
});

test('an interim 100 Continue is passed over: the rule is of the final answer', () => {
  const rule = draft(
    bytes('PUT /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi'),
    bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'),
  );
  assert.equal(structured(rule).status, 204);
  assert.deepEqual(structured(rule).body, { type: 'text', text: '' });
});

test('no rule, with the reason, for what cannot be answered again', () => {
  const reasons: [Buffer, Buffer, string][] = [
    [GET, Buffer.alloc(0), 'ruleDraft.noResponse'],
    [GET, bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'), 'ruleDraft.badResponse'],
    [
      bytes('GET / HTTP/1.1\r\nHost x\r\n\r\n'),
      bytes('HTTP/1.1 400 Bad Request\r\n\r\n'),
      'ruleDraft.badRequest',
    ],
    [
      bytes('GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
      bytes(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      ),
      'ruleDraft.switched',
    ],
    [
      GET,
      Buffer.concat([
        bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${MAX_RULE_BODY_BYTES + 1}\r\n\r\n`),
        Buffer.alloc(MAX_RULE_BODY_BYTES + 1, 0),
      ]),
      'ruleDraft.tooLarge',
    ],
  ];
  for (const [request, response, key] of reasons) {
    const result = ruleFromExchange(request, response, 'r');
    assert.equal(result.ok, false, key);
    if (!result.ok) {
      assert.equal(result.message.key, key);
      assert.ok(result.message.text.length > 20, result.message.text);
    }
  }
});

const homes: string[] = [];
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

test('through the Core: the drafted rule, edited and saved, answers the next request', async () => {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-rule-draft-'));
  homes.push(home);
  const core = await createCore({ home, batchMs: 10 });
  try {
    const { port } = await core.call('server.start', { host: '127.0.0.1', port: 0 });
    const request = 'GET /test.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
    const first = parseResponseMessage(await exchangeUntilClose(port, request), 'GET');
    assert.ok(first.ok);
    const captured = (await core.call('exchanges.rows', { from: 0, count: 10 })).rows;
    assert.equal(captured.length, 1);
    const { rule, message } = await core.call('exchange.rule', {
      exchangeId: captured[0].exchangeId,
    });
    assert.equal(message, null);
    assert.ok(rule);
    assert.deepEqual(rule.match, { method: 'GET', path: '/test.jpg', mode: 'exact' });
    const edited: ResponderRule = {
      ...rule,
      response: {
        ...structured(rule),
        headers: [...structured(rule).headers, ['X-Edited', 'yes']],
      },
    };
    await core.call('rules.set', { rules: [edited] });
    const again = parseResponseMessage(await exchangeUntilClose(port, request), 'GET');
    assert.ok(again.ok);
    assert.deepEqual(Buffer.from(again.message.body), Buffer.from(first.message.body));
    assert.ok(again.message.headers.some(([n, v]) => n === 'X-Edited' && v === 'yes'));
    const rows = (await core.call('exchanges.rows', { from: 0, count: 10 })).rows;
    assert.equal(rows[1].ruleId, rule.id, 'answered by the rule');
    // Replays and bad ids: no exchange, no rule.
    await assert.rejects(core.call('exchange.rule', { exchangeId: 'nope' }));
  } finally {
    await core.close();
  }
});
