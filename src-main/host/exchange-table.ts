// The exchange summaries of a session, kept in columns instead of one object each: a session of
// hundreds of thousands of requests would otherwise hold as many live objects (plus their spans
// and strings) that every garbage collection walks. Numbers live in typed arrays, repeated
// strings (connection id, method, version, host, referer, reason, content types, rule) are
// interned once, request-targets share one UTF-8 arena, and a summary object is built only when
// someone asks for one (the list asks for the rows it shows).

import type {
  ExchangeOutcome,
  ExchangeSummary,
  InterestFields,
  ParseErrorInfo,
  ReplayOutcome,
  ReplayTarget,
  ReplayTimings,
  TunnelSummary,
} from '../protocol/types';
import { ConnectionRows } from './connection-rows';
import {
  compileFilter,
  type FilterFields,
  type ListFilter,
  type ListSort,
} from '../protocol/filter';

// Number columns, 64-bit (NaN stands for null): times, and offsets and lengths that may pass
// 4 GiB. A message's size is its span's length (0 without a span); one that is not is Rare.
const STARTED = 0;
const COMPLETED = 1;
const REQUEST_OFFSET = 2;
const REQUEST_LENGTH = 3;
/** NaN when there is no response span. */
const RESPONSE_OFFSET = 4;
const RESPONSE_LENGTH = 5;
/** Where the request-target's UTF-8 bytes are: arena chunk × 2^32 + offset (NaN: no target). */
const TARGET_AT = 6;
const NUMBERS = 7;

const OUTCOMES: readonly ExchangeOutcome[] = ['complete', 'truncated', 'aborted'];

// Interned-string columns (-1 stands for null).
const CONNECTION = 0;
const METHOD = 1;
const VERSION = 2;
const HOST = 3;
const REASON = 4;
const REQUEST_TYPE = 5;
const RESPONSE_TYPE = 6;
const RULE = 7;
const REFERER = 8;
const STRINGS = 9;
// Small-integer columns, 32-bit, after the strings in the same chunks (-1 stands for null).
const INDEX = 9;
const STATUS = 10;
/** The ExchangeOutcome's position in OUTCOMES (-1: none yet). */
const OUTCOME = 11;
const TARGET_LENGTH = 12;
const INTS = 13;

/** The request-target arena grows by chunks of this size (a longer target gets its own). */
const ARENA_CHUNK = 1 << 20;
const ARENA_AT = 2 ** 32;

/** What few exchanges have: kept per row only when present. */
interface Rare {
  source: ExchangeSummary['source'];
  error: ParseErrorInfo | null;
  replayTarget: ReplayTarget | null;
  timings: ReplayTimings | null;
  /** An id that is not `<connectionId>#<index>`. */
  exchangeId: string | null;
  replayOf?: string;
  replayOutcome?: ReplayOutcome;
  /** Of a truncated exchange, when known. */
  missingBytes?: number;
  /** Sizes that are not the length of the message's span. */
  requestBytes?: number;
  responseBytes?: number;
}

export type Row = number;

const CHUNK_BITS = 14;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ROWS - 1;

/** The rows that pass one filter, found by scanning the columns and extended as rows come. */
interface FilterScan {
  key: string;
  keep: (fields: FilterFields) => boolean;
  /** What `keep` reads: the row at `fields.row`, each field looked up only if asked for. */
  fields: RowFields;
  rows: Int32Array;
  count: number;
  /** Rows below this were scanned (and have not changed since). */
  scanned: number;
  /** The lowest row changed since the last step (rows from there are scanned again). */
  dirtyFrom: number;
}

/** Where the first of the sorted `rows[0 … count)` at least `row` is (`count` when none is). */
export function firstAtLeast(rows: Int32Array, count: number, row: Row): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]! < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Filters kept at once (one per UI, in practice). */
const MAX_SCANS = 4;

/** One row's fields as a filter or a test of interest reads them, each looked up only when read. */
class RowFields implements FilterFields, InterestFields {
  row: Row = 0;

  constructor(private readonly table: ExchangeTable) {}

  get exchangeId(): string {
    return this.table.idOf(this.row);
  }

  get source(): ExchangeSummary['source'] {
    return this.table.sourceOf(this.row);
  }

  get ruleId(): string | null {
    return this.table.textAt(this.row, RULE);
  }

  get method(): string | null {
    return this.table.textAt(this.row, METHOD);
  }

  get target(): string | null {
    return this.table.targetOf(this.row);
  }

  get host(): string | null {
    return this.table.textAt(this.row, HOST);
  }

  get status(): number | null {
    return this.table.status(this.row);
  }

  get hasError(): boolean {
    return this.table.hasError(this.row);
  }

  get connectionId(): string {
    return this.table.textAt(this.row, CONNECTION) ?? '';
  }

  get headerText(): string | null {
    return this.table.contentSource?.(this.row).headers ?? null;
  }

  get bodyText(): string | null {
    return this.table.contentSource?.(this.row).body ?? null;
  }
}

/** What the filter reads of a row's messages (lowercased header lines and body text). */
export interface RowContent {
  headers: string;
  body: string;
}

export class ExchangeTable {
  private count = 0;
  /**
   * The number columns, in chunks of CHUNK_ROWS rows: the table grows by one chunk, never by
   * copying everything into an array twice the size (which would briefly hold both).
   */
  private chunks: Float64Array[] = [];
  /** The interned-string and small-integer columns, in chunks as the numbers are. */
  private intChunks: Int32Array[] = [];
  /**
   * The request-targets, one after the other in UTF-8: nearly every exchange has its own, and a
   * million of them as strings would be a million objects for the garbage collector to walk.
   * In chunks, the last one being filled: growing never copies what is there.
   */
  private arenas: Buffer[] = [];
  private arena = Buffer.alloc(0);
  private arenaUsed = 0;
  private rare = new Map<Row, Rare>();
  private pool: string[] = [];
  /** The last text interned for each string column, and its id (see internAt). */
  private lastText: (string | null)[] = new Array<string | null>(STRINGS).fill(null);
  private lastId = new Int32Array(STRINGS);
  private poolIds = new Map<string, number>();
  /** connectionId → rows by index on the connection. */
  private byConnection = new Map<string, ConnectionRows>();
  /** Ids that do not follow `<connectionId>#<index>`. */
  private irregular = new Map<string, Row>();
  /** Interned ids of the request methods seen. */
  private methodIds = new Set<number>();
  /** The lowest row changed since the last filter scan (rows at or above it are scanned again). */
  private scans = new Map<string, FilterScan>();
  /** Bumped by every change to a row: a kept sort order is good while it stays the same. */
  private version = 0;
  /** Sort orders kept, by filter and sort (the most recently used last). */
  private orders = new Map<string, { version: number; rows: Int32Array }>();
  /** Reads a row's messages for filters on headers and bodies (set by the Core, which has them). */
  contentSource: ((row: Row) => RowContent) | null = null;

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    this.methodIds.clear();
    this.scans.clear();
    this.orders.clear();
    this.chunks = [];
    this.intChunks = [];
    this.arenas = [];
    this.arena = Buffer.alloc(0);
    this.arenaUsed = 0;
    this.rare.clear();
    this.pool = [];
    this.poolIds.clear();
    this.lastText.fill(null);
    this.byConnection.clear();
    this.irregular.clear();
  }

  /** The row of a connection's exchange by its index there, or -1. */
  rowOf(connectionId: string, index: number): Row {
    return this.byConnection.get(connectionId)?.get(index) ?? -1;
  }

  /** The row of an exchange id, or -1. */
  find(exchangeId: string): Row {
    const irregular = this.irregular.get(exchangeId);
    if (irregular !== undefined) return irregular;
    const hash = exchangeId.lastIndexOf('#');
    if (hash < 0) return -1;
    const digits = exchangeId.slice(hash + 1);
    if (!/^(0|[1-9]\d*)$/.test(digits)) return -1;
    const row = this.rowOf(exchangeId.slice(0, hash), Number(digits));
    return row >= 0 && this.idOf(row) === exchangeId ? row : -1;
  }

  get(exchangeId: string): ExchangeSummary | undefined {
    const row = this.find(exchangeId);
    return row < 0 ? undefined : this.summary(row);
  }

  has(exchangeId: string): boolean {
    return this.find(exchangeId) >= 0;
  }

  /** Fresh summary objects, in the order the exchanges were first seen. */
  *values(): IterableIterator<ExchangeSummary> {
    for (let row = 0; row < this.count; row++) yield this.summary(row);
  }

  /** Adds an empty capture exchange (see emptyExchange) and returns its row. */
  add(connectionId: string, index: number, time: number, offset: number): Row {
    const row = this.grow();
    this.setNum(row, STARTED, time);
    this.setNum(row, COMPLETED, NaN);
    const at = (row & CHUNK_MASK) * INTS;
    this.intChunks[row >> CHUNK_BITS].fill(-1, at, at + INTS);
    this.setInt(row, INDEX, index);
    this.setNum(row, REQUEST_OFFSET, offset);
    this.setNum(row, REQUEST_LENGTH, 0);
    this.setNum(row, RESPONSE_OFFSET, NaN);
    this.setNum(row, RESPONSE_LENGTH, 0);
    this.setNum(row, TARGET_AT, NaN);
    this.setInt(row, TARGET_LENGTH, 0);
    this.setText(row, CONNECTION, connectionId);
    this.placeRow(connectionId, index, row);
    return row;
  }

  private placeRow(connectionId: string, index: number, row: Row): void {
    let rows = this.byConnection.get(connectionId);
    if (!rows) {
      rows = new ConnectionRows();
      this.byConnection.set(connectionId, rows);
    }
    rows.set(index, row);
  }

  /** Adds or replaces a whole summary (replays, imports, sessions read back). */
  put(summary: ExchangeSummary): Row {
    let row = this.find(summary.exchangeId);
    if (row >= 0) this.changed(row);
    if (row >= 0 && this.rowOf(summary.connectionId, summary.indexOnConnection) !== row) {
      // The same id now names another connection's exchange: the row moves there.
      const before = this.byConnection.get(this.pool[this.str(row, CONNECTION)]);
      before?.delete(this.int(row, INDEX));
      this.setText(row, CONNECTION, summary.connectionId);
      this.setInt(row, INDEX, summary.indexOnConnection);
      this.placeRow(summary.connectionId, summary.indexOnConnection, row);
    }
    if (row < 0) {
      row = this.add(
        summary.connectionId,
        summary.indexOnConnection,
        summary.startedAt,
        summary.requestSpan.offset,
      );
    }
    this.setNum(row, STARTED, summary.startedAt);
    this.setNum(row, COMPLETED, summary.completedAt ?? NaN);
    this.setRequest(row, summary);
    this.setNum(row, REQUEST_OFFSET, summary.requestSpan.offset);
    this.setNum(row, REQUEST_LENGTH, summary.requestSpan.length);
    this.setResponse(row, summary.status, summary.reason, summary.responseContentType);
    this.setNum(row, RESPONSE_OFFSET, summary.responseSpan?.offset ?? NaN);
    this.setNum(row, RESPONSE_LENGTH, summary.responseSpan?.length ?? 0);
    const requestBytes =
      summary.requestBytes !== summary.requestSpan.length ? summary.requestBytes : undefined;
    const responseBytes =
      summary.responseBytes !== (summary.responseSpan?.length ?? 0)
        ? summary.responseBytes
        : undefined;
    this.setRule(row, summary.ruleId);
    const regular = `${summary.connectionId}#${summary.indexOnConnection}` === summary.exchangeId;
    if (!regular) this.irregular.set(summary.exchangeId, row);
    this.setInt(row, OUTCOME, summary.outcome ? OUTCOMES.indexOf(summary.outcome) : -1);
    if (
      summary.source !== 'capture' ||
      summary.error ||
      summary.replayTarget ||
      summary.timings ||
      summary.missingBytes !== undefined ||
      requestBytes !== undefined ||
      responseBytes !== undefined ||
      !regular
    ) {
      this.rare.set(row, {
        source: summary.source,
        error: summary.error ? { ...summary.error } : null,
        replayTarget: summary.replayTarget ? { ...summary.replayTarget } : null,
        timings: summary.timings ? { ...summary.timings } : null,
        exchangeId: regular ? null : summary.exchangeId,
        ...(summary.replayOf !== undefined ? { replayOf: summary.replayOf } : {}),
        ...(summary.replayOutcome !== undefined ? { replayOutcome: summary.replayOutcome } : {}),
        ...(summary.missingBytes !== undefined ? { missingBytes: summary.missingBytes } : {}),
        ...(requestBytes !== undefined ? { requestBytes } : {}),
        ...(responseBytes !== undefined ? { responseBytes } : {}),
      });
    } else {
      this.rare.delete(row);
    }
    return row;
  }

  setRequest(
    row: Row,
    fields: Pick<
      ExchangeSummary,
      'method' | 'target' | 'version' | 'host' | 'referer' | 'requestContentType'
    >,
  ): void {
    this.changed(row);
    const method = this.internAt(METHOD, fields.method);
    if (method >= 0) this.methodIds.add(method);
    this.setStr(row, METHOD, method);
    this.setText(row, VERSION, fields.version);
    this.setText(row, HOST, fields.host);
    this.setText(row, REQUEST_TYPE, fields.requestContentType);
    this.setText(row, REFERER, fields.referer);
    this.setTarget(row, fields.target);
  }

  setRequestSpan(row: Row, offset: number, length: number): void {
    this.setNum(row, REQUEST_OFFSET, offset);
    this.setNum(row, REQUEST_LENGTH, length);
    const rare = this.rare.get(row);
    if (rare) delete rare.requestBytes;
  }

  requestBytes(row: Row): number {
    return this.rare.get(row)?.requestBytes ?? this.num(row, REQUEST_LENGTH);
  }

  responseBytes(row: Row): number {
    const rare = this.rare.get(row)?.responseBytes;
    if (rare !== undefined) return rare;
    return Number.isNaN(this.num(row, RESPONSE_OFFSET)) ? 0 : this.num(row, RESPONSE_LENGTH);
  }

  status(row: Row): number | null {
    const status = this.int(row, STATUS);
    return status < 0 ? null : status;
  }

  setResponse(
    row: Row,
    status: number | null,
    reason: string | null,
    contentType: string | null,
  ): void {
    this.changed(row);
    this.setInt(row, STATUS, status ?? -1);
    this.setText(row, REASON, reason);
    this.setText(row, RESPONSE_TYPE, contentType);
  }

  setStatus(row: Row, status: number): void {
    this.changed(row);
    this.setInt(row, STATUS, status);
  }

  setResponseSpan(row: Row, offset: number, length: number): void {
    this.setNum(row, RESPONSE_OFFSET, offset);
    this.setNum(row, RESPONSE_LENGTH, length);
    const rare = this.rare.get(row);
    if (rare) delete rare.responseBytes;
  }

  setCompleted(row: Row, time: number): void {
    this.setNum(row, COMPLETED, time);
  }

  setRule(row: Row, ruleId: string | null): void {
    this.setText(row, RULE, ruleId);
  }

  setError(row: Row, error: ParseErrorInfo): void {
    this.changed(row);
    const rare = this.rare.get(row);
    if (rare) rare.error = { ...error };
    else
      this.rare.set(row, {
        source: 'capture',
        error: { ...error },
        replayTarget: null,
        timings: null,
        exchangeId: null,
      });
  }

  /** How the exchange ended; `missingBytes` of a truncated one, when known. */
  setOutcome(row: Row, outcome: ExchangeOutcome, missingBytes: number | null = null): void {
    this.changed(row);
    this.setInt(row, OUTCOME, OUTCOMES.indexOf(outcome));
    let rare = this.rare.get(row);
    if (missingBytes === null) {
      if (rare) delete rare.missingBytes;
      return;
    }
    if (!rare) {
      rare = {
        source: 'capture',
        error: null,
        replayTarget: null,
        timings: null,
        exchangeId: null,
      };
      this.rare.set(row, rare);
    }
    rare.missingBytes = missingBytes;
  }

  /** The rows of a connection's exchanges that have no completion time yet. */
  pendingRows(connectionId: string): Row[] {
    const pending: Row[] = [];
    const rows = this.byConnection.get(connectionId);
    if (rows === undefined) return pending;
    for (const row of rows.rows()) if (Number.isNaN(this.num(row, COMPLETED))) pending.push(row);
    return pending;
  }

  sourceOf(row: Row): ExchangeSummary['source'] {
    return this.rare.get(row)?.source ?? 'capture';
  }

  private readonly interestView = new RowFields(this);

  /** The row's fields a test of interest reads, as a view that the next call moves. */
  interestOf(row: Row): InterestFields {
    this.interestView.row = row;
    return this.interestView;
  }

  idOf(row: Row): string {
    const rare = this.rare.get(row);
    if (rare?.exchangeId) return rare.exchangeId;
    return `${this.pool[this.str(row, CONNECTION)]}#${this.int(row, INDEX)}`;
  }

  /** Every request method seen, sorted. */
  methods(): string[] {
    return [...this.methodIds].map((id) => this.pool[id]).sort();
  }

  /**
   * The rows that pass the filter, in order (all rows: null). The scan is kept, so paging
   * through one filter costs one pass, and later calls only look at rows added or changed since.
   */
  filtered(filter: ListFilter): { rows: Int32Array; count: number } | null {
    const scan = this.scanOf(filter);
    if (scan === null) return null;
    while (!this.scanSome(scan, Infinity));
    return { rows: scan.rows, count: scan.count };
  }

  /**
   * Scans up to `budget` more rows for the filter; true when every row is scanned (then
   * `filtered` answers at once). Lets a caller spread a long scan over several turns.
   */
  scanFilter(filter: ListFilter, budget: number, deadline = Infinity): boolean {
    const scan = this.scanOf(filter);
    return scan === null || this.scanSome(scan, budget, deadline);
  }

  private scanOf(filter: ListFilter): FilterScan | null {
    const keep = compileFilter(filter);
    if (keep === null) return null;
    const key = JSON.stringify([
      filter.text.trim().toLowerCase(),
      filter.method,
      filter.statusClass,
    ]);
    let scan = this.scans.get(key);
    if (scan) {
      // The most recently used last: the first one is dropped when there are too many.
      this.scans.delete(key);
      this.scans.set(key, scan);
      return scan;
    }
    scan = {
      key,
      keep,
      fields: new RowFields(this),
      rows: new Int32Array(1024),
      count: 0,
      scanned: 0,
      dirtyFrom: Infinity,
    };
    this.scans.set(key, scan);
    if (this.scans.size > MAX_SCANS) this.scans.delete(this.scans.keys().next().value!);
    return scan;
  }

  /** Scans up to `budget` rows, stopping early once `performance.now()` passes `deadline`. */
  private scanSome(scan: FilterScan, budget: number, deadline = Infinity): boolean {
    if (scan.dirtyFrom < scan.scanned) {
      // Changed rows are scanned again: keep the matches below the first of them.
      const from = scan.dirtyFrom;
      scan.count = firstAtLeast(scan.rows, scan.count, from);
      scan.scanned = from;
    }
    scan.dirtyFrom = Infinity;
    let end = Math.min(this.count, scan.scanned + budget);
    for (let row = scan.scanned; row < end; row++) {
      if ((row & 63) === 63 && deadline !== Infinity && performance.now() > deadline) end = row;
      if (row === end) break;
      scan.fields.row = row;
      if (!scan.keep(scan.fields)) continue;
      if (scan.count === scan.rows.length) {
        const grown = new Int32Array(scan.rows.length * 2);
        grown.set(scan.rows);
        scan.rows = grown;
      }
      scan.rows[scan.count++] = row;
    }
    scan.scanned = end;
    return end >= this.count;
  }

  /**
   * The rows (those given, or all) in the order of `sort`, ties in the order of arrival. Kept
   * until a row changes, so paging through a sorted list sorts once.
   */
  sorted(rows: Int32Array | null, count: number, sort: ListSort, filterKey: string): Int32Array {
    const key = `${filterKey}|${sort.key}|${sort.descending}`;
    const kept = this.orders.get(key);
    if (kept && kept.version === this.version && kept.rows.length === count) return kept.rows;
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = rows ? rows[i] : i;
    const sign = sort.descending ? -1 : 1;
    if (sort.key === 'method' || sort.key === 'target' || sort.key === 'connection') {
      const texts = new Map<number, string>();
      for (const row of order) {
        const text =
          sort.key === 'target'
            ? this.target(row)
            : this.text(this.str(row, sort.key === 'method' ? METHOD : CONNECTION));
        texts.set(row, text ?? '');
      }
      const collator = new Intl.Collator(undefined, { numeric: true });
      order.sort((a, b) => sign * collator.compare(texts.get(a)!, texts.get(b)!) || a - b);
    } else {
      const values = new Float64Array(this.count);
      for (const row of order) values[row] = this.sortValue(row, sort.key);
      // Rows without a value (no status yet, still running) go last either way.
      order.sort((a, b) => {
        const x = values[a];
        const y = values[b];
        if (Number.isNaN(x) || Number.isNaN(y))
          return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
        return sign * (x - y) || a - b;
      });
    }
    this.orders.delete(key);
    this.orders.set(key, { version: this.version, rows: order });
    if (this.orders.size > MAX_SCANS) this.orders.delete(this.orders.keys().next().value!);
    return order;
  }

  private sortValue(row: Row, key: 'status' | 'size' | 'duration'): number {
    if (key === 'status') {
      const error = this.rare.get(row)?.error;
      if (error) return 1000 + (error.status || 0);
      const status = this.int(row, STATUS);
      return status < 0 ? NaN : status;
    }
    if (key === 'size') return this.requestBytes(row) + this.responseBytes(row);
    const timings = this.rare.get(row)?.timings;
    if (timings?.complete != null) return timings.complete;
    return this.num(row, COMPLETED) - this.num(row, STARTED);
  }

  /** The key a filter's scan is kept by (for a sort kept with it). */
  filterKey(filter: ListFilter): string {
    return JSON.stringify([filter.text.trim().toLowerCase(), filter.method, filter.statusClass]);
  }

  /** The text of an interned-string column of the row (for RowFields). */
  textAt(row: Row, column: number): string | null {
    return this.text(this.str(row, column));
  }

  targetOf(row: Row): string | null {
    return this.target(row);
  }

  hasError(row: Row): boolean {
    return this.rare.get(row)?.error != null;
  }

  private changed(row: Row): void {
    for (const scan of this.scans.values()) if (row < scan.dirtyFrom) scan.dirtyFrom = row;
  }

  /** What a CONNECT's tunnel carried: set by the book, which knows the connections. */
  tunnelSource: ((summary: ExchangeSummary) => TunnelSummary | undefined) | null = null;

  methodOf(row: Row): string | null {
    return this.textAt(row, METHOD);
  }

  /** A fresh summary object of the row. */
  summary(row: Row): ExchangeSummary {
    const rare = this.rare.get(row);
    const completed = this.num(row, COMPLETED);
    const status = this.int(row, STATUS);
    const responseOffset = this.num(row, RESPONSE_OFFSET);
    const outcome = this.int(row, OUTCOME);
    const summary: ExchangeSummary = {
      exchangeId: rare?.exchangeId ?? this.idOf(row),
      connectionId: this.pool[this.str(row, CONNECTION)],
      source: rare?.source ?? 'capture',
      indexOnConnection: this.int(row, INDEX),
      startedAt: this.num(row, STARTED),
      completedAt: Number.isNaN(completed) ? null : completed,
      method: this.text(this.str(row, METHOD)),
      target: this.target(row),
      version: this.text(this.str(row, VERSION)),
      host: this.text(this.str(row, HOST)),
      referer: this.text(this.str(row, REFERER)),
      status: status < 0 ? null : status,
      reason: this.text(this.str(row, REASON)),
      requestContentType: this.text(this.str(row, REQUEST_TYPE)),
      responseContentType: this.text(this.str(row, RESPONSE_TYPE)),
      requestBytes: rare?.requestBytes ?? this.num(row, REQUEST_LENGTH),
      responseBytes:
        rare?.responseBytes ?? (Number.isNaN(responseOffset) ? 0 : this.num(row, RESPONSE_LENGTH)),
      requestSpan: { offset: this.num(row, REQUEST_OFFSET), length: this.num(row, REQUEST_LENGTH) },
      responseSpan: Number.isNaN(responseOffset)
        ? null
        : { offset: responseOffset, length: this.num(row, RESPONSE_LENGTH) },
      error: rare?.error ? { ...rare.error } : null,
      ruleId: this.text(this.str(row, RULE)),
      replayTarget: rare?.replayTarget ? { ...rare.replayTarget } : null,
      timings: rare?.timings ? { ...rare.timings } : null,
      ...(rare?.replayOf !== undefined ? { replayOf: rare.replayOf } : {}),
      ...(rare?.replayOutcome !== undefined ? { replayOutcome: rare.replayOutcome } : {}),
      ...(outcome < 0 ? {} : { outcome: OUTCOMES[outcome] }),
      ...(rare?.missingBytes !== undefined ? { missingBytes: rare.missingBytes } : {}),
    };
    const tunnel = this.tunnelSource?.(summary);
    if (tunnel) summary.tunnel = tunnel;
    return summary;
  }

  /** The replays made from an exchange, in the order they were added. */
  replaysOf(exchangeId: string): ExchangeSummary[] {
    const rows: Row[] = [];
    for (const [row, rare] of this.rare) if (rare.replayOf === exchangeId) rows.push(row);
    return rows.sort((a, b) => a - b).map((row) => this.summary(row));
  }

  /**
   * Sets the row's request-target to the UTF-8 bytes `bytes[from … to)` as they are (a session
   * read back copies them from its file: no string is made of them).
   */
  setTargetBytes(row: Row, bytes: Uint8Array, from: number, to: number): void {
    const length = to - from;
    const at = this.arenaRoom(length);
    const arena = this.arena;
    if (length < 64) for (let k = 0; k < length; k++) arena[at + k] = bytes[from + k];
    else arena.set(bytes.subarray(from, to), at);
    this.setTargetAt(row, at, length);
  }

  /** Where `length` bytes go in the arena's last chunk (a new chunk when they do not fit). */
  private arenaRoom(length: number): number {
    if (this.arenas.length === 0 || this.arenaUsed + length > this.arena.length) {
      this.arena = Buffer.alloc(Math.max(ARENA_CHUNK, length));
      this.arenas.push(this.arena);
      this.arenaUsed = 0;
    }
    return this.arenaUsed;
  }

  private setTargetAt(row: Row, at: number, length: number): void {
    this.setNum(row, TARGET_AT, (this.arenas.length - 1) * ARENA_AT + at);
    this.setInt(row, TARGET_LENGTH, length);
    this.arenaUsed = at + length;
  }

  private setTarget(row: Row, target: string | null): void {
    if (target === null) {
      this.setNum(row, TARGET_AT, NaN);
      this.setInt(row, TARGET_LENGTH, 0);
      return;
    }
    // At most three bytes per UTF-16 unit.
    const at = this.arenaRoom(target.length * 3);
    this.setTargetAt(row, at, this.arena.write(target, at, 'utf8'));
  }

  private target(row: Row): string | null {
    const at = this.num(row, TARGET_AT);
    if (Number.isNaN(at)) return null;
    const chunk = Math.floor(at / ARENA_AT);
    const from = at - chunk * ARENA_AT;
    return this.arenas[chunk].toString('utf8', from, from + this.int(row, TARGET_LENGTH));
  }

  private text(id: number): string | null {
    return id < 0 ? null : this.pool[id];
  }

  /** Sets an interned-string column of the row. */
  private setText(row: Row, column: number, text: string | null): void {
    this.setStr(row, column, this.internAt(column, text));
  }

  /**
   * `intern`, remembering the last text of each column: rows mostly repeat the one before
   * (same method, host, content type…), and a comparison is cheaper than a lookup.
   */
  private internAt(column: number, text: string | null): number {
    if (text === null) return -1;
    if (this.lastText[column] === text) return this.lastId[column];
    const id = this.intern(text);
    this.lastText[column] = text;
    this.lastId[column] = id;
    return id;
  }

  private intern(text: string | null): number {
    if (text === null) return -1;
    let id = this.poolIds.get(text);
    if (id === undefined) {
      id = this.pool.length;
      this.pool.push(text);
      this.poolIds.set(text, id);
    }
    return id;
  }

  private grow(): Row {
    const row = this.count++;
    if (row >> CHUNK_BITS >= this.chunks.length)
      this.chunks.push(new Float64Array(NUMBERS * CHUNK_ROWS));
    if (row >> CHUNK_BITS >= this.intChunks.length)
      this.intChunks.push(new Int32Array(INTS * CHUNK_ROWS));
    return row;
  }

  private str(row: Row, column: number): number {
    return this.intChunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * INTS + column];
  }

  private setStr(row: Row, column: number, value: number): void {
    this.intChunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * INTS + column] = value;
  }

  private int(row: Row, column: number): number {
    return this.intChunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * INTS + column];
  }

  private setInt(row: Row, column: number, value: number): void {
    this.version++;
    this.intChunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * INTS + column] = value;
  }

  private num(row: Row, column: number): number {
    return this.chunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * NUMBERS + column];
  }

  private setNum(row: Row, column: number, value: number): void {
    this.version++;
    this.chunks[row >> CHUNK_BITS][(row & CHUNK_MASK) * NUMBERS + column] = value;
  }
}
