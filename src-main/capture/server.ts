// The capture server: a raw TCP listener (node:net, never node:http) whose connections report
// every byte and answer from the responder. Start, stop and restart never throw: problems end up
// in the state's message and in notices.

import { createServer, type Server, type Socket } from 'node:net';
import type { Message, ResponderRule, ServerSettings, ServerState } from '../protocol/types';
import {
  COMPLETE,
  NO_DEVIATIONS,
  NO_WRITE_AHEAD,
  type CaptureListener,
  type CaptureServerApi,
  type WriteAhead,
} from './events';
import { CaptureConnection } from './connection';
import type { Activity, ClientConnection } from './client-connection';
import { ProxyConnection, type ProxyMode } from './proxy-connection';
import { parseAbsolute } from './proxy-heads';
import { UpstreamPool } from './upstream-pool';
import { LocalCa } from './ca';
import { interceptor } from './intercept';
import type { TunnelTakeover } from './proxy-connection';
import { defaultAssetsDir } from './default-site';
import { errorResponse, Responder } from './responder';
import { Holds } from './holds';
import { loadRules, validateRules, type LoadRulesResult } from './rules-file';
import { DEFAULT_SETTINGS, mergeSettings, type SettingsPatch } from './settings';

export interface CaptureServerOptions {
  settings?: SettingsPatch;
  rules?: ResponderRule[];
  /** Folder holding test.jpg and favicon.ico (default: the project's assets/). */
  assetsDir?: string;
  /** Folder against which relative file paths in rules are resolved (default: the working directory). */
  rulesDir?: string;
  onEvent: CaptureListener;
  /** The recorder's write-ahead rule (default: none, responses go out at once). */
  writeAhead?: WriteAhead;
  /** Where the local CA for HTTPS interception lives (made on first use); required to intercept. */
  caDir?: string;
  /** Where break rules hold messages for a UI (default: a registry of the server's own). */
  holds?: Holds;
}

/** Connections over the limit are accepted, answered 503 and closed; this long at most. */
const REFUSED_LINGER_MS = 2000;
/** Closing idle connections for room is said at most this often. */
const EVICTION_NOTICE_MS = 10_000;

/** A connection of either kind: the capture server's own, or the proxy's. */
type Accepted = ClientConnection;

/** The proxy mode the settings ask for; null for none, a message when the upstream is not a URL. */
function proxyMode(settings: ServerSettings): ProxyMode | Message | null {
  if (settings.upstream !== undefined) {
    const target = parseAbsolute(settings.upstream);
    if (target === null) {
      return {
        key: 'server.badUpstream',
        text: `The upstream must be an http:// or https:// URL with a host (and port), not ${settings.upstream}.`,
        params: { upstream: settings.upstream },
      };
    }
    const { host, port, tls } = target;
    const defaultPort = tls ? 443 : 80;
    const named = host.includes(':') ? `[${host}]` : host;
    return {
      kind: 'reverse',
      upstream: { host, port, tls },
      host:
        settings.rewriteHost === true ? (port === defaultPort ? named : `${named}:${port}`) : null,
    };
  }
  return settings.proxy === true ? { kind: 'forward' } : null;
}

function urlFor(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shown}:${port}/`;
}

function listen(server: Server, port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      resolve(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(null);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}

export class CaptureServer implements CaptureServerApi {
  private current: ServerSettings;
  private currentRules: ResponderRule[] = [];
  private readonly responder: Responder;
  private readonly emit: CaptureListener;
  private readonly writeAhead: WriteAhead;
  private server: Server | null = null;
  private readonly connections = new Set<Accepted>();
  private readonly refused = new Set<Socket>();
  // Connections that may be closed for room at the limit, oldest first (a Map keeps insertion
  // order): those that never sent a byte go before those waiting between requests.
  private readonly silent = new Map<Accepted, true>();
  private readonly idle = new Map<Accepted, true>();
  /** Evicted connections still closing: they no longer count against the limit. */
  private readonly evicted = new Set<Accepted>();
  private mode: ProxyMode | null = null;
  private pool: UpstreamPool | null = null;
  private takeover: TunnelTakeover | undefined = undefined;
  private readonly caDir: string | null;
  /** The messages break rules hold (released, aborted or timed out through it). */
  readonly holds: Holds;
  private evictionNoticeAt = -Infinity;
  private status: ServerState = {
    status: 'stopped',
    host: DEFAULT_SETTINGS.host,
    port: DEFAULT_SETTINGS.port,
    url: null,
    proxy: null,
    message: null,
    tutorialExact: false,
    maxBodyBytes: DEFAULT_SETTINGS.limits.maxBodyBytes,
  };
  private runPrefix = '';
  private connectionCount = 0;
  /** Start and stop run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: CaptureServerOptions) {
    this.emit = options.onEvent;
    this.writeAhead = options.writeAhead ?? NO_WRITE_AHEAD;
    this.caDir = options.caDir ?? null;
    this.current = mergeSettings(DEFAULT_SETTINGS, options.settings);
    this.responder = new Responder({
      assetsDir: options.assetsDir ?? defaultAssetsDir(),
      rulesDir: options.rulesDir ?? process.cwd(),
      tutorialExact: this.current.tutorialExact,
    });
    const notice = (level: 'info' | 'warn', message: Message): void => this.notice(level, message);
    this.holds = options.holds ?? new Holds({ notice });
    this.responder.setActions(this.holds, notice);
    this.status = {
      ...this.status,
      host: this.current.host,
      port: this.current.port,
      maxBodyBytes: this.current.limits.maxBodyBytes,
    };
    if (options.rules !== undefined) this.setRules(options.rules);
  }

  state(): ServerState {
    return this.status;
  }

  settings(): ServerSettings {
    return this.current;
  }

  rules(): ResponderRule[] {
    return this.currentRules;
  }

  /** Replaces the rules; invalid rules are refused with a notice and the previous ones kept. */
  setRules(rules: ResponderRule[]): void {
    const checked = validateRules(rules);
    if (!checked.ok) {
      this.notice('warn', {
        key: 'rules.invalid',
        text: `The rules were not applied: ${checked.message}`,
        params: { detail: checked.message },
      });
      return;
    }
    this.currentRules = checked.rules;
    this.responder.setRules(checked.rules);
  }

  setRulesDir(dir: string): void {
    this.responder.setRulesDir(dir);
  }

  /** Loads a rules file; when it is invalid the current rules stay and a notice says why. */
  async loadRulesFile(path: string): Promise<LoadRulesResult> {
    const result = await loadRules(path);
    if (!result.ok) {
      this.notice('warn', {
        key: 'rules.fileInvalid',
        text: `The rules file was not loaded (the previous rules stay): ${result.message}`,
        params: { detail: result.message },
      });
      return result;
    }
    this.currentRules = result.rules;
    this.responder.setRules(result.rules);
    this.responder.setRulesDir(result.baseDir);
    return result;
  }

  start(settings?: SettingsPatch): Promise<ServerState> {
    return this.serialise(async () => {
      if (this.server !== null) await this.close();
      this.current = mergeSettings(this.current, settings);
      this.responder.setTutorialExact(this.current.tutorialExact);
      return this.open();
    });
  }

  stop(): Promise<ServerState> {
    return this.serialise(async () => {
      await this.close();
      if (this.status.status !== 'stopped') {
        const { host, port, tutorialExact } = this.current;
        this.setState({ status: 'stopped', host, port, url: null, message: null, tutorialExact });
      }
      return this.status;
    });
  }

  private serialise<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step, step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private setState(fields: Omit<ServerState, 'maxBodyBytes' | 'proxy'>): ServerState {
    const state: ServerState = {
      ...fields,
      proxy: fields.status === 'listening' ? (this.mode?.kind ?? null) : null,
      maxBodyBytes: this.current.limits.maxBodyBytes,
    };
    this.status = state;
    this.emit({ type: 'server', state });
    return state;
  }

  private notice(level: 'info' | 'warn' | 'error', message: Message): void {
    this.emit({ type: 'notice', level, message });
  }

  private async open(): Promise<ServerState> {
    const { host, port, tutorialExact } = this.current;
    this.setState({ status: 'starting', host, port, url: null, message: null, tutorialExact });
    const mode = proxyMode(this.current);
    if (mode !== null && 'key' in mode) {
      this.notice('error', mode);
      return this.setState({
        status: 'error',
        host,
        port,
        url: null,
        message: mode,
        tutorialExact,
      });
    }
    this.mode = mode;
    this.takeover = undefined;
    if (mode?.kind === 'forward' && this.current.intercept === true) {
      const failure = await this.openCa();
      if (failure !== null) {
        this.notice('error', failure);
        return this.setState({
          status: 'error',
          host,
          port,
          url: null,
          message: failure,
          tutorialExact,
        });
      }
    }
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) =>
      this.accept(socket),
    );
    let error = await listen(server, port, host);
    let message: Message | null = null;
    if (error !== null && port !== 0 && (error.code === 'EADDRINUSE' || error.code === 'EACCES')) {
      const requested = port;
      error = await listen(server, 0, host);
      if (error === null) {
        const used = this.boundPort(server);
        message = {
          key: 'server.portTaken',
          text: `Port ${requested} is not available, so the server listens on port ${used} instead.`,
          params: { requested, used },
        };
        this.notice('warn', message);
      }
    }
    if (error !== null) {
      server.close();
      const failure: Message = {
        key: 'server.listenFailed',
        text: `The server could not listen on ${host}:${port} (${error.code ?? error.message}).`,
        params: { host, port, code: error.code ?? error.message },
      };
      this.notice('error', failure);
      return this.setState({
        status: 'error',
        host,
        port,
        url: null,
        message: failure,
        tutorialExact,
      });
    }
    server.on('error', (failure: NodeJS.ErrnoException) => {
      this.notice('error', {
        key: 'server.error',
        text: `The server reported an error: ${failure.message}`,
        params: { detail: failure.message },
      });
    });
    this.server = server;
    if (this.mode !== null) this.pool = new UpstreamPool();
    if (this.ca !== null && this.pool !== null && this.current.intercept === true) {
      this.takeover = interceptor({
        ca: this.ca,
        pool: this.pool,
        limits: this.current.limits,
        emit: this.emit,
        writeAhead: this.writeAhead,
        passthrough: this.current.passthroughHosts ?? [],
        insecure: this.current.insecureHosts ?? [],
        responder: this.responder,
        forget: (id) => this.holds.forget(id),
      });
    }
    this.runPrefix = `${Date.now().toString(36)}-`;
    this.connectionCount = 0;
    const used = this.boundPort(server);
    return this.setState({
      status: 'listening',
      host,
      port: used,
      url: urlFor(host, used),
      message,
      tutorialExact,
    });
  }

  private ca: LocalCa | null = null;

  /** Opens (or makes) the local CA; a message when it cannot be. */
  private async openCa(): Promise<Message | null> {
    if (this.ca !== null) return null;
    if (this.caDir === null) {
      return {
        key: 'server.noCaFolder',
        text: 'HTTPS interception needs a data folder for its certificate authority.',
      };
    }
    try {
      this.ca = await LocalCa.open(this.caDir);
      return null;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return {
        key: 'server.caFailed',
        text: `The local certificate authority could not be opened in ${this.caDir}: ${detail}`,
        params: { dir: this.caDir, detail },
      };
    }
  }

  private boundPort(server: Server): number {
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of [...this.connections]) connection.destroy('stopped');
    for (const socket of [...this.refused]) socket.destroy();
    this.silent.clear();
    this.idle.clear();
    this.pool?.close();
    this.pool = null;
    await closed;
    const { host, port, tutorialExact } = this.current;
    this.setState({ status: 'stopped', host, port, url: null, message: null, tutorialExact });
  }

  private accept(socket: Socket): void {
    const id = `${this.runPrefix}c${++this.connectionCount}`;
    if (this.connections.size - this.evicted.size >= this.current.limits.maxConnections) {
      if (!this.evictIdle()) {
        this.refuse(socket, id);
        return;
      }
    }
    const mode = this.mode;
    const pool = this.pool;
    if (mode !== null && pool !== null) {
      const proxied = new ProxyConnection(socket, {
        id,
        limits: this.current.limits,
        mode,
        pool,
        emit: this.emit,
        writeAhead: this.writeAhead,
        closed: (done) => this.forget(done),
        activity: (changed, activity) => this.track(changed, activity),
        responder: this.responder,
        ...(this.takeover !== undefined ? { takeover: this.takeover } : {}),
      });
      this.connections.add(proxied);
      this.silent.set(proxied, true);
      return;
    }
    const connection = new CaptureConnection(socket, {
      id,
      limits: this.current.limits,
      responder: this.responder,
      emit: this.emit,
      writeAhead: this.writeAhead,
      closed: (done) => this.forget(done),
      activity: (changed, activity) => this.track(changed, activity),
    });
    this.connections.add(connection);
    this.silent.set(connection, true);
  }

  private track(connection: Accepted, activity: Activity): void {
    this.silent.delete(connection);
    this.idle.delete(connection);
    if (activity === 'idle') this.idle.set(connection, true);
  }

  private forget(connection: Accepted): void {
    this.connections.delete(connection);
    this.silent.delete(connection);
    this.idle.delete(connection);
    this.evicted.delete(connection);
    this.holds.forget(connection.id);
  }

  /** Closes the oldest idle connection to make room; false when every connection is busy. */
  private evictIdle(): boolean {
    const victim = first(this.silent) ?? first(this.idle);
    if (victim === undefined) return false;
    this.silent.delete(victim);
    this.idle.delete(victim);
    this.evicted.add(victim);
    victim.evict();
    const now = Date.now();
    if (now - this.evictionNoticeAt >= EVICTION_NOTICE_MS) {
      this.evictionNoticeAt = now;
      const limit = this.current.limits.maxConnections;
      this.notice('info', {
        key: 'server.idleEvicted',
        text: `${limit} connections are open (the limit): idle ones are closed, oldest first, to make room for new ones.`,
        params: { limit },
      });
    }
    return true;
  }

  /**
   * Over the connection limit with no idle connection to close: the socket is accepted, recorded, answered `503` with
   * `Connection: close` at once and half-closed; what the client still sends is recorded too.
   */
  private refuse(socket: Socket, id: string): void {
    const limit = this.current.limits.maxConnections;
    this.refused.add(socket);
    let bytesIn = 0;
    const opened = Date.now();
    this.emit({
      type: 'connectionOpen',
      connectionId: id,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
      time: opened,
    });
    this.notice('warn', {
      key: 'server.tooManyConnections',
      text: `A connection was refused with 503: ${limit} connections are open (the limit) and none of them is idle.`,
      params: { limit },
    });
    const { bytes, head } = errorResponse(
      503,
      `This server already has ${limit} open connections, its limit, and none of them is idle. Try again when one has closed.`,
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.emit({
        type: 'data',
        connectionId: id,
        direction: 'in',
        offset: bytesIn,
        bytes: chunk,
        time: Date.now(),
      });
      bytesIn += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('end', () => socket.destroy());
    const linger = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
    socket.on('close', () => {
      clearTimeout(linger);
      this.refused.delete(socket);
      this.emit({
        type: 'connectionClose',
        connectionId: id,
        time: Date.now(),
        reason: 'limit',
        bytesIn,
        bytesOut: bytes.length,
      });
    });
    this.emit({
      type: 'response',
      connectionId: id,
      index: 0,
      time: opened,
      span: { offset: 0, length: bytes.length },
      head,
      ruleId: null,
      deviations: NO_DEVIATIONS,
      ending: COMPLETE,
    });
    this.emit({ type: 'data', connectionId: id, direction: 'out', offset: 0, bytes, time: opened });
    // Like every answer, it leaves once what was recorded before it is written.
    this.writeAhead.afterWrite(() => {
      if (socket.destroyed) return;
      socket.write(bytes);
      socket.end();
    });
  }
}

function first<K>(map: Map<K, true>): K | undefined {
  for (const key of map.keys()) return key;
  return undefined;
}
