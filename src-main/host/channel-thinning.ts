// What one UI channel is sent of a batch of events. Under a flood of requests most exchange
// updates concern rows no UI shows (the list pages through the Core), and encoding and sending
// them is most of the cost of a busy capture with a UI open. So a batch leaves with every event
// that is not an exchange's, the updates the UI is interested in (exchange-interest.ts), and of
// the rest only the latest, within a budget of `recentPerSecond` (bursts up to `recentBurst`).
// At a human's pace nothing is dropped.
import type { CoreEvent, InterestFields, SubscriberInterest } from '../protocol/types';
import type { ExchangeInterest } from '../protocol/exchange-interest';

export interface ChannelThinningOptions {
  recentPerSecond?: number;
  recentBurst?: number;
  now?: () => number;
}

export class ChannelThinning implements SubscriberInterest {
  private readonly recentPerMs: number;
  private readonly recentBurst: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;

  constructor(
    private readonly interest: ExchangeInterest,
    options: ChannelThinningOptions = {},
  ) {
    this.recentPerMs = (options.recentPerSecond ?? 2500) / 1000;
    this.recentBurst = options.recentBurst ?? 250;
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.recentBurst;
    this.last = this.now();
  }

  wants(exchange: InterestFields): boolean {
    return this.interest.wants(exchange);
  }

  /** How many updates it does not want the next batch may bring. */
  recentBudget(): number {
    return Math.floor(this.refilled(this.now()));
  }

  /** The events of one batch the UI is sent, in order. */
  thin(events: readonly CoreEvent[]): CoreEvent[] {
    const now = this.now();
    this.tokens = this.refilled(now);
    this.last = now;
    let recent = Math.floor(this.tokens);
    const kept: CoreEvent[] = [];
    // Newest first, so the budget goes to the latest updates.
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      if (event.type === 'exchange' && !this.wants(event.exchange)) {
        if (recent <= 0) continue;
        recent--;
      }
      kept.push(event);
    }
    this.tokens -= Math.floor(this.tokens) - recent;
    return kept.reverse();
  }

  private refilled(now: number): number {
    return Math.min(this.recentBurst, this.tokens + (now - this.last) * this.recentPerMs);
  }
}
