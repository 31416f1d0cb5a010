// The UI's one store: the snapshot plus live event batches. Exchanges live in a plain array with
// an id → index map and are mutated in place. Once per batch the reactive `rows` (and the
// filtered `view`) get a new identity: a pass-through Proxy of the same array, so a batch costs
// O(batch), not a copy of 100,000 entries (copies that size kept the garbage collector busy).
import type {
  ConnectionSummary,
  CoreEvent,
  ExchangeSummary,
  Message,
  ResponderRule,
  RulesFileProblem,
  ServerSettings,
  ServerState,
  SessionInfo,
  Snapshot,
} from '../../src-main/protocol/types';
import { emptyFilter, isFilterActive, matcher, type ListFilter } from './filter';

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  message: Message;
}

const maxNotices = 5;
/** Events that only change the list are buffered while the list is paused. */
const listEventTypes = new Set<CoreEvent['type']>([
  'exchange',
  'connectionOpen',
  'connectionClose',
  'cleared',
]);

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
  /** Every exchange in arrival order (new reference per batch). */
  rows = $state.raw<ExchangeSummary[]>([]);
  /** The rows that pass the filter (equal to `rows` when no filter is set). */
  view = $state.raw<ExchangeSummary[]>([]);
  filter = $state.raw<ListFilter>(emptyFilter);
  paused = $state(false);
  buffered = $state(0);
  selectedId = $state<string | null>(null);
  /** Bumped whenever a connection changes. */
  connectionsVersion = $state(0);

  // Deliberately plain collections: reactivity comes from the per-batch `rows`/`view` copies.
  private readonly all: ExchangeSummary[] = [];
  /** The filtered rows, maintained incrementally while a filter is set. */
  private filtered: ExchangeSummary[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly index = new Map<string, number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly connections = new Map<string, ConnectionSummary>();
  private pausedEvents: CoreEvent[] = [];
  private noticeId = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly strings = new Map<string, string>();
  private publishedLength = 0;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly methodSet = new Set<string>();
  methods = $state.raw<string[]>([]);

  loadSnapshot(snapshot: Snapshot): void {
    this.server = snapshot.server;
    this.settings = snapshot.settings;
    this.rules = snapshot.rules;
    this.rulesProblem = snapshot.rulesProblem ?? null;
    this.session = snapshot.session;
    this.connections.clear();
    for (const c of snapshot.connections) this.connections.set(c.connectionId, c);
    this.all.length = 0;
    this.index.clear();
    this.methodSet.clear();
    this.pausedEvents = [];
    this.buffered = 0;
    for (const e of snapshot.exchanges) this.upsert(e);
    this.connectionsVersion++;
    this.publishPending = 'none';
    this.publish(true);
  }

  /** Starts over from a snapshot (another session was opened): nothing stays selected. */
  reset(snapshot: Snapshot): void {
    this.selectedId = null;
    this.loadSnapshot(snapshot);
  }

  apply(events: CoreEvent[]): void {
    let listChanged = false;
    let onlyAppends = true;
    for (const event of events) {
      if (this.paused && listEventTypes.has(event.type)) {
        this.pausedEvents.push(event);
        continue;
      }
      const result = this.applyOne(event);
      if (result !== 'none') listChanged = true;
      if (result === 'update' || result === 'reset') onlyAppends = false;
    }
    if (this.paused) this.buffered = this.pausedEvents.length;
    if (listChanged) this.schedulePublish(!onlyAppends);
  }

  private publishPending: 'none' | 'appends' | 'full' = 'none';

  /** Publishes at most once per animation frame however many batches arrive in it. */
  private schedulePublish(full: boolean): void {
    const first = this.publishPending === 'none';
    if (full) this.publishPending = 'full';
    else if (first) this.publishPending = 'appends';
    if (!first) return;
    let done = false;
    const run = (): void => {
      if (done) return;
      done = true;
      const pending = this.publishPending;
      this.publishPending = 'none';
      if (pending !== 'none') this.publish(pending === 'full');
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    // Animation frames pause in hidden tabs: publish anyway, less often.
    setTimeout(run, 100);
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      const events = this.pausedEvents;
      this.pausedEvents = [];
      this.buffered = 0;
      this.apply(events);
    }
  }

  setFilter(filter: ListFilter): void {
    this.filter = filter;
    this.publish(true);
  }

  get(id: string | null): ExchangeSummary | null {
    if (id === null) return null;
    const i = this.index.get(id);
    return i === undefined ? null : this.all[i];
  }

  /** The selected exchange; reading `rows` makes it follow updates of that exchange. */
  get selected(): ExchangeSummary | null {
    void this.rows;
    return this.get(this.selectedId);
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  pushNotice(level: Notice['level'], message: Message): void {
    this.notices = [...this.notices, { id: ++this.noticeId, level, message }].slice(-maxNotices);
  }

  private applyOne(event: CoreEvent): 'none' | 'append' | 'update' | 'reset' {
    switch (event.type) {
      case 'server':
        this.server = event.state;
        return 'none';
      case 'rules':
        this.rules = event.rules;
        // Rules are announced only once they could be applied and saved: any problem is over.
        this.rulesProblem = null;
        return 'none';
      case 'session':
        this.session = event.session;
        return 'none';
      case 'notice':
        this.pushNotice(event.level, event.message);
        return 'none';
      case 'connectionOpen':
      case 'connectionClose':
        this.connections.set(event.connection.connectionId, event.connection);
        this.connectionsVersion++;
        return 'none';
      case 'data':
        return 'none';
      case 'exchange':
        return this.upsert(event.exchange);
      case 'cleared':
        this.all.length = 0;
        this.index.clear();
        this.connections.clear();
        this.methodSet.clear();
        this.selectedId = null;
        this.connectionsVersion++;
        return 'reset';
    }
  }

  /**
   * Shares one copy of strings that repeat across exchanges (methods, versions, hosts, content
   * types…): every received summary brings its own copies, and 100,000 rows of duplicates make
   * the heap, and each garbage collection, much larger.
   */
  private intern(value: string | null): string | null {
    if (value === null) return null;
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size < 20_000) this.strings.set(value, value);
    return value;
  }

  private upsert(exchange: ExchangeSummary): 'append' | 'update' {
    exchange.method = this.intern(exchange.method);
    exchange.version = this.intern(exchange.version);
    exchange.host = this.intern(exchange.host);
    exchange.referer = this.intern(exchange.referer);
    exchange.reason = this.intern(exchange.reason);
    exchange.requestContentType = this.intern(exchange.requestContentType);
    exchange.responseContentType = this.intern(exchange.responseContentType);
    exchange.connectionId = this.intern(exchange.connectionId) ?? exchange.connectionId;
    if (exchange.method && !this.methodSet.has(exchange.method))
      this.methodSet.add(exchange.method);
    const at = this.index.get(exchange.exchangeId);
    if (at !== undefined) {
      this.all[at] = exchange;
      return 'update';
    }
    this.index.set(exchange.exchangeId, this.all.length);
    this.all.push(exchange);
    return 'append';
  }

  /** Publishes the batch: new identities for the lists, an incremental filter pass for appends. */
  private publish(full: boolean): void {
    const previousLength = this.publishedLength;
    this.publishedLength = this.all.length;
    if (isFilterActive(this.filter)) {
      const keep = matcher(this.filter);
      if (full || previousLength > this.all.length) {
        this.filtered = this.all.filter(keep);
      } else {
        for (let i = previousLength; i < this.all.length; i++)
          if (keep(this.all[i])) this.filtered.push(this.all[i]);
      }
      this.view = view(this.filtered);
    } else {
      this.filtered = [];
      this.view = view(this.all);
    }
    this.rows = view(this.all);
    if (this.methodSet.size !== this.methods.length) this.methods = [...this.methodSet].sort();
  }

  /** Position of an exchange in `view`, or -1 (reads the plain arrays, not the proxies). */
  viewIndexOf(id: string | null): number {
    void this.view;
    if (id === null) return -1;
    if (!isFilterActive(this.filter)) return this.index.get(id) ?? -1;
    return this.filtered.findIndex((e) => e.exchangeId === id);
  }

  /** Every exchange, as a plain array for scans (do not mutate). */
  plainRows(): readonly ExchangeSummary[] {
    void this.rows;
    return this.all;
  }
}

/** A new identity over the same array, so consumers see a change without a copy. */
function view<T extends object>(array: T[]): T[] {
  return new Proxy(array, {});
}

export const store = new Store();
