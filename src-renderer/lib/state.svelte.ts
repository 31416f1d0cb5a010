// The UI's one store: the snapshot plus live event batches. The connection list is not held
// here: the Core keeps every exchange and answers `exchanges.rows` for the rows on screen, so a
// session of a million requests costs the page only the rows it shows. This store keeps the
// list's length, a window of fetched rows around what is visible, and the selected exchange.
import type {
  CoreEvent,
  ExchangeRows,
  ExchangeSummary,
  Message,
  ResponderRule,
  RulesFileProblem,
  ServerSettings,
  ServerState,
  SessionInfo,
  SessionLoad,
  Snapshot,
  TaskProgress,
} from '../../src-main/protocol/types';
import { MAX_PAGE_ROWS } from '../../src-main/protocol/types';
import { emptyFilter, isFilterActive, type ListFilter } from './filter';
import type { ListSort } from '../../src-main/protocol/filter';
import { core } from './core';

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: Message;
}

/** Where the store gets pages of the list (the Core, or a stand-in in tests). */
export type RowSource = (query: {
  from: number;
  count: number;
  filter: ListFilter;
  sort?: ListSort | null;
}) => Promise<ExchangeRows>;

const maxNotices = 5;
/** Rows fetched beyond each edge of the visible range. */
const overscan = 60;
/** Rows kept around the visible range; farther ones are dropped. */
const keepAround = 600;
/** How often the visible rows are fetched again while the list changes under a filter. */
const refreshMs = 250;
/** Summaries from live events kept for selection by id (replays, timeline links). */
const recentLimit = 500;

export class Store {
  linked = $state(false);
  everLinked = $state(false);
  server = $state.raw<ServerState | null>(null);
  settings = $state.raw<ServerSettings | null>(null);
  rules = $state.raw<ResponderRule[]>([]);
  /** The saved rules file is broken and not yet recovered (from the snapshot). */
  rulesProblem = $state.raw<RulesFileProblem | null>(null);
  session = $state.raw<SessionInfo | null>(null);
  notices = $state.raw<Notice[]>([]);
  /** Rows that pass the filter: the list's length. */
  total = $state(0);
  /** Exchanges in the session. */
  allTotal = $state(0);
  /**
   * The list for the virtual scroller: `length` is `total`, and index i holds the fetched row
   * or null while it is being fetched (a new identity whenever a row arrives).
   */
  view = $state.raw<(ExchangeSummary | null)[]>([]);
  filter = $state.raw<ListFilter>(emptyFilter);
  /** The list's order (null: as the exchanges came); the Core sorts. */
  sort = $state.raw<ListSort | null>(null);
  paused = $state(false);
  buffered = $state(0);
  selectedId = $state<string | null>(null);
  /** The selected exchange, kept up to date by live events. */
  selected = $state.raw<ExchangeSummary | null>(null);
  /** Position of the selection in the filtered list (-1: not in it, or not known yet). */
  selectedIndex = $state(-1);
  methods = $state.raw<string[]>([]);
  /** Set while the open session's file is still being read. */
  loading = $state.raw<SessionLoad | null>(null);
  /** The latest progress of each HAR task, by task id. */
  tasks = $state.raw<Record<string, TaskProgress>>({});

  // Deliberately plain collections: reactivity comes from `view`, which is replaced.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly cache = new Map<number, ExchangeSummary>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly positions = new Map<string, number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly recent = new Map<string, ExchangeSummary>();
  private visible = { from: 0, to: 0 };
  private source: RowSource = (query) => core().call('exchanges.rows', query);
  private finder: (id: string, filter: ListFilter, sort?: ListSort | null) => Promise<number> =
    async (exchangeId, filter, sort) =>
      (await core().call('exchanges.indexOf', { exchangeId, filter, sort: sort ?? null })).index;
  /** Bumped when the list starts over (filter, session): replies for an older one are dropped. */
  private generation = 0;
  private fetching = false;
  private again = false;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private publishPending = false;
  private noticeId = 0;
  /** A position chosen before its row was fetched (-1: none). */
  private pendingSelect = -1;
  /** The Core's count while the list is paused (the list keeps showing `allTotal`). */
  private latestCount = 0;

  /** Where pages of the list come from (the connected Core unless set). */
  setSource(source: RowSource, finder: (id: string, filter: ListFilter) => Promise<number>): void {
    this.source = source;
    this.finder = finder;
    this.ensureRows(true);
  }

  loadSnapshot(snapshot: Snapshot): void {
    this.server = snapshot.server;
    this.settings = snapshot.settings;
    this.rules = snapshot.rules;
    this.rulesProblem = snapshot.rulesProblem ?? null;
    this.session = snapshot.session;
    this.loading = snapshot.loading ?? null;
    this.buffered = 0;
    this.startOver(snapshot.exchangeCount ?? snapshot.exchanges.length);
    if (!this.reordered()) {
      snapshot.exchanges.forEach((exchange, index) => this.place(index, exchange));
      this.total = this.allTotal;
    }
    this.publish();
    this.ensureRows(true);
    if (this.selectedId !== null) this.locateSelection();
  }

  /** Starts over from a snapshot (another session was opened): nothing stays selected. */
  reset(snapshot: Snapshot): void {
    this.select(null);
    this.loadSnapshot(snapshot);
  }

  apply(events: CoreEvent[]): void {
    let changed = false;
    for (const event of events) if (this.applyOne(event)) changed = true;
    if (changed) this.schedulePublish();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      this.buffered = 0;
      if (this.latestCount !== this.allTotal) this.countChanged(this.latestCount);
      this.ensureRows(true);
    }
  }

  setFilter(filter: ListFilter): void {
    this.filter = filter;
    this.startOver(this.allTotal);
    this.publish();
    this.ensureRows(true);
    if (this.selectedId !== null) this.locateSelection();
  }

  setSort(sort: ListSort | null): void {
    if (JSON.stringify(sort) === JSON.stringify(this.sort)) return;
    this.sort = sort;
    this.startOver(this.allTotal);
    this.publish();
    this.ensureRows(true);
    if (this.selectedId !== null) this.locateSelection();
  }

  /** The list shows rows `from … to` (inclusive): fetch what is missing around them. */
  setVisible(from: number, to: number): void {
    this.visible = { from: Math.max(0, from), to: Math.max(from, to) };
    this.ensureRows();
  }

  /**
   * Selects the row at a position of the filtered list; one not fetched yet is selected when it
   * arrives (keyboard jumps to the end of a long list). Returns whether the selection changed now.
   */
  selectAt(index: number): boolean {
    const row = this.cache.get(index);
    this.pendingSelect = row ? -1 : index;
    if (!row) {
      this.setVisible(index, index);
      return false;
    }
    const changed = row.exchangeId !== this.selectedId;
    this.select(row.exchangeId, index);
    return changed;
  }

  /** The row at a position of the filtered list, when fetched. */
  rowAt(index: number): ExchangeSummary | null {
    return this.cache.get(index) ?? null;
  }

  get(id: string | null): ExchangeSummary | null {
    if (id === null) return null;
    if (this.selected?.exchangeId === id) return this.selected;
    const at = this.positions.get(id);
    return (at === undefined ? undefined : this.cache.get(at)) ?? this.recent.get(id) ?? null;
  }

  select(id: string | null, index?: number): void {
    if (id !== this.selectedId) this.pinSelection(id);
    this.selectedId = id;
    this.selected = this.get(id);
    this.selectedIndex = id === null ? -1 : (index ?? this.positions.get(id) ?? -1);
    if (id !== null && (this.selected === null || index === undefined)) this.locateSelection();
  }

  /** A flood of events is thinned before it reaches the page: the selection's updates never are. */
  private pinSelection(id: string | null): void {
    try {
      core().pin?.(id);
    } catch {
      // No Core linked (a stand-in source): nothing thins its events.
    }
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  pushNotice(level: Notice['level'], message: Message): void {
    this.notices = [...this.notices, { id: ++this.noticeId, level, message }].slice(-maxNotices);
  }

  /** The rows the page holds (a window of the list, not all of it): for scans that can do with it. */
  plainRows(): readonly ExchangeSummary[] {
    void this.view;
    return [...this.cache.values()];
  }

  private applyOne(event: CoreEvent): boolean {
    switch (event.type) {
      case 'server':
        this.server = event.state;
        return false;
      case 'rules':
        this.rules = event.rules;
        // Rules are announced only once they could be applied and saved: any problem is over.
        this.rulesProblem = null;
        return false;
      case 'session':
        this.session = event.session;
        return false;
      case 'notice':
        this.pushNotice(event.level, event.message);
        return false;
      case 'connectionOpen':
      case 'connectionClose':
      case 'data':
      case 'holds':
        return false;
      case 'sessionLoad':
        this.loading = event.load.done ? null : event.load;
        return false;
      case 'progress':
        this.tasks = { ...this.tasks, [event.progress.taskId]: event.progress };
        return false;
      case 'exchangeCount':
        if (this.paused) {
          this.latestCount = event.total;
          this.buffered = Math.max(0, event.total - this.allTotal);
          return false;
        }
        return this.countChanged(event.total);
      case 'exchange':
        return this.updated(event.exchange);
      case 'cleared':
        this.select(null);
        this.startOver(0);
        this.buffered = 0;
        return true;
    }
  }

  private countChanged(total: number): boolean {
    this.latestCount = total;
    if (total === this.allTotal) return false;
    const shrank = total < this.allTotal;
    this.allTotal = total;
    if (shrank) this.startOver(total);
    if (!this.reordered()) this.total = total;
    else this.scheduleRefresh();
    this.ensureRows();
    return true;
  }

  private updated(exchange: ExchangeSummary): boolean {
    this.recent.delete(exchange.exchangeId);
    this.recent.set(exchange.exchangeId, exchange);
    if (this.recent.size > recentLimit) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    if (exchange.exchangeId === this.selectedId) this.selected = exchange;
    if (this.paused) return exchange.exchangeId === this.selectedId;
    if (this.reordered()) this.scheduleRefresh();
    const at = this.positions.get(exchange.exchangeId);
    if (at === undefined) return false;
    this.cache.set(at, exchange);
    return true;
  }

  private startOver(allTotal: number): void {
    this.generation++;
    this.cache.clear();
    this.positions.clear();
    this.allTotal = allTotal;
    this.latestCount = allTotal;
    this.total = isFilterActive(this.filter) ? 0 : allTotal;
    this.selectedIndex = -1;
    this.pendingSelect = -1;
  }

  private place(index: number, exchange: ExchangeSummary): void {
    const before = this.cache.get(index);
    if (before && before.exchangeId !== exchange.exchangeId)
      this.positions.delete(before.exchangeId);
    this.cache.set(index, exchange);
    this.positions.set(exchange.exchangeId, index);
    if (exchange.exchangeId === this.selectedId) {
      this.selected = exchange;
      this.selectedIndex = index;
    }
  }

  /** The Core's list is not the order of arrival (filtered or sorted): only it knows where rows go. */
  private reordered(): boolean {
    return isFilterActive(this.filter) || this.sort !== null;
  }

  /** Fetches the rows missing around the visible range (all of them again when `fresh`). */
  private ensureRows(fresh = false): void {
    if (fresh) this.again = true;
    if (this.fetching) return;
    const wantFrom = Math.max(0, this.visible.from - overscan);
    const wantTo = Math.min(this.total - 1, this.visible.to + overscan);
    let from = -1;
    let to = -1;
    if (this.again) {
      // Also when nothing is known yet: the reply brings the totals.
      from = wantFrom;
      to = Math.max(wantTo, wantFrom);
    } else {
      for (let i = wantFrom; i <= wantTo; i++) {
        if (this.cache.has(i)) continue;
        if (from < 0) from = i;
        to = i;
      }
    }
    this.again = false;
    if (from < 0) return;
    const count = Math.min(MAX_PAGE_ROWS, to - from + 1);
    const generation = this.generation;
    const filter = this.filter;
    const sort = this.sort;
    this.fetching = true;
    let failed = false;
    Promise.resolve()
      .then(() => this.source({ from, count, filter, sort }))
      .then((page) => {
        if (generation === this.generation) this.received(page);
        else this.again = true;
      })
      .catch(() => {
        // Disconnected or refused: the next change or reconnection fetches again.
        failed = true;
      })
      .finally(() => {
        this.fetching = false;
        if (!failed) this.ensureRows();
      });
  }

  private received(page: ExchangeRows): void {
    if (!this.paused) {
      this.latestCount = Math.max(this.latestCount, page.all);
      if (page.all !== this.allTotal) this.allTotal = page.all;
      this.total = page.total;
    }
    page.rows.forEach((exchange, i) => this.place(page.from + i, exchange));
    const pending = this.cache.get(this.pendingSelect);
    if (pending) {
      this.select(pending.exchangeId, this.pendingSelect);
      this.pendingSelect = -1;
    }
    if (page.methods.length !== this.methods.length) this.methods = page.methods;
    this.evict();
    this.publish();
  }

  /** Drops rows far from the visible range, so the page holds a bounded number of them. */
  private evict(): void {
    if (this.cache.size <= 3 * keepAround + (this.visible.to - this.visible.from)) return;
    const low = this.visible.from - keepAround;
    const high = this.visible.to + keepAround;
    for (const [index, exchange] of this.cache) {
      if (index >= low && index <= high) continue;
      this.cache.delete(index);
      this.positions.delete(exchange.exchangeId);
    }
  }

  /** Refetches the visible rows soon (the filtered list changed in ways only the Core knows). */
  private scheduleRefresh(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.ensureRows(true);
    }, refreshMs);
  }

  /** Finds where the selection is in the filtered list (and its summary when not at hand). */
  private locateSelection(): void {
    const id = this.selectedId;
    const source = this.source;
    if (id === null) return;
    const generation = this.generation;
    void Promise.resolve()
      .then(() => this.finder(id, this.filter, this.sort))
      .then(async (index) => {
        if (this.selectedId !== id || generation !== this.generation) return;
        this.selectedIndex = index;
        if (index >= 0 && this.selected === null) {
          const page = await source({
            from: index,
            count: 1,
            filter: this.filter,
            sort: this.sort,
          });
          if (this.selectedId === id && page.rows[0]?.exchangeId === id)
            this.selected = page.rows[0];
        }
      })
      .catch(() => undefined);
  }

  /** Publishes at most once per animation frame however many batches arrive in it. */
  private schedulePublish(): void {
    if (this.publishPending) return;
    this.publishPending = true;
    let done = false;
    const run = (): void => {
      if (done) return;
      done = true;
      this.publishPending = false;
      this.publish();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    // Animation frames pause in hidden tabs: publish anyway, less often.
    setTimeout(run, 100);
  }

  private publish(): void {
    this.view = listView(this.total, this.cache);
  }
}

/** An array-like of `length` rows over the fetched ones: what the virtual list reads. */
function listView(
  length: number,
  cache: ReadonlyMap<number, ExchangeSummary>,
): (ExchangeSummary | null)[] {
  return new Proxy([] as (ExchangeSummary | null)[], {
    get(target, key, receiver) {
      if (key === 'length') return length;
      if (typeof key === 'string') {
        const index = Number(key);
        if (Number.isInteger(index) && index >= 0) return cache.get(index) ?? null;
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

export const store = new Store();
