// A response record keeps how a browser reads the response (its deviations and its ending), so a
// truncated exchange is still truncated when the session is opened again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readResponseMeta,
  responseMetaBound,
  writeResponseMeta,
  type ResponseMeta,
} from '../../src-main/capture/head-records';

function roundTrip(event: ResponseMeta): ResponseMeta | null {
  const out = Buffer.alloc(responseMetaBound(event));
  const length = writeResponseMeta(out, 0, event);
  assert.ok(length <= out.length, 'the bound holds');
  return readResponseMeta(out.subarray(0, length));
}

const base: ResponseMeta = {
  type: 'response',
  connectionId: 'c1',
  index: 0,
  time: 1_700_000_000_000,
  span: { offset: 0, length: 120 },
  head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [['Content-Length', '500']] },
  ruleId: 'rule-1',
};

test('deviations and a truncated ending survive the record', () => {
  const event: ResponseMeta = {
    ...base,
    deviations: [
      { code: 'BARE_LF', offset: 15, length: 1, rfc: 'RFC 9112 §2.2' },
      { code: 'CONTENT_LENGTH_TOO_LARGE', offset: 33, length: 3, rfc: 'RFC 9112 §6.3' },
    ],
    ending: { state: 'truncated', missing: 380 },
  };
  assert.deepEqual(roundTrip(event), event);
});

test('the common case (complete, no deviation) costs one empty string and reads back as such', () => {
  const event: ResponseMeta = {
    ...base,
    deviations: [],
    ending: { state: 'complete', missing: null },
  };
  const withReading = Buffer.alloc(responseMetaBound(event));
  const plain = Buffer.alloc(responseMetaBound(base));
  assert.equal(
    writeResponseMeta(withReading, 0, event) - writeResponseMeta(plain, 0, base),
    4,
    'only a zero length is added',
  );
  assert.deepEqual(roundTrip(event), event);
});

test('records without a reading (older sessions) read as before; a damaged reading is refused', () => {
  assert.deepEqual(roundTrip(base), base);
  const event: ResponseMeta = {
    ...base,
    head: null,
    deviations: [],
    ending: { state: 'refused', missing: null },
  };
  const out = Buffer.alloc(responseMetaBound(event));
  const length = writeResponseMeta(out, 0, event);
  const text = out.subarray(0, length).toString('latin1');
  const at = text.lastIndexOf('"refused"');
  out.write('"nonsense', at, 'latin1');
  assert.equal(readResponseMeta(out.subarray(0, length)), null);
});
