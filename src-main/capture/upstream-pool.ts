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

/** Where a leased socket's events go (the proxy's side of one exchange or tunnel). */
export interface UpstreamListener {
  data(chunk: Buffer): void;
  end(): void;
  close(): void;
  drain(): void;
}

/**
 * One connection to an upstream as the pool hands it out, again and again while it is kept
 * alive. Its socket's listeners are added once, when it connects: each event goes to whoever
 * listens now, or, while the socket waits in the pool, drops it (anything an idle upstream
 * sends answers nothing; an end or an error ends it). No listener is added or removed per
 * request, and nothing is added to the socket itself.
 */
export class Lease {
  /** True when the socket served an earlier request (the upstream may have closed it since). */
  reused = false;
  private listener: UpstreamListener | null = null;
  /** While idle in the pool: the upstream it leads to (null when leased), since when. */
  idleKey: string | null = null;
  idleSince = 0;
  /** The socket reads once someone first listens (what it sent before waits until then). */
  private started = false;

  constructor(
    readonly socket: Socket,
    private readonly onIdleEvent: (lease: Lease) => void,
  ) {
    socket.pause();
    socket.on('data', (chunk: Buffer) => {
      if (this.listener !== null) this.listener.data(chunk);
      else this.stray();
    });
    socket.on('end', () => {
      if (this.listener !== null) this.listener.end();
      else this.stray();
    });
    socket.on('error', () => {
      if (this.listener === null) this.stray();
    });
    socket.on('close', () => {
      if (this.listener !== null) this.listener.close();
      else this.stray();
    });
    socket.on('drain', () => this.listener?.drain());
  }

  /** Sends the socket's events to `listener` from now on; null for none. */
  listen(listener: UpstreamListener | null): void {
    this.listener = listener;
    if (listener !== null && !this.started) {
      this.started = true;
      this.socket.resume();
    }
  }

  private stray(): void {
    if (this.idleKey !== null) this.onIdleEvent(this);
  }
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

export function upstreamKey(address: UpstreamAddress): string {
  return `${address.tls ? 'https' : 'http'}://${address.host}:${address.port}${address.insecure ? '!' : ''}`;
}

export class UpstreamPool {
  /** Idle connections by upstream, oldest first (handed out last in, first out). */
  private readonly idle = new Map<string, Lease[]>();
  private idleTotal = 0;
  private readonly connectTimeoutMs: number;
  private readonly idleMs: number;
  private readonly maxIdle: number;
  /** One timer for every idle socket (none per socket, none while nothing waits). */
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly onIdleEvent = (lease: Lease): void => this.drop(lease);
  /** The last address asked about and its key: a reverse proxy asks about one address only. */
  private lastAddress: UpstreamAddress | null = null;
  private lastKey = '';

  constructor(options: PoolOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.idleMs = options.idleMs ?? 30_000;
    this.maxIdle = options.maxIdlePerUpstream ?? 256;
  }

  /** An idle connection to `address`, at once; null when none is kept. */
  take(address: UpstreamAddress): Lease | null {
    const list = this.idle.get(this.keyOf(address));
    while (list !== undefined && list.length > 0) {
      const lease = list.pop()!;
      this.idleTotal--;
      lease.idleKey = null;
      const socket = lease.socket;
      if (!socket.destroyed && socket.readyState === 'open') {
        lease.reused = true;
        return lease;
      }
      socket.destroy();
    }
    return null;
  }

  /** An idle connection to `address` or a newly connected one; never throws. */
  acquire(address: UpstreamAddress): Promise<Lease | UpstreamFailure> {
    const lease = this.take(address);
    return lease !== null ? Promise.resolve(lease) : this.open(address);
  }

  /** Gives a connection back after a clean exchange (nothing unread, keep-alive on both sides). */
  release(address: UpstreamAddress, lease: Lease): void {
    lease.listen(null);
    const socket = lease.socket;
    const key = this.keyOf(address);
    let list = this.idle.get(key);
    if (this.closed || socket.destroyed || (list?.length ?? 0) >= this.maxIdle) {
      socket.destroy();
      return;
    }
    if (list === undefined) {
      list = [];
      this.idle.set(key, list);
    }
    lease.idleKey = key;
    lease.idleSince = Date.now();
    // A socket the proxy paused (its client was behind) reads again: what comes drops it.
    socket.resume();
    list.push(lease);
    this.idleTotal++;
    if (this.sweeper === null) {
      this.sweeper = setInterval(() => this.sweep(), Math.max(250, this.idleMs / 4));
      this.sweeper.unref();
    }
  }

  /** Closes every idle socket; later releases destroy theirs. */
  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) {
      for (const lease of list) {
        lease.idleKey = null;
        lease.socket.destroy();
      }
    }
    this.idle.clear();
    this.idleTotal = 0;
    this.stopSweeping();
  }

  idleCount(): number {
    return this.idleTotal;
  }

  private keyOf(address: UpstreamAddress): string {
    if (address !== this.lastAddress) {
      this.lastAddress = address;
      this.lastKey = upstreamKey(address);
    }
    return this.lastKey;
  }

  /** Drops the sockets idle for `idleMs` or more (within a quarter of it). */
  private sweep(): void {
    const before = Date.now() - this.idleMs;
    for (const list of this.idle.values()) {
      for (const lease of list.filter((idle) => idle.idleSince <= before)) this.drop(lease);
    }
    if (this.idleTotal === 0) this.stopSweeping();
  }

  private stopSweeping(): void {
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** An idle socket leaves the pool and is closed. */
  private drop(lease: Lease): void {
    const list = lease.idleKey === null ? undefined : this.idle.get(lease.idleKey);
    lease.idleKey = null;
    const at = list?.indexOf(lease) ?? -1;
    if (list !== undefined && at >= 0) {
      list.splice(at, 1);
      this.idleTotal--;
    }
    lease.socket.destroy();
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
        done(new Lease(socket, this.onIdleEvent));
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
