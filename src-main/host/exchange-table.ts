// The exchange summaries of a session, kept in columns instead of one object each: a session of
// hundreds of thousands of requests would otherwise hold as many live objects (plus their spans
// and strings) that every garbage collection walks. Numbers live in a typed array, repeated
// strings (connection id, method, version, host, reason, content types, rule) are interned once,
// and a summary object is built only when someone asks for one.

import type {
  ExchangeSummary,
  ParseErrorInfo,
  ReplayTarget,
  ReplayTimings,
} from '../protocol/types';

// Number columns (NaN stands for null).
const STARTED = 0;
const COMPLETED = 1;
const INDEX = 2;
const STATUS = 3;
const REQUEST_BYTES = 4;
const RESPONSE_BYTES = 5;
const REQUEST_OFFSET = 6;
const REQUEST_LENGTH = 7;
/** NaN when there is no response span. */
const RESPONSE_OFFSET = 8;
const RESPONSE_LENGTH = 9;
const NUMBERS = 10;

// Interned-string columns (-1 stands for null).
const CONNECTION = 0;
const METHOD = 1;
const VERSION = 2;
const HOST = 3;
const REASON = 4;
const REQUEST_TYPE = 5;
const RESPONSE_TYPE = 6;
const RULE = 7;
const STRINGS = 8;

/** What few exchanges have: kept per row only when present. */
interface Rare {
  source: ExchangeSummary['source'];
  error: ParseErrorInfo | null;
  replayTarget: ReplayTarget | null;
  timings: ReplayTimings | null;
  /** An id that is not `<connectionId>#<index>`. */
  exchangeId: string | null;
}

export type Row = number;

export class ExchangeTable {
  private count = 0;
  private numbers = new Float64Array(NUMBERS * 1024);
  private strings = new Int32Array(STRINGS * 1024);
  private targets: (string | null)[] = [];
  private referers: (string | null)[] = [];
  private rare = new Map<Row, Rare>();
  private pool: string[] = [];
  private poolIds = new Map<string, number>();
  /** connectionId → rows by index on the connection. */
  private byConnection = new Map<string, Row[]>();
  /** Ids that do not follow `<connectionId>#<index>`. */
  private irregular = new Map<string, Row>();

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
    this.targets = [];
    this.referers = [];
    this.rare.clear();
    this.pool = [];
    this.poolIds.clear();
    this.byConnection.clear();
    this.irregular.clear();
  }

  /** The row of a connection's exchange by its index there, or -1. */
  rowOf(connectionId: string, index: number): Row {
    const row = this.byConnection.get(connectionId)?.[index];
    return row === undefined ? -1 : row;
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
    const n = row * NUMBERS;
    const numbers = this.numbers;
    numbers[n + STARTED] = time;
    numbers[n + COMPLETED] = NaN;
    numbers[n + INDEX] = index;
    numbers[n + STATUS] = NaN;
    numbers[n + REQUEST_BYTES] = 0;
    numbers[n + RESPONSE_BYTES] = 0;
    numbers[n + REQUEST_OFFSET] = offset;
    numbers[n + REQUEST_LENGTH] = 0;
    numbers[n + RESPONSE_OFFSET] = NaN;
    numbers[n + RESPONSE_LENGTH] = 0;
    this.strings.fill(-1, row * STRINGS, row * STRINGS + STRINGS);
    this.strings[row * STRINGS + CONNECTION] = this.intern(connectionId);
    this.targets.push(null);
    this.referers.push(null);
    this.placeRow(connectionId, index, row);
    return row;
  }

  private placeRow(connectionId: string, index: number, row: Row): void {
    let rows = this.byConnection.get(connectionId);
    if (!rows) {
      rows = [];
      this.byConnection.set(connectionId, rows);
    }
    rows[index] = row;
  }

  /** Adds or replaces a whole summary (replays, imports, sessions read back). */
  put(summary: ExchangeSummary): Row {
    let row = this.find(summary.exchangeId);
    if (row >= 0 && this.rowOf(summary.connectionId, summary.indexOnConnection) !== row) {
      // The same id now names another connection's exchange: the row moves there.
      const s = row * STRINGS;
      const before = this.byConnection.get(this.pool[this.strings[s + CONNECTION]]);
      if (before) delete before[this.numbers[row * NUMBERS + INDEX]];
      this.strings[s + CONNECTION] = this.intern(summary.connectionId);
      this.numbers[row * NUMBERS + INDEX] = summary.indexOnConnection;
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
    const n = row * NUMBERS;
    this.numbers[n + STARTED] = summary.startedAt;
    this.numbers[n + COMPLETED] = summary.completedAt ?? NaN;
    this.setRequest(row, summary);
    this.setRequestSpan(row, summary.requestSpan.offset, summary.requestSpan.length);
    this.numbers[n + REQUEST_BYTES] = summary.requestBytes;
    this.setResponse(row, summary.status, summary.reason, summary.responseContentType);
    if (summary.responseSpan)
      this.setResponseSpan(row, summary.responseSpan.offset, summary.responseSpan.length);
    else this.numbers[n + RESPONSE_OFFSET] = NaN;
    this.numbers[n + RESPONSE_BYTES] = summary.responseBytes;
    this.setRule(row, summary.ruleId);
    const regular = `${summary.connectionId}#${summary.indexOnConnection}` === summary.exchangeId;
    if (!regular) this.irregular.set(summary.exchangeId, row);
    if (
      summary.source !== 'capture' ||
      summary.error ||
      summary.replayTarget ||
      summary.timings ||
      !regular
    ) {
      this.rare.set(row, {
        source: summary.source,
        error: summary.error ? { ...summary.error } : null,
        replayTarget: summary.replayTarget ? { ...summary.replayTarget } : null,
        timings: summary.timings ? { ...summary.timings } : null,
        exchangeId: regular ? null : summary.exchangeId,
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
    const s = row * STRINGS;
    this.strings[s + METHOD] = this.intern(fields.method);
    this.strings[s + VERSION] = this.intern(fields.version);
    this.strings[s + HOST] = this.intern(fields.host);
    this.strings[s + REQUEST_TYPE] = this.intern(fields.requestContentType);
    this.targets[row] = fields.target;
    this.referers[row] = fields.referer;
  }

  setRequestSpan(row: Row, offset: number, length: number): void {
    const n = row * NUMBERS;
    this.numbers[n + REQUEST_OFFSET] = offset;
    this.numbers[n + REQUEST_LENGTH] = length;
    this.numbers[n + REQUEST_BYTES] = length;
  }

  requestBytes(row: Row): number {
    return this.numbers[row * NUMBERS + REQUEST_BYTES];
  }

  status(row: Row): number | null {
    const status = this.numbers[row * NUMBERS + STATUS];
    return Number.isNaN(status) ? null : status;
  }

  setResponse(
    row: Row,
    status: number | null,
    reason: string | null,
    contentType: string | null,
  ): void {
    const s = row * STRINGS;
    this.numbers[row * NUMBERS + STATUS] = status ?? NaN;
    this.strings[s + REASON] = this.intern(reason);
    this.strings[s + RESPONSE_TYPE] = this.intern(contentType);
  }

  setStatus(row: Row, status: number): void {
    this.numbers[row * NUMBERS + STATUS] = status;
  }

  setResponseSpan(row: Row, offset: number, length: number): void {
    const n = row * NUMBERS;
    this.numbers[n + RESPONSE_OFFSET] = offset;
    this.numbers[n + RESPONSE_LENGTH] = length;
    this.numbers[n + RESPONSE_BYTES] = length;
  }

  setCompleted(row: Row, time: number): void {
    this.numbers[row * NUMBERS + COMPLETED] = time;
  }

  setRule(row: Row, ruleId: string | null): void {
    this.strings[row * STRINGS + RULE] = this.intern(ruleId);
  }

  setError(row: Row, error: ParseErrorInfo): void {
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

  idOf(row: Row): string {
    const rare = this.rare.get(row);
    if (rare?.exchangeId) return rare.exchangeId;
    return `${this.pool[this.strings[row * STRINGS + CONNECTION]]}#${this.numbers[row * NUMBERS + INDEX]}`;
  }

  /** A fresh summary object of the row. */
  summary(row: Row): ExchangeSummary {
    const n = row * NUMBERS;
    const s = row * STRINGS;
    const numbers = this.numbers;
    const strings = this.strings;
    const rare = this.rare.get(row);
    const completed = numbers[n + COMPLETED];
    const status = numbers[n + STATUS];
    const responseOffset = numbers[n + RESPONSE_OFFSET];
    return {
      exchangeId: rare?.exchangeId ?? this.idOf(row),
      connectionId: this.pool[strings[s + CONNECTION]],
      source: rare?.source ?? 'capture',
      indexOnConnection: numbers[n + INDEX],
      startedAt: numbers[n + STARTED],
      completedAt: Number.isNaN(completed) ? null : completed,
      method: this.text(strings[s + METHOD]),
      target: this.targets[row],
      version: this.text(strings[s + VERSION]),
      host: this.text(strings[s + HOST]),
      referer: this.referers[row],
      status: Number.isNaN(status) ? null : status,
      reason: this.text(strings[s + REASON]),
      requestContentType: this.text(strings[s + REQUEST_TYPE]),
      responseContentType: this.text(strings[s + RESPONSE_TYPE]),
      requestBytes: numbers[n + REQUEST_BYTES],
      responseBytes: numbers[n + RESPONSE_BYTES],
      requestSpan: { offset: numbers[n + REQUEST_OFFSET], length: numbers[n + REQUEST_LENGTH] },
      responseSpan: Number.isNaN(responseOffset)
        ? null
        : { offset: responseOffset, length: numbers[n + RESPONSE_LENGTH] },
      error: rare?.error ? { ...rare.error } : null,
      ruleId: this.text(strings[s + RULE]),
      replayTarget: rare?.replayTarget ? { ...rare.replayTarget } : null,
      timings: rare?.timings ? { ...rare.timings } : null,
    };
  }

  private text(id: number): string | null {
    return id < 0 ? null : this.pool[id];
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
    if (row * NUMBERS >= this.numbers.length) {
      const numbers = new Float64Array(this.numbers.length * 2);
      numbers.set(this.numbers);
      this.numbers = numbers;
      const strings = new Int32Array(this.strings.length * 2);
      strings.set(this.strings);
      this.strings = strings;
    }
    return row;
  }
}
