// What every server-side connection (the capture server's and the proxy's) keeps of its client:
// the socket with its open and close events, every byte received recorded before anything else
// reads it, how busy it is (the server evicts idle ones when the connection limit is near), and
// the writes and the end through ClientEnd.

import type { Socket } from 'node:net';
import type { CloseReason } from '../protocol/types';
import { ClientEnd } from './client-end';
import type { CaptureListener, WriteAhead } from './events';

/** Whether a connection has sent nothing yet, waits between requests, or is in an exchange. */
export type Activity = 'silent' | 'idle' | 'busy';

/** The addresses to report in place of the socket's own (a decrypted tunnel has none). */
export interface Peer {
  remoteAddress: string;
  remotePort: number;
  localPort: number;
}

export interface ClientConnectionContext {
  id: string;
  peer?: Peer;
  emit: CaptureListener;
  writeAhead: WriteAhead;
  closed: (connection: ClientConnection) => void;
  /** The connection became idle between requests, or busy (the server keeps them in order). */
  activity?: (connection: ClientConnection, activity: Activity) => void;
}

export abstract class ClientConnection {
  readonly id: string;
  protected readonly socket: Socket;
  /** Bytes to the client go out through it, after the write-ahead rule. */
  protected readonly out: ClientEnd;
  protected bytesIn = 0;
  protected bytesOut = 0;
  /** No more requests are taken; the connection ends once what is queued is written. */
  protected closing = false;
  protected clientEnded = false;
  protected closeReason: CloseReason | null = null;
  private activityNow: Activity = 'silent';

  constructor(
    socket: Socket,
    private readonly client: ClientConnectionContext,
  ) {
    this.id = client.id;
    this.socket = socket;
    this.out = new ClientEnd(socket, client.writeAhead, () => this.written());
    socket.setNoDelay?.(true);
    client.emit({
      type: 'connectionOpen',
      connectionId: this.id,
      remoteAddress: client.peer?.remoteAddress ?? socket.remoteAddress ?? '',
      remotePort: client.peer?.remotePort ?? socket.remotePort ?? 0,
      localPort: client.peer?.localPort ?? socket.localPort ?? 0,
      time: Date.now(),
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.closeReason ??=
        error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'client' : 'error';
    });
  }

  get activity(): Activity {
    return this.activityNow;
  }

  /**
   * Closes an idle connection to make room under the connection limit (RFC 9112 §9.6 lets a
   * server close an idle connection at any time). One that never sent a byte is reset.
   */
  evict(): void {
    if (this.activityNow === 'busy' || this.out.ended) return;
    this.closeReason ??= 'evicted';
    this.closing = true;
    if (this.activityNow === 'silent') this.socket.destroy();
    else this.endSocket();
  }

  /** Closes at once (the server stopping); the close event carries `reason`. */
  destroy(reason: CloseReason): void {
    this.closeReason ??= reason;
    this.closing = true;
    this.socket.destroy();
  }

  /** Half-closes after the last write and keeps reading, so late client bytes are still recorded. */
  protected abstract endSocket(): void;

  /** After each write to the client (a proxy resumes its upstream there). */
  protected written(): void {}

  protected setActivity(activity: Activity): void {
    if (this.activityNow === activity) return;
    this.activityNow = activity;
    this.client.activity?.(this, activity);
  }

  /** Records bytes from the client, before anything reads them. */
  protected received(chunk: Uint8Array, time: number): void {
    this.client.emit({
      type: 'data',
      connectionId: this.id,
      direction: 'in',
      offset: this.bytesIn,
      bytes: chunk,
      time,
    });
    this.bytesIn += chunk.length;
  }

  /** The socket closed: the close event, with the bytes each way. */
  protected closed(): void {
    this.out.closed();
    this.client.emit({
      type: 'connectionClose',
      connectionId: this.id,
      time: Date.now(),
      reason: this.closeReason ?? 'client',
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    });
    this.client.closed(this);
  }
}
