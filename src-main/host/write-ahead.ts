// The write-ahead rule as the Core keeps it: responses wait for a group commit, one write per
// turn of the event loop for every record of that turn, and only then go to their sockets. While
// the session file cannot be written, records wait in memory up to a bound; past it the capture
// server answers 503 (see `canKeep`). The owner hears of an outage once, and once when it ends.

import type { WriteAhead } from '../capture/events';

/** What the gate commits to: the session store (its write side). */
export interface Recorder {
  /** Hands every pending record to the OS; throws when it cannot (they stay pending). */
  flush(): void;
  /** Bytes of records not yet handed to the OS. */
  pendingBytes(): number;
}

export interface OutageListener {
  /** Writes started failing; `pendingBytes` are kept in memory. */
  failing(error: unknown, pendingBytes: number): void;
  /** The memory queue reached its bound: new requests are answered 503. */
  full(pendingBytes: number): void;
  /** Writes succeed again: everything kept has been written. */
  resumed(): void;
}

export interface WriteAheadOptions {
  /** Bytes kept in memory while writes fail, before requests are refused (default 64 MiB). */
  maxPendingBytes?: number;
  /** How often a failing store is tried again while nothing else happens (default 1 s). */
  retryMs?: number;
}

export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

export class WriteAheadGate implements WriteAhead {
  private waiting: (() => void)[] = [];
  private scheduled = false;
  private outage = false;
  private full = false;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly maxPendingBytes: number;
  private readonly retryMs: number;

  constructor(
    private readonly recorder: () => Recorder,
    private readonly listener: OutageListener,
    options: WriteAheadOptions = {},
  ) {
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.retryMs = options.retryMs ?? 1000;
  }

  afterWrite(send: () => void): void {
    this.waiting.push(send);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.commit);
  }

  canKeep(): boolean {
    if (!this.outage) return true;
    const pending = this.recorder().pendingBytes();
    if (pending < this.maxPendingBytes) return true;
    if (!this.full) {
      this.full = true;
      this.listener.full(pending);
    }
    return false;
  }

  /** True while the session file cannot be written. */
  failing(): boolean {
    return this.outage;
  }

  /** Writes now and releases every waiting response (a session switch, a stop). */
  commitNow(): void {
    this.commit();
  }

  /** A write failed elsewhere (the store's own timer): the same outage bookkeeping. */
  writeFailed(error: unknown): void {
    this.enterOutage(error);
  }

  /** Tries to write what is pending; true when everything is written. */
  tryWrite(): boolean {
    try {
      this.recorder().flush();
    } catch (error) {
      this.enterOutage(error);
      return false;
    }
    if (this.outage) {
      this.outage = false;
      this.full = false;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.listener.resumed();
    }
    return true;
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private readonly commit = (): void => {
    this.scheduled = false;
    // During an outage what was received is kept in memory (bounded by canKeep): answering it
    // loses nothing the process holds, and a stalled client would help no one.
    this.tryWrite();
    const ready = this.waiting;
    this.waiting = [];
    for (const send of ready) {
      try {
        send();
      } catch {
        // One socket's failure must not hold the others' responses.
      }
    }
  };

  private enterOutage(error: unknown): void {
    if (!this.outage) {
      this.outage = true;
      this.listener.failing(error, this.recorder().pendingBytes());
    }
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.tryWrite();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
