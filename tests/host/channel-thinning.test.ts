// What a UI channel is sent of a flood of events (src-main/host/channel-thinning.ts, frames.ts).
// Regression: the Core encoded and sent every exchange summary of a capture of a million
// requests to every UI, although the list pages through the Core and shows a few dozen rows:
// most of a busy Core's time with a UI open went to JSON and WebSocket frames nobody read.
// Regression: the lesson's pages were always passed on, so a flood of `GET /` (the product path
// bench, a learner's load test) still built and encoded every summary for every UI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelThinning } from '../../src-main/host/channel-thinning';
import { openFrameChannel } from '../../src-main/host/frames';
import { ExchangeInterest } from '../../src-main/protocol/exchange-interest';
import type {
  CommandName,
  CommandParams,
  CommandResult,
  CoreApi,
  CoreEvent,
  ExchangeSummary,
  ServerFrame,
} from '../../src-main/protocol/types';
import { summaryMaker } from '../ui/summary-fixture';

const flood = (count: number, from = 0): ExchangeSummary[] => {
  const make = summaryMaker();
  return Array.from({ length: count }, (_, i) =>
    make({ exchangeId: `f${from + i}`, target: `/bench/${from + i}` }),
  );
};
const asEvents = (rows: ExchangeSummary[]): CoreEvent[] =>
  rows.map((exchange) => ({ type: 'exchange', exchange }));
const ids = (events: readonly CoreEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'exchange' ? [e.exchange.exchangeId] : []));

test('a flood leaves with every other event, the rows watched, the pinned one and only the latest of the rest', () => {
  let now = 0;
  const interest = new ExchangeInterest();
  const thinning = new ChannelThinning(interest, {
    recentPerSecond: 1000,
    recentBurst: 50,
    now: () => now,
  });
  const rows = flood(5000);
  interest.watchRows([rows[10], rows[11]]);
  interest.pin(rows[12].exchangeId);
  const replay = { ...rows[13], source: 'replay' as const };
  const events = asEvents(rows);
  events[13] = { type: 'exchange', exchange: replay };
  events.splice(100, 0, { type: 'exchangeCount', total: 100 });
  events.push({ type: 'exchangeCount', total: 5000 });

  const kept = thinning.thin(events);
  assert.deepEqual(
    ids(kept),
    ['f10', 'f11', 'f12', 'f13', ...rows.slice(-50).map((r) => r.exchangeId)],
    'watched, pinned and followed exchanges, then the latest 50 (the burst), in order',
  );
  assert.deepEqual(
    kept.filter((e) => e.type === 'exchangeCount'),
    [
      { type: 'exchangeCount', total: 100 },
      { type: 'exchangeCount', total: 5000 },
    ],
  );
  assert.ok(kept.indexOf(events[100]) < kept.findIndex((e) => ids([e])[0] === 'f4950'));

  // The budget is spent: right after, nothing unwatched passes; 20 ms later, 20 of them.
  assert.deepEqual(ids(thinning.thin(asEvents(flood(10, 5000)))), []);
  now += 20;
  assert.equal(thinning.thin(asEvents(flood(100, 6000))).length, 20);
  // At a human's pace (a few a second) nothing is dropped.
  for (let i = 0; i < 20; i++) {
    now += 500;
    assert.equal(thinning.thin(asEvents(flood(3, 7000 + i * 3))).length, 3);
  }
});

test("the lesson's pages pass within a budget of their own: a visit gets through a flood, a flood of them is thinned", () => {
  let now = 0;
  const options = { recentPerSecond: 1000, recentBurst: 50, lessonPerSecond: 10, lessonBurst: 5 };
  const make = summaryMaker();
  const visit = [
    make({ exchangeId: 'page', target: '/' }),
    make({ exchangeId: 'image', target: '/test.jpg?v=2' }),
  ];
  const other = new ChannelThinning(new ExchangeInterest(), { ...options, now: () => now });
  const kept = ids(other.thin(asEvents([...visit, ...flood(5000)])));
  assert.deepEqual(kept.slice(0, 2), ['page', 'image'], 'the visit, oldest in the batch');
  assert.equal(kept.length, 2 + 50);

  const lessonFlood = (count: number, from: number): ExchangeSummary[] =>
    Array.from({ length: count }, (_, i) => make({ exchangeId: `g${from + i}`, target: '/' }));
  const thinning = new ChannelThinning(new ExchangeInterest(), { ...options, now: () => now });
  const rows = lessonFlood(5000, 0);
  assert.deepEqual(
    ids(thinning.thin(asEvents(rows))),
    rows.slice(-55).map((row) => row.exchangeId),
    'the newest 5 on the lesson budget and 50 on the recent one',
  );
  now += 100;
  assert.equal(thinning.thin(asEvents(lessonFlood(500, 5000))).length, 1 + 50);
  // At a human's pace (a visit every few seconds) nothing is dropped.
  for (let i = 0; i < 10; i++) {
    now += 3000;
    assert.equal(thinning.thin(asEvents(lessonFlood(3, 6000 + i * 3))).length, 3);
  }
});

/** A stand-in Core whose `exchanges.rows` hands out the rows it is given. */
class PagingCore implements CoreApi {
  listeners = new Set<(events: CoreEvent[]) => void>();
  constructor(private readonly rows: ExchangeSummary[]) {}

  async call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    assert.equal(name, 'exchanges.rows');
    const { from, count } = params as CommandParams<'exchanges.rows'>;
    const result = { rows: this.rows.slice(from, from + count), total: this.rows.length };
    return result as unknown as CommandResult<K>;
  }

  subscribe(listener: (events: CoreEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(events: CoreEvent[]): void {
    for (const listener of this.listeners) listener(events);
  }
}

test('a channel passes on the updates of rows it handed out and of the exchange a watch frame names', async () => {
  const rows = flood(2000);
  const core = new PagingCore(rows);
  const sent: ServerFrame[] = [];
  const channel = openFrameChannel(core, (frame) => sent.push(frame));
  const received = (): string[] =>
    sent.flatMap((frame) => (frame.kind === 'events' ? ids(frame.events) : []));

  channel.incoming.value({
    kind: 'command',
    id: 1,
    name: 'exchanges.rows',
    params: { from: 500, count: 3 },
  });
  await new Promise((resolve) => setImmediate(resolve));
  channel.incoming.value({ kind: 'watch', exchangeId: 'f1500' });
  channel.incoming.value({ kind: 'watch', exchangeId: 42 });
  channel.incoming.value({ kind: 'watch', exchangeId: 'f1600' });

  core.emit(asEvents(rows));
  const got = received();
  for (const id of ['f500', 'f501', 'f502', 'f1600', 'f1999']) assert.ok(got.includes(id), id);
  assert.ok(!got.includes('f1500'), 'a later watch frame replaces the pin (a bad one clears it)');
  assert.ok(!got.includes('f503') && !got.includes('f0'), 'rows the client never saw are left out');
  assert.ok(got.length < 300, `${got.length} of 2,000 updates sent`);

  // A client that asks for every exchange gets every one.
  const everything: ServerFrame[] = [];
  const full = openFrameChannel(core, (frame) => everything.push(frame), { everyExchange: true });
  core.emit(asEvents(rows));
  assert.equal(everything.flatMap((f) => (f.kind === 'events' ? ids(f.events) : [])).length, 2000);
  full.close();
  channel.close();
});
