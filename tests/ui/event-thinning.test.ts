// What the socket worker hands the page of a flood of events (src-renderer/lib/event-thinning.ts).
// Regression: every exchange summary of a capture of a million requests reached the page's main
// thread (tens of thousands of structured clones a second, long tasks all through the ingest),
// although the list pages through the Core and shows a few dozen rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreEvent, ExchangeSummary } from '../../src-main/protocol/types';
import { rowsOfReply } from '../../src-main/protocol/exchange-interest';
import { EventThinner } from '../../src-renderer/lib/event-thinning';
import { summaryMaker } from './summary-fixture';

const flood = (count: number): ExchangeSummary[] => {
  const make = summaryMaker();
  return Array.from({ length: count }, (_, i) =>
    make({ exchangeId: `f${i}`, target: `/bench/${i}` }),
  );
};
const exchange = (e: ExchangeSummary): CoreEvent => ({ type: 'exchange', exchange: e });
const ids = (events: CoreEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'exchange' ? [e.exchange.exchangeId] : []));

test('a flood keeps its last exchanges, the rows the page holds and every other event, in order', () => {
  const thinner = new EventThinner(100);
  const rows = flood(10_000);
  // The page was given rows 10 and 11 in a reply; row 12 is selected.
  thinner.watchRows(rowsOfReply({ rows: [rows[10], rows[11]], total: 2 }));
  thinner.pin(rows[12].exchangeId);
  const events: CoreEvent[] = [];
  for (const [i, row] of rows.entries()) {
    events.push(exchange(row));
    if (i % 1000 === 999) events.push({ type: 'exchangeCount', total: i + 1 });
  }
  events.splice(5000, 0, {
    type: 'notice',
    level: 'warn',
    message: { key: 'k', text: 't', params: {} },
  });
  thinner.push(events);
  const out = thinner.take();
  const kept = ids(out);
  assert.equal(kept.length, 103);
  assert.deepEqual(
    kept.slice(0, 3),
    [rows[10], rows[11], rows[12]].map((r) => r.exchangeId),
  );
  assert.deepEqual(
    kept.slice(3),
    rows.slice(-100).map((r) => r.exchangeId),
  );
  // One count (the latest), at its place; the notice kept between the rows around it.
  const counts = out.filter((e) => e.type === 'exchangeCount');
  assert.deepEqual(counts, [{ type: 'exchangeCount', total: 10_000 }]);
  assert.equal(out.at(-1)?.type, 'exchangeCount');
  assert.equal(out.filter((e) => e.type === 'notice').length, 1);
  assert.equal(thinner.size, 0);
  assert.deepEqual(thinner.take(), []);
});

test('an exchange updated twice in a window leaves once, with its latest summary, at its first place', () => {
  const thinner = new EventThinner(10);
  const [a, b] = flood(2);
  thinner.push([exchange({ ...a, status: null }), exchange(b), exchange(a)]);
  const out = thinner.take();
  assert.deepEqual(ids(out), [a.exchangeId, b.exchangeId]);
  assert.equal(out[0].type === 'exchange' && out[0].exchange.status, 200);
});

test('at a human pace nothing is dropped; raw data never reaches the page', () => {
  const thinner = new EventThinner(250);
  const rows = flood(40);
  thinner.push([
    ...rows.map(exchange),
    {
      type: 'data',
      connectionId: 'c1',
      direction: 'in',
      offset: 0,
      length: 3,
      time: 0,
      base64: 'YWJj',
    },
  ]);
  const out = thinner.take();
  assert.equal(ids(out).length, 40);
  assert.equal(
    out.some((e) => e.type === 'data'),
    false,
  );
});

test('replays, rule answers and the default site pages the lesson waits for are never dropped', () => {
  const thinner = new EventThinner(5);
  const make = summaryMaker();
  const page = make({ target: '/?x=1' });
  const image = make({ target: '/test.jpg' });
  const ruled = make({ target: '/api', ruleId: 'r1' });
  const replay = make({ target: '/bench/x', source: 'replay' });
  const posted = make({ target: '/', method: 'POST' });
  thinner.push([page, image, ruled, replay, posted].map(exchange));
  thinner.push(flood(50).map(exchange));
  const kept = ids(thinner.take());
  assert.equal(kept.length, 9);
  assert.deepEqual(
    kept.slice(0, 4),
    [page, image, ruled, replay].map((e) => e.exchangeId),
  );
  assert.equal(kept.includes(posted.exchangeId), false);
});

test('a clear separates the updates before it from those after it', () => {
  const thinner = new EventThinner(10);
  const [a] = flood(1);
  thinner.push([exchange(a), { type: 'exchangeCount', total: 1 }, { type: 'cleared' }]);
  thinner.push([exchange(a), { type: 'exchangeCount', total: 1 }]);
  const out = thinner.take();
  assert.deepEqual(
    out.map((e) => e.type),
    ['exchange', 'exchangeCount', 'cleared', 'exchange', 'exchangeCount'],
  );
});

test('the rows a reply carries: pages of the list and the snapshot; anything else carries none', () => {
  const [a, b] = flood(2);
  assert.deepEqual(rowsOfReply({ rows: [a], total: 1 }), [a]);
  assert.deepEqual(rowsOfReply({ exchanges: [b], exchangeCount: 1 }), [b]);
  assert.deepEqual(rowsOfReply({ rows: [null, 3, { exchangeId: 7 }] }), []);
  assert.deepEqual(rowsOfReply(null), []);
  assert.deepEqual(rowsOfReply('rows'), []);
});

test('the rows watched are bounded: the oldest stop being followed', () => {
  const thinner = new EventThinner(0, 3);
  const rows = flood(5);
  thinner.watchRows(rows.slice(0, 4));
  thinner.watchRows([rows[0]]);
  thinner.push(rows.map(exchange));
  // rows[1] is the oldest watched after rows[0] was seen again; rows[4] was never watched.
  assert.deepEqual(
    ids(thinner.take()),
    [rows[0], rows[2], rows[3]].map((r) => r.exchangeId),
  );
});
