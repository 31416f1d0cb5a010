// The Core's event delivery builds an exchange's summary only when a subscriber keeps it.
// Regression: the app's own subscribers (the Electron shell's, the web host's terminal) said
// nothing of what they keep, so beside them every summary of a flood was built again. And the
// lesson's pages were always wanted by a UI's channel, so a flood of `GET /` built every summary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventDelivery } from '../../src-main/host/event-delivery';
import { ExchangeTable } from '../../src-main/host/exchange-table';
import { emptyExchange } from '../../src-main/host/exchanges';
import { ChannelThinning } from '../../src-main/host/channel-thinning';
import { ExchangeInterest, NO_EXCHANGES } from '../../src-main/protocol/exchange-interest';
import type { CoreEvent, SubscribeOptions } from '../../src-main/protocol/types';

/** A table that counts the summaries built from it. */
function countingTable(): { table: ExchangeTable; built: () => number } {
  const table = new ExchangeTable();
  let built = 0;
  const summary = table.summary.bind(table);
  table.summary = (row) => {
    built++;
    return summary(row);
  };
  return { table, built: () => built };
}

const exchangeIds = (events: readonly CoreEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'exchange' ? [e.exchange.exchangeId] : []));

function flood(others: SubscribeOptions): { built: number; ui: string[]; other: number } {
  const { table, built } = countingTable();
  const delivery = new EventDelivery(25, () => undefined);
  const ui: string[] = [];
  let other = 0;
  delivery.subscribe((events) => ui.push(...exchangeIds(events)), {
    data: false,
    interest: { wants: (e) => e.exchangeId === 'c1#7', recentBudget: () => 2 },
  });
  delivery.subscribe((events) => (other += events.length), others);
  for (let i = 0; i < 1000; i++) {
    const row = table.put({ ...emptyExchange(`c1#${i}`, 'c1', i, i, 0), target: `/x/${i}` });
    delivery.emitRow(table, row);
  }
  delivery.deliver();
  delivery.close();
  return { built: built(), ui, other };
}

test('beside a UI that keeps few exchanges, a subscriber that keeps none costs no summaries', () => {
  const lean = flood({ data: false, interest: NO_EXCHANGES });
  assert.equal(lean.built, 3, 'the one wanted and the newest two');
  assert.deepEqual(lean.ui, ['c1#7', 'c1#998', 'c1#999']);
  assert.ok(lean.other > 0, 'the other subscriber still gets the batch (the count, notices…)');
  // One that says nothing of what it keeps gets every exchange, so every summary is built.
  const full = flood({ data: false });
  assert.equal(full.built, 1000);
});

test("the Core builds a flood's summaries only within the channel's budgets, a lesson page buried in it included", () => {
  const { table, built } = countingTable();
  let now = 0;
  const delivery = new EventDelivery(25, () => undefined);
  const thinning = new ChannelThinning(new ExchangeInterest(), {
    recentPerSecond: 1000,
    recentBurst: 50,
    lessonPerSecond: 10,
    lessonBurst: 5,
    now: () => now,
  });
  let sent: string[] = [];
  delivery.subscribe((events) => sent.push(...exchangeIds(thinning.thin(events))), {
    data: false,
    interest: thinning,
  });
  let builtBefore = 0;
  const batch = (from: number, target: (i: number) => string): void => {
    builtBefore = built();
    sent = [];
    for (let i = from; i < from + 2000; i++) {
      const row = table.put({
        ...emptyExchange(`c1#${i}`, 'c1', i, i, 0),
        method: 'GET',
        target: target(i),
      });
      delivery.emitRow(table, row);
    }
    delivery.deliver();
  };
  batch(0, (i) => (i === 3 ? '/test.jpg' : `/bench/${i}`));
  assert.equal(built() - builtBefore, 1 + 50, 'the lesson page and the newest 50');
  assert.deepEqual(sent.slice(0, 2), ['c1#3', 'c1#1950']);
  now += 1000;
  batch(2000, () => '/');
  assert.equal(
    built() - builtBefore,
    5 + 50,
    'a flood of the lesson page: its budget and the recent one',
  );
  assert.equal(sent.length, 55);
  assert.equal(sent.at(-1), 'c1#3999');
  delivery.close();
});
