// Which exchanges' updates a UI must receive, however many others a flood of requests brings.
// The list pages through the Core, so a UI needs an exchange's summary only when it holds that
// exchange's row (it came in a reply), when it is the one shown in detail (pinned), or when the
// repeater or the rules follow it (replays, rule answers). The lesson and the lab wait for GETs
// of the default site's pages: those pass within a budget of their own (channel-thinning.ts),
// so a browser's visit gets through a flood of other requests and a flood of them is thinned.
// Everything else is a courtesy: recent updates are passed on within a budget.
// Shared by the Core's frame channel (what it sends a UI) and the socket worker (what it hands the
// page), so both keep the same exchanges.
import type { InterestFields, SubscriberInterest } from './types';

/** Pages the lesson and the lab follow. */
const lessonPaths = new Set(['/', '/index.html', '/test.jpg', '/favicon.ico']);

/** Exchanges that are followed whatever the UI shows: not captured, or answered by a rule. */
export function isFollowed(exchange: InterestFields): boolean {
  return exchange.source !== 'capture' || exchange.ruleId !== null;
}

/** A GET of a page the lesson follows (`/`, `/test.jpg`…, with or without a query). */
export function isLessonPage(exchange: InterestFields): boolean {
  if (exchange.method !== 'GET') return false;
  const target = exchange.target;
  if (target === null) return false;
  const query = target.search(/[?#]/);
  return lessonPaths.has(query < 0 ? target : target.slice(0, query));
}

export class ExchangeInterest {
  /** Ids of rows the UI was given, oldest first (a bounded set, refreshed on each reply). */
  private readonly watched = new Map<string, true>();
  private pinned: string | null = null;

  constructor(private readonly watchLimit = 8192) {}

  /** The UI holds these rows (they came in a reply): their updates keep coming. */
  watchRows(rows: readonly { exchangeId: string }[]): void {
    for (const row of rows) {
      this.watched.delete(row.exchangeId);
      this.watched.set(row.exchangeId, true);
    }
    while (this.watched.size > this.watchLimit) {
      const oldest = this.watched.keys().next().value;
      if (oldest === undefined) break;
      this.watched.delete(oldest);
    }
  }

  /** The exchange shown in detail: its updates keep coming however far the list scrolls. */
  pin(exchangeId: string | null): void {
    this.pinned = exchangeId;
  }

  /** Whether this exchange's updates must reach the UI. */
  wants(exchange: InterestFields): boolean {
    if (isFollowed(exchange)) return true;
    if (this.pinned === null && this.watched.size === 0) return false;
    // A row's id is made on each read (exchange-table.ts): read it once.
    const id = exchange.exchangeId;
    return id === this.pinned || this.watched.has(id);
  }
}

/** The rows a reply carries (`exchanges.rows`, the snapshot's first exchanges), if any. */
export function rowsOfReply(result: unknown): readonly { exchangeId: string }[] {
  if (typeof result !== 'object' || result === null) return [];
  const { rows, exchanges } = result as { rows?: unknown; exchanges?: unknown };
  const list = Array.isArray(rows) ? rows : Array.isArray(exchanges) ? exchanges : [];
  return list.filter(
    (row): row is { exchangeId: string } =>
      typeof row === 'object' &&
      row !== null &&
      typeof (row as { exchangeId?: unknown }).exchangeId === 'string',
  );
}

/** What a subscriber that reads no exchange updates keeps of a flood: none of them. */
export const NO_EXCHANGES: SubscriberInterest = {
  wants: () => false,
  recentBudget: () => 0,
};
