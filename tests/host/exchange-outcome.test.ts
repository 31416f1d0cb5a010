// No exchange stays pending once its connection has closed: it ends complete, truncated (with
// the bytes missing) or aborted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptureEvent } from '../../src-main/capture/events';
import { ExchangeBook } from '../../src-main/host/exchanges';
import type { CoreEvent } from '../../src-main/protocol/types';

const id = 'c1';
const open: CaptureEvent = {
  type: 'connectionOpen',
  connectionId: id,
  remoteAddress: '127.0.0.1',
  remotePort: 1,
  localPort: 2,
  time: 1,
};
const request = (index: number): CaptureEvent => ({
  type: 'request',
  connectionId: id,
  index,
  time: 2,
  span: { offset: index * 10, length: 10 },
  head: { method: 'GET', target: `/${index}`, version: 'HTTP/1.1', headers: [] },
  body: new Uint8Array(0),
});
const close: CaptureEvent = {
  type: 'connectionClose',
  connectionId: id,
  time: 9,
  reason: 'client',
  bytesIn: 30,
  bytesOut: 40,
};

test('a response ends its exchange complete; one cut short is truncated with the bytes missing', () => {
  const book = new ExchangeBook();
  book.apply(open, null);
  book.apply(request(0), null);
  book.apply(request(1), null);
  assert.equal(book.exchanges.get(`${id}#0`)?.outcome, undefined, 'pending');
  book.apply(
    {
      type: 'response',
      connectionId: id,
      index: 0,
      time: 3,
      span: { offset: 0, length: 20 },
      head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] },
      ruleId: null,
      deviations: [],
      ending: { state: 'complete', missing: null },
    },
    null,
  );
  book.apply(
    {
      type: 'response',
      connectionId: id,
      index: 1,
      time: 4,
      span: { offset: 20, length: 20 },
      head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] },
      ruleId: 'r',
      deviations: [
        { code: 'CONTENT_LENGTH_TOO_LARGE', offset: 58, length: 2, rfc: 'RFC 9112 §6.3' },
      ],
      ending: { state: 'truncated', missing: 15 },
    },
    null,
  );
  assert.equal(book.exchanges.get(`${id}#0`)?.outcome, 'complete');
  const cut = book.exchanges.get(`${id}#1`);
  assert.equal(cut?.outcome, 'truncated');
  assert.equal(cut?.missingBytes, 15);
  // A summary put back (a session read again) keeps it.
  book.exchanges.put(cut!);
  assert.equal(book.exchanges.get(`${id}#1`)?.missingBytes, 15);
});

test('the close ends every exchange still without a response as aborted, and says so', () => {
  const book = new ExchangeBook();
  const events: CoreEvent[] = [];
  book.apply(open, (e) => events.push(e));
  book.apply(request(0), (e) => events.push(e));
  book.apply(request(1), (e) => events.push(e));
  book.apply(
    {
      type: 'response',
      connectionId: id,
      index: 0,
      time: 3,
      span: { offset: 0, length: 20 },
      head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] },
      ruleId: null,
    },
    (e) => events.push(e),
  );
  events.length = 0;
  book.apply(close, (e) => events.push(e));
  const first = book.exchanges.get(`${id}#0`);
  const second = book.exchanges.get(`${id}#1`);
  assert.equal(first?.outcome, 'complete', 'a response without an ending (read back) is complete');
  assert.equal(second?.outcome, 'aborted');
  assert.equal(second?.completedAt, 9);
  const announced = events.filter((e) => e.type === 'exchange');
  assert.equal(announced.length, 1);
  assert.equal(announced[0]?.type === 'exchange' && announced[0].exchange.outcome, 'aborted');
});

test('a truncated exchange is still truncated when its session is opened again', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { SessionStore } = await import('../../src-main/capture/store');
  const dir = mkdtempSync(join(tmpdir(), 'socketscope-outcome-'));
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture(open);
    store.appendCapture(request(0));
    store.appendCapture({
      type: 'response',
      connectionId: id,
      index: 0,
      time: 3,
      span: { offset: 0, length: 20 },
      head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] },
      ruleId: 'r',
      deviations: [
        { code: 'CONTENT_LENGTH_TOO_LARGE', offset: 17, length: 2, rfc: 'RFC 9112 §6.3' },
      ],
      ending: { state: 'truncated', missing: 15 },
    });
    store.appendCapture(close);
    store.close();
    const book = new ExchangeBook();
    const reopened = SessionStore.open(dir, {
      readOnly: true,
      onRecord: (record) => {
        if (record.kind === 'capture') book.apply(record.event, null);
      },
    });
    reopened.store.close();
    const cut = book.exchanges.get(`${id}#0`);
    assert.equal(cut?.outcome, 'truncated');
    assert.equal(cut?.missingBytes, 15);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
