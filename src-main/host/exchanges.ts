// Bookkeeping: turns capture events (live or read back from a session) into the connection and
// exchange summaries the UI lists, and into the CoreEvents that announce them. Captured `data`
// only updates byte counts here: its CoreEvents are built by the batch (batch.ts), which holds
// the bytes.

import type { CaptureEvent, RequestHead } from '../capture/events';
import type { LoadSink, StoredExchange } from '../capture/store';
import type { HeadView } from '../capture/head-records';
import type { ReplayResult } from '../capture/client';
import type {
  ConnectionSummary,
  CoreEvent,
  ExchangeSummary,
  ParseErrorInfo,
  ReplayTarget,
} from '../protocol/types';
import { parseRequestMessage } from '../engine/serialize';
import { INLINE_DATA_LIMIT } from './batch';
import { ExchangeTable, type Row } from './exchange-table';
import { headerValue } from '../engine/semantics';
import { toBase64 } from '../capture/base64';
import { isTunnelOpening, tunnelOf } from './tunnel';

/** Receives the CoreEvents announcing a change; the summaries in them are fresh copies. */
export type Emit = (event: CoreEvent) => void;

/**
 * Receives the row of an exchange that changed, in place of an `exchange` event: the receiver
 * builds the summary when it needs it, so several updates within one batch build it once.
 */
export type EmitRow = (table: ExchangeTable, row: Row) => void;

export function exchangeIdOf(connectionId: string, index: number): string {
  return `${connectionId}#${index}`;
}

export { headerValue };

type Queued =
  | { kind: 'capture'; event: CaptureEvent }
  | { kind: 'stored'; stored: StoredExchange; request: Uint8Array; response: Uint8Array };

const EMPTY = new Uint8Array(0);

export class ExchangeBook {
  readonly connections = new Map<string, ConnectionSummary>();
  /** Read like a Map of exchangeId → summary; each summary read is a fresh object. */
  readonly exchanges = new ExchangeTable();
  /**
   * While the session's file is read in slices, live changes wait here, so the list keeps the
   * order of the file and the live ones follow it.
   */
  private queued: Queued[] | null = null;
  /** Connection → the row of the CONNECT whose tunnel it carries (announced as bytes pass). */
  private readonly tunnels = new Map<string, Row>();

  constructor() {
    this.exchanges.tunnelSource = (summary) => tunnelOf(summary, this.connections);
  }

  clear(): void {
    this.connections.clear();
    this.exchanges.clear();
    this.tunnels.clear();
  }

  get loading(): boolean {
    return this.queued !== null;
  }

  /** From now until `finishLoading`, live changes wait behind the records being read. */
  beginLoading(): void {
    this.queued ??= [];
  }

  /** Applies what waited during the load, announcing it as live changes. */
  finishLoading(emit: Emit | null, emitRow?: EmitRow): void {
    const queued = this.queued;
    this.queued = null;
    if (!queued) return;
    for (const item of queued) {
      if (item.kind === 'capture') this.applyNow(item.event, emit, emitRow);
      else this.storeNow(item.stored, item.request, item.response, emit);
    }
  }

  /** A record read back from the session file. */
  applyLoaded(event: CaptureEvent): void {
    this.applyNow(event, null);
  }

  /** A stored exchange read back from the session file (its bytes are not kept). */
  addLoaded(stored: StoredExchange): void {
    this.storeNow(stored, EMPTY, EMPTY, null);
  }

  /**
   * Receives a session read back from its file: what applyLoaded and addLoaded do, with the
   * common records' fields written straight into the table (no event object per record).
   */
  loadSink(): LoadSink {
    const fields: RequestFields = {
      method: null,
      target: null,
      version: null,
      host: null,
      referer: null,
      requestContentType: null,
    };
    return {
      record: (record) => {
        if (record.kind === 'capture') this.applyLoaded(record.event);
        else this.addLoaded(record.stored);
      },
      data: (connectionId, direction, end) => {
        const connection = this.connections.get(connectionId);
        if (!connection) return;
        if (direction === 'in') connection.bytesIn = Math.max(connection.bytesIn, end);
        else connection.bytesOut = Math.max(connection.bytesOut, end);
      },
      request: (connectionId, head) => {
        const row = this.exchangeFor(connectionId, head.index, head.time, head.offset);
        fields.method = head.string(1);
        // An ASCII target is copied into the table as bytes, never made a string.
        fields.target = head.ascii ? null : head.string(2);
        fields.version = head.string(3);
        fields.host = headerIn(head, 'host');
        fields.referer = headerIn(head, 'referer');
        fields.requestContentType = headerIn(head, 'content-type');
        const table = this.exchanges;
        table.setRequest(row, fields);
        if (head.ascii) table.setTargetBytes(row, head.bytes, head.byteStart(2), head.byteStart(3));
        table.setRequestSpan(row, head.offset, head.length);
      },
      response: (connectionId, head) => {
        const row = this.exchangeFor(connectionId, head.index, head.time, 0);
        const table = this.exchanges;
        table.setCompleted(row, head.time);
        table.setResponseSpan(row, head.offset, head.length);
        table.setRule(row, head.ruleId);
        // The sink gets only responses read as complete (others come whole, to `record`).
        table.setOutcome(row, 'complete');
        if (head.status !== null)
          table.setResponse(
            row,
            head.status,
            head.string(head.headersAt - 1),
            headerIn(head, 'content-type'),
          );
      },
    };
  }

  /**
   * Updates the summaries; `emit` (when given) receives the CoreEvents announcing the change,
   * except that changed exchanges go to `emitRow` when that is given too.
   */
  apply(event: CaptureEvent, emit: Emit | null, emitRow?: EmitRow): void {
    if (this.queued) {
      this.queued.push({ kind: 'capture', event: withoutBytes(event) });
      return;
    }
    this.applyNow(event, emit, emitRow);
  }

  private applyNow(event: CaptureEvent, emit: Emit | null, emitRow?: EmitRow): void {
    switch (event.type) {
      case 'connectionOpen': {
        const connection: ConnectionSummary = {
          connectionId: event.connectionId,
          source: 'capture',
          remoteAddress: event.remoteAddress,
          remotePort: event.remotePort,
          localPort: event.localPort,
          openedAt: event.time,
          closedAt: null,
          closeReason: null,
          bytesIn: 0,
          bytesOut: 0,
          exchanges: 0,
        };
        this.connections.set(event.connectionId, connection);
        emit?.({ type: 'connectionOpen', connection: { ...connection } });
        break;
      }
      case 'data': {
        const connection = this.connections.get(event.connectionId);
        const end = event.offset + event.bytes.length;
        if (connection) {
          if (event.direction === 'in') connection.bytesIn = Math.max(connection.bytesIn, end);
          else connection.bytesOut = Math.max(connection.bytesOut, end);
        }
        const tunnel = emit ? this.tunnels.get(event.connectionId) : undefined;
        if (tunnel !== undefined) this.announce(tunnel, emit!, emitRow);
        break;
      }
      case 'request': {
        const row = this.exchangeFor(
          event.connectionId,
          event.index,
          event.time,
          event.span.offset,
        );
        const table = this.exchanges;
        table.setRequest(row, requestFields(event.head));
        table.setRequestSpan(row, event.span.offset, event.span.length);
        if (emit) this.announce(row, emit, emitRow);
        break;
      }
      case 'response': {
        const row = this.exchangeFor(event.connectionId, event.index, event.time, 0);
        const table = this.exchanges;
        table.setCompleted(row, event.time);
        table.setResponseSpan(row, event.span.offset, event.span.length);
        table.setRule(row, event.ruleId);
        if (event.ending?.state === 'truncated') {
          table.setOutcome(row, 'truncated', event.ending.missing);
        } else {
          table.setOutcome(row, 'complete');
        }
        if (event.head) {
          table.setResponse(
            row,
            event.head.status,
            event.head.reason,
            headerValue(event.head.headers, 'content-type'),
          );
          if (isTunnelOpening(table.methodOf(row), event.head.status))
            this.tunnels.set(event.connectionId, row);
        }
        if (emit) this.announce(row, emit, emitRow);
        break;
      }
      case 'protocolError': {
        const row = this.exchangeFor(
          event.connectionId,
          event.index,
          event.time,
          event.requestOffset,
        );
        const table = this.exchanges;
        table.setError(row, event.error);
        // No request event came: the row shows what was read of it before the error.
        if (event.head && table.requestBytes(row) === 0) {
          table.setRequest(row, {
            ...requestFields({ ...event.head, target: '', version: '' }),
            target: event.head.target,
            version: event.head.version,
          });
        }
        const received = this.connections.get(event.connectionId)?.bytesIn ?? event.requestOffset;
        if (table.requestBytes(row) === 0) {
          table.setRequestSpan(
            row,
            event.requestOffset,
            Math.max(0, received - event.requestOffset),
          );
        }
        if (table.status(row) === null && event.error.status > 0)
          table.setStatus(row, event.error.status);
        if (emit) this.announce(row, emit, emitRow);
        break;
      }
      case 'connectionClose': {
        const connection = this.connections.get(event.connectionId);
        if (!connection) break;
        connection.closedAt = event.time;
        connection.closeReason = event.reason;
        connection.bytesIn = Math.max(connection.bytesIn, event.bytesIn);
        connection.bytesOut = Math.max(connection.bytesOut, event.bytesOut);
        // Every exchange still without a response ends here: it was never answered.
        for (const row of this.exchanges.pendingRows(event.connectionId)) {
          this.exchanges.setOutcome(row, 'aborted');
          this.exchanges.setCompleted(row, event.time);
          if (emit) this.announce(row, emit, emitRow);
        }
        const tunnel = this.tunnels.get(event.connectionId);
        this.tunnels.delete(event.connectionId);
        if (tunnel !== undefined && emit) this.announce(tunnel, emit, emitRow);
        emit?.({ type: 'connectionClose', connection: { ...connection } });
        break;
      }
      default:
        break;
    }
  }

  /** A replayed or imported exchange arrives whole: open, data both ways, exchange, close. */
  addStored(
    stored: StoredExchange,
    request: Uint8Array,
    response: Uint8Array,
    emit: Emit | null,
  ): void {
    if (this.queued) this.queued.push({ kind: 'stored', stored, request, response });
    else this.storeNow(stored, request, response, emit);
  }

  private storeNow(
    stored: StoredExchange,
    request: Uint8Array,
    response: Uint8Array,
    emit: Emit | null,
  ): void {
    const connection = { ...stored.connection };
    const exchange = { ...stored.exchange };
    this.connections.set(connection.connectionId, connection);
    this.exchanges.put(exchange);
    emit?.({
      type: 'connectionOpen',
      connection: { ...connection, closedAt: null, closeReason: null },
    });
    const time = exchange.startedAt;
    for (const [direction, bytes] of [
      ['in', request],
      ['out', response],
    ] as const) {
      if (bytes.length === 0) continue;
      emit?.({
        type: 'data',
        connectionId: connection.connectionId,
        direction,
        offset: 0,
        length: bytes.length,
        time,
        ...(bytes.length <= INLINE_DATA_LIMIT ? { base64: toBase64(bytes) } : {}),
      });
    }
    emit?.({ type: 'exchange', exchange: { ...exchange } });
    emit?.({ type: 'connectionClose', connection: { ...connection } });
  }

  private announce(row: Row, emit: Emit, emitRow: EmitRow | undefined): void {
    if (emitRow) emitRow(this.exchanges, row);
    else emit({ type: 'exchange', exchange: this.exchanges.summary(row) });
  }

  private exchangeFor(connectionId: string, index: number, time: number, offset: number): Row {
    const known = this.exchanges.rowOf(connectionId, index);
    if (known >= 0) return known;
    const row = this.exchanges.add(connectionId, index, time, offset);
    const connection = this.connections.get(connectionId);
    if (connection) connection.exchanges++;
    return row;
  }
}

/**
 * The event as it may wait in the queue: without the chunk or body bytes it points into (a
 * `data` event keeps only where its chunk ends, which is all the book reads of it).
 */
function withoutBytes(event: CaptureEvent): CaptureEvent {
  if (event.type === 'data')
    return { ...event, offset: event.offset + event.bytes.length, bytes: EMPTY };
  if (event.type === 'request') return { ...event, body: EMPTY };
  return event;
}

export function emptyExchange(
  exchangeId: string,
  connectionId: string,
  index: number,
  time: number,
  offset: number,
): ExchangeSummary {
  return {
    exchangeId,
    connectionId,
    source: 'capture',
    indexOnConnection: index,
    startedAt: time,
    completedAt: null,
    method: null,
    target: null,
    version: null,
    host: null,
    referer: null,
    status: null,
    reason: null,
    requestContentType: null,
    responseContentType: null,
    requestBytes: 0,
    responseBytes: 0,
    requestSpan: { offset, length: 0 },
    responseSpan: null,
    error: null as ParseErrorInfo | null,
    ruleId: null,
    replayTarget: null,
    timings: null,
  };
}

export function fillRequest(
  exchange: ExchangeSummary,
  head: RequestHead,
  span: { offset: number; length: number },
): void {
  Object.assign(exchange, requestFields(head));
  exchange.requestSpan = { offset: span.offset, length: span.length };
  exchange.requestBytes = span.length;
}

type RequestFields = Pick<
  ExchangeSummary,
  'method' | 'target' | 'version' | 'host' | 'referer' | 'requestContentType'
>;

/** The value of the first header of a loaded head named `lower` (any case), or null. */
function headerIn(head: HeadView, lower: string): string | null {
  for (let i = head.headersAt; i + 1 < head.count; i += 2)
    if (head.stringIs(i, lower)) return head.string(i + 1);
  return null;
}

/** What a summary shows of a request head. */
function requestFields(
  head: RequestHead,
): Pick<
  ExchangeSummary,
  'method' | 'target' | 'version' | 'host' | 'referer' | 'requestContentType'
> {
  // One pass over the headers for the three the summary shows (the first of each wins).
  let host: string | null = null;
  let referer: string | null = null;
  let contentType: string | null = null;
  for (const [name, value] of head.headers) {
    if (name.length === 4) {
      if (host === null && name.toLowerCase() === 'host') host = value;
    } else if (name.length === 7) {
      if (referer === null && name.toLowerCase() === 'referer') referer = value;
    } else if (name.length === 12) {
      if (contentType === null && name.toLowerCase() === 'content-type') contentType = value;
    }
  }
  return {
    method: head.method,
    target: head.target,
    version: head.version,
    host,
    referer,
    requestContentType: contentType,
  };
}

export { toBase64 };

/**
 * The summaries of one replay: its own connection (source 'replay'), whose inbound stream is the
 * request as sent and whose outbound stream is every byte received back.
 */
export function replayExchange(
  connectionId: string,
  result: ReplayResult,
  target: ReplayTarget,
): StoredExchange {
  const startedAt = result.startedAt;
  const completedAt =
    result.timings.complete === null ? null : startedAt + Math.round(result.timings.complete);
  const exchange = emptyExchange(exchangeIdOf(connectionId, 0), connectionId, 0, startedAt, 0);
  exchange.source = 'replay';
  exchange.completedAt = completedAt;
  exchange.replayTarget = { ...target };
  exchange.timings = { ...result.timings };
  const parsed = parseRequestMessage(result.request);
  if (parsed.ok) {
    fillRequest(exchange, { ...parsed.message }, { offset: 0, length: result.request.length });
  } else {
    exchange.requestSpan = { offset: 0, length: result.request.length };
    exchange.requestBytes = result.request.length;
  }
  const final = result.responses.find((r) => r.head.status >= 200) ?? result.responses[0];
  if (final) {
    exchange.status = final.head.status;
    exchange.reason = final.head.reason;
    exchange.responseContentType = headerValue(final.head.headers, 'content-type');
  }
  exchange.responseBytes = result.response.length;
  exchange.responseSpan =
    result.response.length > 0 ? { offset: 0, length: result.response.length } : null;
  if (result.error) {
    exchange.error = {
      code:
        result.error.code === 'RESPONSE_TIMEOUT' || result.error.code === 'CONNECT_TIMEOUT'
          ? 'TIMEOUT'
          : 'CLOSED_CONNECTION',
      offset: result.response.length,
      reason: result.error.message,
      status: 0,
    };
  } else if (result.parseError) {
    exchange.error = { ...result.parseError };
  }
  const connection: ConnectionSummary = {
    connectionId,
    source: 'replay',
    remoteAddress: result.remoteAddress ?? target.host,
    remotePort: target.port,
    localPort: result.localPort,
    openedAt: startedAt,
    closedAt: completedAt ?? startedAt,
    closeReason: result.error ? 'error' : 'client',
    bytesIn: result.request.length,
    bytesOut: result.response.length,
    exchanges: 1,
  };
  return { connection, exchange };
}
