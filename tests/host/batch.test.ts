import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatch, INLINE_DATA_LIMIT } from '../../src-main/host/batch';
import { emptyExchange } from '../../src-main/host/exchanges';
import { ExchangeTable } from '../../src-main/host/exchange-table';
import type { CoreEvent } from '../../src-main/protocol/types';

function decoded(event: CoreEvent | undefined): string {
  assert.ok(event?.type === 'data');
  assert.ok(event.base64 !== undefined, 'inline data has base64');
  return Buffer.from(event.base64, 'base64').toString('latin1');
}

test('updates of one exchange within a batch are one event, at its first place, holding the last', () => {
  const batch = new EventBatch();
  const first = emptyExchange('c1#0', 'c1', 0, 10, 0);
  first.method = 'GET';
  batch.pushExchange(first);
  batch.push({ type: 'notice', level: 'info', message: { key: 'k', text: 't' } });
  batch.pushExchange(emptyExchange('c1#1', 'c1', 1, 11, 0));
  const last = { ...first, status: 200 };
  batch.pushExchange(last);
  const events = batch.take();
  assert.deepEqual(
    events.map((e) => (e.type === 'exchange' ? e.exchange.exchangeId : e.type)),
    ['c1#0', 'notice', 'c1#1'],
  );
  assert.ok(events[0].type === 'exchange');
  assert.equal(events[0].exchange, last);
  assert.equal(batch.take().length, 0);
});

test('updates given as table rows build each summary once, when taken, in its first place', () => {
  const batch = new EventBatch();
  const table = new ExchangeTable();
  const built: number[] = [];
  const summary = table.summary.bind(table);
  table.summary = (row) => {
    built.push(row);
    return summary(row);
  };
  const a = table.add('c1', 0, 10, 0);
  const b = table.add('c1', 1, 11, 0);
  batch.pushExchangeRow(table, a);
  batch.push({ type: 'notice', level: 'info', message: { key: 'k', text: 't' } });
  batch.pushExchangeRow(table, b);
  table.setStatus(a, 201);
  batch.pushExchangeRow(table, a);
  assert.deepEqual(built, [], 'nothing is built before the batch is taken');
  const events = batch.take();
  assert.deepEqual(
    events.map((e) =>
      e.type === 'exchange' ? `${e.exchange.exchangeId}:${e.exchange.status}` : e.type,
    ),
    ['c1#0:201', 'notice', 'c1#1:null', 'exchangeCount'],
  );
  const count = events.at(-1);
  assert.ok(count?.type === 'exchangeCount' && count.total === 2, 'the count follows the rows');
  assert.deepEqual(built.sort(), [a, b]);
  table.setStatus(a, 500);
  batch.pushExchangeRow(table, a);
  const next = batch.take();
  assert.ok(next.length === 2 && next[0].type === 'exchange');
  assert.equal(next[0].exchange.status, 500, 'a new batch builds the row again');
});

test('rows are settled before their table is cleared or another table takes over', () => {
  const batch = new EventBatch();
  const old = new ExchangeTable();
  const row = old.add('c1', 0, 10, 0);
  old.setStatus(row, 200);
  batch.pushExchangeRow(old, row);
  batch.settle();
  old.clear();
  const fresh = new ExchangeTable();
  fresh.add('c9', 3, 20, 0);
  batch.pushExchangeRow(fresh, 0);
  const other = new ExchangeTable();
  other.add('c7', 1, 30, 0);
  batch.pushExchangeRow(other, 0);
  fresh.clear();
  const events = batch.take();
  assert.deepEqual(
    events.map((e) =>
      e.type === 'exchange' ? `${e.exchange.exchangeId}:${e.exchange.status}` : e.type,
    ),
    // Each table's count follows its rows (taken when they were built).
    ['c1#0:200', 'exchangeCount', 'c9#3:null', 'exchangeCount', 'c7#1:null', 'exchangeCount'],
  );
});

test('an update after a clear gets its own event after the clear', () => {
  const batch = new EventBatch();
  const before = emptyExchange('c1#0', 'c1', 0, 10, 0);
  batch.pushExchange(before);
  batch.push({ type: 'cleared' });
  batch.pushExchange({ ...before, status: 404 });
  const events = batch.take();
  assert.deepEqual(
    events.map((e) => e.type),
    ['exchange', 'cleared', 'exchange'],
  );
  assert.ok(events[0].type === 'exchange' && events[2].type === 'exchange');
  assert.equal(events[0].exchange.status, null);
  assert.equal(events[2].exchange.status, 404);
});

test('contiguous chunks of one stream are one data event; gaps, directions and connections split', () => {
  const batch = new EventBatch();
  const chunk = (text: string): Buffer => Buffer.from(text, 'latin1');
  batch.pushData('c1', 'in', 0, chunk('GET / '), 1);
  batch.pushData('c2', 'in', 0, chunk('other'), 2);
  batch.pushData('c1', 'out', 0, chunk('HTTP/1.1'), 3);
  batch.pushData('c1', 'in', 6, chunk('HTTP/1.1\r\n'), 4);
  batch.pushData('c1', 'in', 100, chunk('later'), 5);
  const events = batch.take();
  assert.equal(events.length, 4);
  const [first, second, third, fourth] = events;
  assert.ok(first.type === 'data');
  assert.equal(first.offset, 0);
  assert.equal(first.length, 16);
  assert.equal(first.time, 1, 'a folded event keeps the time of its first chunk');
  assert.equal(decoded(first), 'GET / HTTP/1.1\r\n');
  assert.equal(decoded(second), 'other');
  assert.equal(decoded(third), 'HTTP/1.1');
  assert.ok(fourth.type === 'data');
  assert.equal(fourth.offset, 100);
  assert.equal(decoded(fourth), 'later');
});

test('folding stops at the inline limit; bigger chunks travel without bytes', () => {
  const batch = new EventBatch();
  const half = Buffer.alloc(INLINE_DATA_LIMIT / 2 + 1, 0x61);
  batch.pushData('c1', 'in', 0, half, 1);
  batch.pushData('c1', 'in', half.length, half, 2);
  const big = Buffer.alloc(INLINE_DATA_LIMIT + 1, 0x62);
  batch.pushData('c1', 'in', 2 * half.length, big, 3);
  batch.pushData('c1', 'in', 2 * half.length + big.length, Buffer.from('z'), 4);
  const events = batch.take();
  assert.deepEqual(
    events.map((e) => (e.type === 'data' ? [e.offset, e.length, e.base64 !== undefined] : null)),
    [
      [0, half.length, true],
      [half.length, half.length, true],
      [2 * half.length, big.length, false],
      [2 * half.length + big.length, 1, true],
    ],
  );
  for (const event of events) {
    if (event.type === 'data' && event.length <= INLINE_DATA_LIMIT)
      assert.equal(Buffer.from(event.base64 ?? '', 'base64').length, event.length);
  }
});

test('base64 is there for every way a transport reads an event', () => {
  const batch = new EventBatch();
  batch.pushData('c1', 'in', 0, Buffer.from('ab'), 1);
  batch.pushData('c1', 'in', 2, Buffer.from('cd'), 1);
  const [event] = batch.take();
  const expected = Buffer.from('abcd').toString('base64');
  assert.equal((JSON.parse(JSON.stringify(event)) as { base64: string }).base64, expected);
  assert.equal((structuredClone(event) as { base64?: string }).base64, expected);
  const spread = { ...event };
  assert.ok(spread.type === 'data');
  assert.equal(spread.base64, expected);
  assert.ok(Object.keys(event).includes('base64'));
});

test('told what its subscribers keep, a batch builds the summaries they want and only the newest others', () => {
  const table = new ExchangeTable();
  const batch = new EventBatch();
  for (let i = 0; i < 1000; i++) {
    const row = table.put({ ...emptyExchange(`c1#${i}`, 'c1', i, i, 0), target: `/x/${i}` });
    batch.pushExchangeRow(table, row);
  }
  batch.push({ type: 'notice', level: 'info', message: { key: 'k', text: 't' } });
  let built = 0;
  const summary = table.summary.bind(table);
  table.summary = (row) => {
    built++;
    return summary(row);
  };
  const wanted = new Set(['c1#3', 'c1#500']);
  const events = batch.take((exchange) => wanted.has(exchange.exchangeId), 5);
  assert.deepEqual(
    events.map((e) => (e.type === 'exchange' ? e.exchange.exchangeId : e.type)),
    ['c1#3', 'c1#500', 'c1#995', 'c1#996', 'c1#997', 'c1#998', 'c1#999', 'notice', 'exchangeCount'],
  );
  assert.equal(built, 7, 'no summary is built for an exchange no one keeps');
});
