// One batch of CoreEvents on its way to subscribers. Two kinds of event arrive far more often than
// a UI needs them, so the batch folds them as they come:
// - `exchange`: the summary of one exchange is updated several times per request (request, then
//   response…); the batch keeps one slot per exchange, at its first place, holding the latest
//   summary (last one wins). An update given as a row of the exchange table is built into a
//   summary only when the batch is taken, once however often the row changed meanwhile.
// - `data`: chunks of one connection's stream in one direction that follow each other are one
//   event (at the place of the first chunk, with its time), up to the inline limit. Its base64
//   text is computed only when something reads it (a transport serialising the batch), so
//   subscribers that never look at bytes never pay for encoding them.

import type {
  ConnectionId,
  CoreEvent,
  Direction,
  ExchangeSummary,
  InterestFields,
} from '../protocol/types';
import type { ExchangeTable, Row } from './exchange-table';
import { toBase64 } from '../capture/base64';

/** Chunks up to this size travel inline in `data` events; larger ones are fetched on demand. */
export const INLINE_DATA_LIMIT = 16 * 1024;

type DataEvent = Extract<CoreEvent, { type: 'data' }>;

/** The chunks behind one inline `data` event, encoded once, on first read. */
class DataRun {
  readonly event: DataEvent;
  private chunks: Uint8Array[];
  private text: string | null = null;
  end: number;

  constructor(
    connectionId: ConnectionId,
    direction: Direction,
    offset: number,
    bytes: Uint8Array,
    time: number,
  ) {
    this.chunks = [bytes];
    this.end = offset + bytes.length;
    const encode = (): string => this.base64();
    this.event = {
      type: 'data',
      connectionId,
      direction,
      offset,
      length: bytes.length,
      time,
      // An own enumerable accessor: JSON.stringify, structured clone and spreads all read it.
      get base64(): string {
        return encode();
      },
    };
  }

  append(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.end += bytes.length;
    this.event.length += bytes.length;
    this.text = null;
  }

  private base64(): string {
    if (this.text === null) {
      const bytes =
        this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.event.length);
      this.text = toBase64(bytes);
      // Encoded: the chunks are no longer needed.
      this.chunks = [bytes];
    }
    return this.text;
  }
}

export class EventBatch {
  /** null: the slot of a row whose summary is built when the batch is sealed. */
  private events: (CoreEvent | null)[] = [];
  /** exchangeId → its slot in `events`. */
  private exchanges = new Map<string, number>();
  /** The table the pending rows belong to, and each pending row → its slot in `events`. */
  private table: ExchangeTable | null = null;
  private rows = new Map<Row, number>();
  /** connectionId → the run that the next contiguous chunk of that direction may extend. */
  private runsIn = new Map<ConnectionId, DataRun>();
  private runsOut = new Map<ConnectionId, DataRun>();
  /** Slots left empty by a selective settle (removed when the batch is taken). */
  private dropped = 0;

  get length(): number {
    return this.events.length;
  }

  push(event: CoreEvent): void {
    if (event.type === 'exchange') {
      this.pushExchange(event.exchange);
      return;
    }
    // What comes after a clear must not be folded into slots before it.
    if (event.type === 'cleared') this.seal();
    this.events.push(event);
  }

  /** Adds or updates the exchange's one event in this batch; `exchange` is delivered as given. */
  pushExchange(exchange: ExchangeSummary): void {
    const event: CoreEvent = { type: 'exchange', exchange };
    const slot = this.exchanges.get(exchange.exchangeId);
    if (slot !== undefined) {
      this.events[slot] = event;
      return;
    }
    this.exchanges.set(exchange.exchangeId, this.events.length);
    this.events.push(event);
  }

  /**
   * The exchange in `row` of `table` changed: its summary, as it is when the batch is sealed,
   * takes one slot at this place. The table must not be cleared before then (see `settle`).
   */
  pushExchangeRow(table: ExchangeTable, row: Row): void {
    if (table !== this.table) {
      this.settle();
      this.table = table;
    }
    if (this.rows.has(row)) return;
    this.rows.set(row, this.events.length);
    this.events.push(null);
  }

  /**
   * Builds the summaries of the pending rows now (before their table changes for good), followed
   * by the table's exchange count, so a UI that pages through the list knows its length. With
   * `wanted`, only the rows it wants and the newest `others` of the rest are built; the slots of
   * the others are dropped.
   */
  settle(wanted?: (exchange: InterestFields) => boolean, others = 0): void {
    const table = this.table;
    if (table === null) return;
    if (wanted === undefined) {
      for (const [row, slot] of this.rows) {
        this.events[slot] = { type: 'exchange', exchange: table.summary(row) };
      }
    } else {
      const pending = [...this.rows];
      let left = others;
      for (let i = pending.length - 1; i >= 0; i--) {
        const [row, slot] = pending[i];
        const want = wanted(table.interestOf(row));
        if (want || left > 0) {
          if (!want) left--;
          this.events[slot] = { type: 'exchange', exchange: table.summary(row) };
        } else this.dropped++;
      }
    }
    if (this.rows.size > 0) this.events.push({ type: 'exchangeCount', total: table.size });
    this.rows = new Map();
    this.table = null;
  }

  /** A chunk of a stream; `bytes` must not change afterwards (it may be encoded later). */
  pushData(
    connectionId: ConnectionId,
    direction: Direction,
    offset: number,
    bytes: Uint8Array,
    time: number,
  ): void {
    const runs = direction === 'in' ? this.runsIn : this.runsOut;
    if (bytes.length > INLINE_DATA_LIMIT) {
      runs.delete(connectionId);
      this.events.push({
        type: 'data',
        connectionId,
        direction,
        offset,
        length: bytes.length,
        time,
      });
      return;
    }
    const run = runs.get(connectionId);
    if (run && run.end === offset && run.event.length + bytes.length <= INLINE_DATA_LIMIT) {
      run.append(bytes);
      return;
    }
    const fresh = new DataRun(connectionId, direction, offset, bytes, time);
    runs.set(connectionId, fresh);
    this.events.push(fresh.event);
  }

  /**
   * The events in order; the batch starts empty again. With `wanted`, of the exchanges updated
   * only those it wants and the newest `others` are built and given (see `settle`).
   */
  take(wanted?: (exchange: InterestFields) => boolean, others = 0): CoreEvent[] {
    this.seal(wanted, others);
    const events = this.events;
    this.events = [];
    if (this.dropped === 0) return events as CoreEvent[];
    this.dropped = 0;
    return events.filter((event): event is CoreEvent => event !== null);
  }

  /** Later updates start new slots. */
  private seal(wanted?: (exchange: InterestFields) => boolean, others = 0): void {
    this.settle(wanted, others);
    this.exchanges = new Map();
    this.runsIn = new Map();
    this.runsOut = new Map();
  }
}
