// The Core's event delivery builds an exchange's summary only when a subscriber keeps it.
// Regression: the app's own subscribers (the Electron shell's, the web host's terminal) said
// nothing of what they keep, so beside them every summary of a flood was built again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventDelivery } from '../../src-main/host/event-delivery';
import { ExchangeTable } from '../../src-main/host/exchange-table';
import { emptyExchange } from '../../src-main/host/exchanges';
import { NO_EXCHANGES } from '../../src-main/protocol/exchange-interest';
import type { CoreEvent, SubscribeOptions } from '../../src-main/protocol/types';

function flood(others: SubscribeOptions): { built: number; ui: string[]; other: number } {
  const table = new ExchangeTable();
  let built = 0;
  const summary = table.summary.bind(table);
  table.summary = (row) => {
    built++;
    return summary(row);
  };
  const delivery = new EventDelivery(25, () => undefined);
  const ui: string[] = [];
  let other = 0;
  const ids = (events: CoreEvent[]) =>
    events.flatMap((e) => (e.type === 'exchange' ? [e.exchange.exchangeId] : []));
  delivery.subscribe((events) => ui.push(...ids(events)), {
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
  return { built, ui, other };
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
