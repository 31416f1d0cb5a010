// The Held panel's text forms, without a page: headers as lines and back, bodies as UTF-8 text
// (kept byte for byte when they are not UTF-8 and were not typed anew).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyBase64, bodyText, headersText, parseHeaders } from '../../src-renderer/lib/held-text';

test('headers become "Name: value" lines and come back; a line without a colon is named', () => {
  const pairs: [string, string][] = [
    ['Host', 'a.test'],
    ['X-Time', '12:30:00'],
  ];
  const text = headersText(pairs);
  assert.equal(text, 'Host: a.test\nX-Time: 12:30:00');
  assert.deepEqual(parseHeaders(`${text}\n\n`), pairs);
  assert.deepEqual(parseHeaders('Host: a\r\nX-Empty:'), [
    ['Host', 'a'],
    ['X-Empty', ''],
  ]);
  assert.equal(parseHeaders('Host: a\nno colon here'), 2);
  assert.equal(parseHeaders(': value'), 1);
});

test('a UTF-8 body is text (a BOM kept); any other body goes back as it came unless retyped', () => {
  const bom = Buffer.from('\ufeff中文 body', 'utf8').toString('base64');
  const text = bodyText(bom);
  assert.equal(text, '\ufeff中文 body');
  assert.equal(bodyBase64(text, bom), bom);
  const binary = Buffer.from([0xff, 0xd8, 0xff, 0x00]).toString('base64');
  assert.equal(bodyText(binary), null);
  assert.equal(bodyBase64(null, binary), binary);
  assert.equal(bodyBase64('new', binary), Buffer.from('new').toString('base64'));
});
