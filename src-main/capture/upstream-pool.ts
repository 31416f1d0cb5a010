// Connections from the proxy to upstream servers, kept alive between requests and reused (one
// request at a time on each). A socket is handed out idle or new; the proxy gives it back when
// its response ended cleanly and both sides keep the connection, or destroys it.

import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { upstreamSecureContext } from './trust-store';

export interface UpstreamAddress {
  host: string;
  port: number;
  tls: boolean;
  /** TLS only: skip verifying the upstream's certificate. */
  insecure?: boolean;
}

export interface Lease {
  socket: Socket;
  /** True when the socket served an earlier request (the upstream may have closed it since). */
  reused: boolean;
}

export type UpstreamFailure = {
  code:
    'UPSTREAM_REFUSED' | 'UPSTREAM_DNS' | 'UPSTREAM_TLS' | 'UPSTREAM_TIMEOUT' | 'UPSTREAM_ERROR';
  /** One English sentence. */
  message: string;
};

export interface PoolOptions {
  connectTimeoutMs?: number;
  /** An idle socket is closed after this long. */
  idleMs?: number;
  /**
   * Idle sockets kept for one upstream at most. Many clients at once each hold one in turn, and
   * all come back idle between their requests: a socket dropped here is opened again at once.
   */
  maxIdlePerUpstream?: number;
}

/** An idle socket: the upstream it leads to, and since when it waits. */
interface Idle {
  key: string;
  since: number;
}

export function upstreamKey(address: UpstreamAddress): string {
  return `${address.tls ? 'https' : 'http'}://${address.host}:${address.port}${address.insecure ? '!' : ''}`;
}

export class UpstreamPool {
  private readonly idle = new Map<string, Socket[]>();
  /** Kept beside the sockets, never on them: a socket's own shape stays as Node made it. */
  private readonly waiting = new Map<Socket, Idle>();
  private readonly connectTimeoutMs: number;
  private readonly idleMs: number;
  private readonly maxIdle: number;
  /** One timer for every idle socket (none per socket, none while nothing waits). */
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;
  /**
   * The one listener on every idle socket (`this` is the socket): anything an idle upstream
   * sends is not an answer to anything, and an end or error ends it; the socket is dropped.
   */
  private readonly onIdleEvent: (this: Socket) => void;

  constructor(options: PoolOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 30_000;
    this.maxIdle = options.maxIdlePerUpstream ?? 256;
    const drop = this.drop.bind(this);
    this.onIdleEvent = function (this: Socket) {
      drop(this);
    };
  }

  /** An idle socket to `address` or a newly connected one; never throws. */
  acquire(address: UpstreamAddress): Promise<Lease | UpstreamFailure> {
    const list = this.idle.get(upstreamKey(address));
    while (list !== undefined && list.length > 0) {
      const socket = list.pop()!;
      this.untrack(socket);
      if (!socket.destroyed && socket.readyState === 'open') {
        return Promise.resolve({ socket, reused: true });
      }
      socket.destroy();
    }
    return this.open(address);
  }

  /** Gives a socket back after a clean exchange (nothing unread, keep-alive on both sides). */
  release(address: UpstreamAddress, socket: Socket): void {
    const key = upstreamKey(address);
    const list = this.idle.get(key) ?? [];
    if (this.closed || socket.destroyed || list.length >= this.maxIdle) {
      socket.destroy();
      return;
    }
    socket.removeAllListeners('data');
    socket.removeAllListeners('end');
    socket.removeAllListeners('close');
    socket.removeAllListeners('error');
    socket.removeAllListeners('drain');
    socket.removeAllListeners('timeout');
    this.waiting.set(socket, { key, since: Date.now() });
    socket.on('data', this.onIdleEvent);
    socket.on('end', this.onIdleEvent);
    socket.on('error', this.onIdleEvent);
    socket.on('close', this.onIdleEvent);
    socket.resume();
    list.push(socket);
    this.idle.set(key, list);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(250, this.idleMs / 4));
    this.sweeper.unref();
  }

  /** Closes every idle socket; later releases destroy theirs. */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const socket of list) socket.destroy();
    this.idle.clear();
    this.waiting.clear();
    this.stopSweeping();
  }

  idleCount(): number {
    let count = 0;
    for (const list of this.idle.values()) count += list.length;
    return count;
  }

  /** Drops the sockets idle for `idleMs` or more (within a quarter of it). */
  private sweep(): void {
    const before = Date.now() - this.idleMs;
    for (const [socket, idle] of this.waiting) if (idle.since <= before) this.drop(socket);
    if (this.waiting.size === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** An idle socket leaves the pool and is closed. */
  private drop(socket: Socket): void {
    const idle = this.waiting.get(socket);
    this.untrack(socket);
    const list = idle === undefined ? undefined : this.idle.get(idle.key);
    const at = list?.indexOf(socket) ?? -1;
    if (list !== undefined && at >= 0) list.splice(at, 1);
    socket.destroy();
  }

  private untrack(socket: Socket): void {
    if (!this.waiting.delete(socket)) return;
    socket.off('data', this.onIdleEvent);
    socket.off('end', this.onIdleEvent);
    socket.off('error', this.onIdleEvent);
    socket.off('close', this.onIdleEvent);
  }

  /** A new connection of its own (a tunnel), never pooled. */
  open(address: UpstreamAddress): Promise<Lease | UpstreamFailure> {
    return new Promise((resolve) => {
      let settled = false;
      const where = `${address.host}:${address.port}`;
      const options: ConnectionOptions = {
        host: address.host,
        port: address.port,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: address.insecure !== true,
        secureContext: upstreamSecureContext(),
      };
      // SNI takes a name, never an IP address.
      if (!/^[\d.]+$/.test(address.host) && !address.host.includes(':')) {
        options.servername = address.host;
      }
      const socket = address.tls
        ? tlsConnect(options)
        : netConnect({ host: address.host, port: address.port });
      const done = (result: Lease | UpstreamFailure): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        if ('code' in result) socket.destroy();
        resolve(result);
      };
      const onError = (error: NodeJS.ErrnoException): void => done(describe(error, where));
      const timer = setTimeout(
        () =>
          done({
            code: 'UPSTREAM_TIMEOUT',
            message: `The upstream ${where} did not accept the connection within ${this.connectTimeoutMs} ms.`,
          }),
        this.connectTimeoutMs,
      );
      socket.on('error', onError);
      socket.once(address.tls ? 'secureConnect' : 'connect', () => {
        socket.setNoDelay(true);
        done({ socket, reused: false });
      });
    });
  }
}

function describe(error: NodeJS.ErrnoException, where: string): UpstreamFailure {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') {
    return {
      code: 'UPSTREAM_REFUSED',
      message: `The upstream ${where} refused the connection (nothing listens there).`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      code: 'UPSTREAM_DNS',
      message: `The upstream's name could not be resolved (${where}).`,
    };
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL')) {
    return {
      code: 'UPSTREAM_TLS',
      message: `The TLS handshake with the upstream ${where} failed: ${error.message}.`,
    };
  }
  return {
    code: 'UPSTREAM_ERROR',
    message: `The connection to the upstream ${where} failed: ${error.message}.`,
  };
}
