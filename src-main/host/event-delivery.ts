// The Core's events on their way to its subscribers: gathered in one batch (batch.ts) and handed
// over every `batchMs` while there are any, each time after `beforeDelivery` (the write-ahead
// gate writing what they describe). Raw capture events go the same way to capture listeners
// (the CLI). A subscriber that says what it keeps of a flood (SubscribeOptions.interest) lets
// the batch build fewer summaries.

import type { CaptureEvent } from '../capture/events';
import type { CoreEvent, SubscribeOptions, SubscriberInterest } from '../protocol/types';
import { EventBatch } from './batch';
import type { ExchangeTable, Row } from './exchange-table';

type Listener = (events: CoreEvent[]) => void;
type CaptureListener = (events: CaptureEvent[]) => void;

export class EventDelivery {
  /** Each subscriber → whether it takes `data` events. */
  private readonly listeners = new Map<Listener, boolean>();
  private readonly interests = new Map<Listener, SubscriberInterest>();
  /** How many subscribers take `data` events: with none, chunks are not batched at all. */
  private dataListeners = 0;
  private readonly captureListeners = new Set<CaptureListener>();
  private readonly batch = new EventBatch();
  private captureQueue: CaptureEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly batchMs: number,
    private readonly beforeDelivery: () => void,
  ) {}

  subscribe(listener: Listener, options?: SubscribeOptions): () => void {
    // The same function subscribed twice is one subscriber: its latest options win.
    const wantsData = options?.data !== false;
    this.unsubscribe(listener);
    this.listeners.set(listener, wantsData);
    if (options?.interest) this.interests.set(listener, options.interest);
    if (wantsData) this.dataListeners++;
    return () => this.unsubscribe(listener);
  }

  onCapture(listener: CaptureListener): () => void {
    this.captureListeners.add(listener);
    return () => this.captureListeners.delete(listener);
  }

  /** Whether anyone takes Core events (with no one, none need be built). */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: CoreEvent): void {
    this.batch.push(event);
    this.schedule();
  }

  /** The exchange in `row` changed: its summary is built when the batch is taken. */
  emitRow(table: ExchangeTable, row: Row): void {
    this.batch.pushExchangeRow(table, row);
    this.schedule();
  }

  /** A chunk of a stream, for subscribers that take `data` events. */
  data(chunk: Extract<CaptureEvent, { type: 'data' }>): void {
    if (this.dataListeners === 0) return;
    this.batch.pushData(chunk.connectionId, chunk.direction, chunk.offset, chunk.bytes, chunk.time);
    this.schedule();
  }

  /** A raw capture event, for the capture listeners. */
  capture(event: CaptureEvent): void {
    if (this.captureListeners.size === 0) return;
    this.captureQueue.push(event);
    this.schedule();
  }

  /** Hands over what is pending now. */
  deliver(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    this.beforeDelivery();
    const events = this.takeBatch();
    const captures = this.captureQueue;
    this.captureQueue = [];
    if (events.length > 0) this.hand(events);
    if (captures.length > 0)
      for (const listener of this.captureListeners) safely(() => listener(captures));
  }

  /** Nothing is delivered any more. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private unsubscribe(listener: Listener): void {
    const wantsData = this.listeners.get(listener);
    if (wantsData === undefined) return;
    this.listeners.delete(listener);
    this.interests.delete(listener);
    if (wantsData) this.dataListeners--;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.deliver(), this.batchMs);
  }

  /**
   * The batch, its summaries built only as far as a subscriber will keep them: when every
   * subscriber says what it keeps, an exchange none wants is built only among the newest few.
   */
  private takeBatch(): CoreEvent[] {
    if (this.interests.size === 0 || this.interests.size < this.listeners.size)
      return this.batch.take();
    const interests = [...this.interests.values()];
    let others = 0;
    for (const interest of interests) others = Math.max(others, interest.recentBudget());
    return this.batch.take((exchange) => interests.some((i) => i.wants(exchange)), others);
  }

  private hand(events: CoreEvent[]): void {
    // Subscribers without `data` get one shared copy of the batch without those events.
    let withoutData: CoreEvent[] | null = null;
    for (const [listener, wantsData] of this.listeners) {
      if (wantsData) safely(() => listener(events));
      else {
        withoutData ??= events.some(isData) ? events.filter((e) => !isData(e)) : events;
        const batch = withoutData;
        if (batch.length > 0) safely(() => listener(batch));
      }
    }
  }
}

function isData(event: CoreEvent): boolean {
  return event.type === 'data';
}

function safely(run: () => void): void {
  try {
    run();
  } catch {
    // A failing subscriber must not stop the others.
  }
}
