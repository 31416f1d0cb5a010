// What the socket worker hands the page of a flood of events. The list pages through the Core,
// so the page needs an exchange's summary only when it holds that exchange's row (it came in a
// reply), when it is the selection, or when it is recent (selection by id, the lesson). Every
// structured-clone of a summary costs the main thread, and a capture of tens of thousands of
// requests a second would spend its frames on summaries nobody shows. So events wait here for
// one window (see socket.worker.ts), keep one update per exchange, and leave with:
// - every event that is not an exchange's (counts, notices, connections…), in order, with only
//   the latest `exchangeCount` of a run (each one is a whole count);
// - the latest update of each exchange the page watches (rows of replies, the pinned selection),
//   of replays, of exchanges a rule answered, and of GETs of the default site's pages (what the
//   lesson and the lab wait for; the Core's channel has bounded those already);
// - the last `recentKeep` exchange updates of the window, whatever they are.
// At a human's pace nothing is dropped: a window rarely holds more than `recentKeep` exchanges.
import type { CoreEvent } from '../../src-main/protocol/types';
import { ExchangeInterest, isLessonPage } from '../../src-main/protocol/exchange-interest';

export class EventThinner {
  private pending: (CoreEvent | null)[] = [];
  /** exchangeId → its slot in `pending`. */
  private slots = new Map<string, number>();
  /** The slot of the latest `exchangeCount` (-1: none since the last `cleared`). */
  private countSlot = -1;
  private readonly interest: ExchangeInterest;

  constructor(
    private readonly recentKeep = 250,
    watchLimit = 8192,
  ) {
    this.interest = new ExchangeInterest(watchLimit);
  }

  /** Events waiting to be taken (before thinning). */
  get size(): number {
    return this.pending.length;
  }

  push(events: readonly CoreEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'data':
          // Raw chunks: the page reads bytes through commands, never from events.
          continue;
        case 'cleared':
          // What follows a clear must not be folded into slots before it.
          this.slots.clear();
          this.countSlot = -1;
          break;
        case 'exchangeCount':
          if (this.countSlot >= 0) this.pending[this.countSlot] = null;
          this.countSlot = this.pending.length;
          break;
        case 'exchange': {
          const slot = this.slots.get(event.exchange.exchangeId);
          if (slot !== undefined) {
            this.pending[slot] = event;
            continue;
          }
          this.slots.set(event.exchange.exchangeId, this.pending.length);
          break;
        }
      }
      this.pending.push(event);
    }
  }

  /** The page holds these rows (they came in a reply): their updates keep coming. */
  watchRows(rows: readonly { exchangeId: string }[]): void {
    this.interest.watchRows(rows);
  }

  /** The selected exchange: its updates keep coming however far the list scrolls (null: none). */
  pin(exchangeId: string | null): void {
    this.interest.pin(exchangeId);
  }

  /** The window's events, thinned, in order; the thinner starts empty again. */
  take(): CoreEvent[] {
    const pending = this.pending;
    this.pending = [];
    this.slots = new Map();
    this.countSlot = -1;
    let recent = 0;
    const kept: CoreEvent[] = [];
    for (let i = pending.length - 1; i >= 0; i--) {
      const event = pending[i];
      if (event === null) continue;
      if (
        event.type === 'exchange' &&
        recent++ >= this.recentKeep &&
        !this.interest.wants(event.exchange) &&
        !isLessonPage(event.exchange)
      )
        continue;
      kept.push(event);
    }
    return kept.reverse();
  }
}
