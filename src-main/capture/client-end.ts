// The client's socket as a server connection (the capture server's and the proxy's alike) writes
// to it: every write waits for the write-ahead rule (one write per commit, of all that is
// waiting), and the end is a half-close after the last write that keeps reading for a while, so
// late client bytes are still recorded, then a reset.

import type { Socket } from 'node:net';
import type { WriteAhead } from './events';

/** How long a half-closed connection keeps reading before it is destroyed. */
const LINGER_MS = 2000;

export class ClientEnd {
  private outbox: Uint8Array[] = [];
  private outboxBytes = 0;
  /** The server's side ends once the outbox is written. */
  private endAfterSend = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private endedNow = false;

  constructor(
    private readonly socket: Socket,
    private readonly writeAhead: WriteAhead,
    /** Called after each write of the outbox (a proxy resumes its upstream there). */
    private readonly written: () => void = () => undefined,
  ) {}

  /** Whether the server's side has ended (or will, once the outbox is written). */
  get ended(): boolean {
    return this.endedNow;
  }

  /** Whether the end waits for the outbox to be written. */
  get endingAfterSend(): boolean {
    return this.endAfterSend;
  }

  /** Bytes handed over and not yet taken by the kernel (outbox and socket buffer). */
  get waiting(): number {
    return this.outboxBytes + this.socket.writableLength;
  }

  /** Hands `bytes` to the socket once the write-ahead rule allows. */
  send(bytes: Uint8Array): void {
    this.outbox.push(bytes);
    this.outboxBytes += bytes.length;
    if (this.outbox.length === 1) this.writeAhead.afterWrite(this.drain);
  }

  /** Half-closes after the last write; false when it had ended already. */
  end(): boolean {
    if (this.endedNow) return false;
    this.endedNow = true;
    if (this.outbox.length > 0) this.endAfterSend = true;
    else this.halfClose();
    return true;
  }

  /** The socket closed: nothing more to wait for. */
  closed(): void {
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }

  private readonly drain = (): void => {
    const parts = this.outbox;
    this.outbox = [];
    this.outboxBytes = 0;
    if (parts.length > 0 && !this.socket.destroyed) {
      this.socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    }
    this.written();
    if (this.endAfterSend) {
      this.endAfterSend = false;
      this.halfClose();
    }
  };

  private halfClose(): void {
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
  }
}
