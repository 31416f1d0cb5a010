// What one UI channel is sent of a batch of events. Under a flood of requests most exchange
// updates concern rows no UI shows (the list pages through the Core), and encoding and sending
// them is most of the cost of a busy capture with a UI open. So a batch leaves with every event
// that is not an exchange's, the updates the UI is interested in (exchange-interest.ts), the
// lesson's pages within a budget of their own (`lessonPerSecond`, so a browser's visit gets
// through a flood of other requests), and of the rest only the latest, within a budget of
// `recentPerSecond`. At a human's pace nothing is dropped.
import type { CoreEvent, InterestFields, SubscriberInterest } from '../protocol/types';
import { isLessonPage, type ExchangeInterest } from '../protocol/exchange-interest';

export interface ChannelThinningOptions {
  recentPerSecond?: number;
  /** Bursts of recent updates up to this many. */
  recentBurst?: number;
  lessonPerSecond?: number;
  lessonBurst?: number;
  now?: () => number;
}

/** Tokens that refill at a steady rate up to a burst. */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Whole tokens at `now`. */
  available(now: number): number {
    return Math.floor(this.refilled(now));
  }

  /** Refills to `now` and spends `spent` of what is available. */
  spend(now: number, spent: number): void {
    this.tokens = this.refilled(now) - spent;
    this.last = now;
  }

  private refilled(now: number): number {
    return Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
  }
}

export class ChannelThinning implements SubscriberInterest {
  private readonly now: () => number;
  private readonly recent: TokenBucket;
  private readonly lesson: TokenBucket;
  /**
   * How many more lesson pages `wants` says yes to in the batch being taken (set by
   * `recentBudget`, which the Core asks first): the Core builds the summaries a subscriber wants,
   * so a lesson page is wanted only while the lesson budget lasts.
   */
  private lessonQuota = 0;

  constructor(
    private readonly interest: ExchangeInterest,
    options: ChannelThinningOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    const now = this.now();
    this.recent = new TokenBucket(
      (options.recentPerSecond ?? 2500) / 1000,
      options.recentBurst ?? 250,
      now,
    );
    this.lesson = new TokenBucket(
      (options.lessonPerSecond ?? 100) / 1000,
      options.lessonBurst ?? 100,
      now,
    );
  }

  wants(exchange: InterestFields): boolean {
    if (this.interest.wants(exchange)) return true;
    if (this.lessonQuota <= 0 || !isLessonPage(exchange)) return false;
    this.lessonQuota--;
    return true;
  }

  /** How many updates it does not want the next batch may bring. */
  recentBudget(): number {
    const now = this.now();
    this.lessonQuota = this.lesson.available(now);
    return this.recent.available(now);
  }

  /** The events of one batch the UI is sent, in order. */
  thin(events: readonly CoreEvent[]): CoreEvent[] {
    const now = this.now();
    const recentAvailable = this.recent.available(now);
    const lessonAvailable = this.lesson.available(now);
    let recent = recentAvailable;
    let lesson = lessonAvailable;
    const kept: CoreEvent[] = [];
    // Newest first, so the budgets go to the latest updates.
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      if (event.type === 'exchange' && !this.interest.wants(event.exchange)) {
        if (lesson > 0 && isLessonPage(event.exchange)) lesson--;
        else if (recent > 0) recent--;
        else continue;
      }
      kept.push(event);
    }
    this.recent.spend(now, recentAvailable - recent);
    this.lesson.spend(now, lessonAvailable - lesson);
    return kept.reverse();
  }
}
