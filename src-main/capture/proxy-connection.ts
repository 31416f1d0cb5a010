// One accepted socket of the proxy (reverse: every request to one upstream; forward: absolute-form
// requests to their origin, CONNECT to a tunnel). Every received chunk is reported first, then read
// by the server conversation; each request is passed on as it arrives (head, then body pieces,
// with the framing written anew) over a pooled upstream connection, and the upstream's response
// comes back the same way. Every byte to the client goes through the write-ahead rule and is
// reported as `data` out. One request is in flight at a time: a pipelined one waits its turn.

import type { Socket } from 'node:net';
import { ClientConversation, type ClientAction } from '../engine/client-conversation';
import { concatBytes } from '../engine/bytes';
import { fieldPairs, type MessageHead } from '../engine/message';
import { reasonPhrase } from '../engine/semantics';
import { isValidHostValue } from '../engine/target';
import { ServerConversation, type ServerAction } from '../engine/server-conversation';
import type { CloseReason, Message, ResponderRule, ServerLimits } from '../protocol/types';
import type { ResponseHead } from './events';
import { COMPLETE, NO_DEVIATIONS } from './events';
import {
  framePiece,
  LAST_CHUNK,
  parseAbsolute,
  parseAuthority,
  requestHead,
  responseHead,
  restatus,
} from './proxy-heads';
import { errorResponse, targetPath, type PreparedResponse, type Responder } from './responder';
import { proxyRoute, streamedEdits } from './rule-actions';
import { editFields } from './rule-messages';
import type {
  Lease,
  UpstreamAddress,
  UpstreamFailure,
  UpstreamListener,
  UpstreamPool,
} from './upstream-pool';
import { ClientConnection, type ClientConnectionContext, type Peer } from './client-connection';
import { Deadline } from './deadline';
import { newExchange, type ProxyExchange as Exchange } from './proxy-exchange';
import { GatheredOut } from './gathered-out';

/** Above this many bytes waiting for the client, the upstream is paused (bounded memory). */
const HIGH_WATER = 1024 * 1024;
const ESTABLISHED = Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n', 'latin1');
const ESTABLISHED_HEAD: ResponseHead = {
  version: 'HTTP/1.1',
  status: 200,
  reason: 'Connection Established',
  headers: [],
};

export type ProxyMode =
  /** Every request goes to `upstream`; `host` replaces the Host field when set. */
  { kind: 'reverse'; upstream: UpstreamAddress; host: string | null } | { kind: 'forward' };

/**
 * Takes over a CONNECT tunnel once it is established (HTTPS interception): `client` is the
 * client's side (bytes already recorded on this connection), or false to tunnel it untouched.
 */
export type TunnelTakeover = (
  target: { host: string; port: number },
  connectionId: string,
) => ((client: TunnelEnd) => void) | null;

/** The client's side of an established tunnel, as handed to a takeover. */
export interface TunnelEnd {
  /**
   * Bytes to the client (recorded as this connection's `data` out, through the write-ahead rule).
   * False when enough waits for the client already: hold further bytes until `onDrain`.
   */
  write(bytes: Uint8Array): boolean;
  /** Called once, when what waits for the client has gone down (after `write` said false). */
  onDrain(listener: () => void): void;
  /** Where the client's connection comes from (for the decrypted connection's record). */
  peer: Peer;
  end(): void;
  /** Called with the bytes the client sends through the tunnel. */
  onData(listener: (bytes: Uint8Array) => void): void;
  onEnd(listener: () => void): void;
  pause(): void;
  resume(): void;
}

export type { Peer };

export interface ProxyContext extends ClientConnectionContext {
  limits: ServerLimits;
  mode: ProxyMode;
  pool: UpstreamPool;
  /** How long the upstream has to begin its response (default 60 s), else 504. */
  responseTimeoutMs?: number;
  takeover?: TunnelTakeover;
  /** Rules answer matching requests instead of the upstream (or forward them with edits). */
  responder?: Responder;
}

export class ProxyConnection extends ClientConnection {
  private readonly ctx: ProxyContext;
  private readonly conversation: ServerConversation;
  private exchange: Exchange | null = null;
  /** Actions of a pipelined request read while one is in flight (copied). */
  private stash: ServerAction[] = [];
  private pausedForUpstream = false;
  /** While an upstream chunk is read: what it gives the client. */
  private readonly gathered = new GatheredOut();
  /** A tunnel's taker waiting for the client to catch up. */
  private drainWaiters: (() => void)[] = [];
  /**
   * The head's deadline (from a request's first byte), the upstream's answer (from the request
   * going upstream) and the idle one (between requests) never overlap.
   */
  private readonly deadline = new Deadline<'idle' | 'head' | 'response'>((kind) =>
    this.deadlinePassed(kind),
  );
  /** Where the current exchange's upstream socket reports (one for the connection's life). */
  private readonly upstreamListener: UpstreamListener = {
    data: (chunk) => this.upstreamData(chunk),
    end: () => this.upstreamEnd(),
    close: () => this.upstreamClosed(),
    drain: () => this.resumeClient(),
  };

  constructor(socket: Socket, ctx: ProxyContext) {
    super(socket, ctx);
    this.ctx = ctx;
    this.conversation = new ServerConversation({
      limits: {
        maxHeadBytes: ctx.limits.maxHeadBytes,
        maxTargetLength: ctx.limits.maxTargetLength,
        maxBodyBytes: ctx.limits.maxBodyBytes,
      },
      isValidHost: isValidHostValue,
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.onClose());
    socket.on('drain', () => this.maybeResumeUpstream());
    this.deadline.set('idle', Date.now() + ctx.limits.idleTimeoutMs);
  }

  override destroy(reason: CloseReason): void {
    if (this.exchange !== null) this.dropUpstream(this.exchange);
    super.destroy(reason);
  }

  protected override written(): void {
    this.maybeResumeUpstream();
  }

  // ---- From the client ----

  private onData(chunk: Buffer): void {
    this.received(chunk, Date.now());
    if (this.closing && this.exchange?.tunnel !== true) return;
    this.setActivity('busy');
    this.act(this.conversation.receive(chunk));
  }

  private onEnd(): void {
    this.clientEnded = true;
    const exchange = this.exchange;
    if (exchange?.tunnel === true) {
      if (exchange.takeoverEnd !== null) exchange.takeoverEnd();
      else if (exchange.upstream !== null) exchange.upstream.end();
      return;
    }
    this.act(this.conversation.end());
    this.closing = true;
    if (this.exchange === null) this.finishClose();
  }

  private act(actions: ServerAction[]): void {
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i]!;
      const current = this.exchange;
      const throughTunnel =
        action.type === 'tunnel' && current !== null && (current.connect || current.upgrade);
      if (!throughTunnel && (this.stash.length > 0 || current?.requestDone === true)) {
        this.stash.push(copyAction(action));
        this.socket.pause();
        continue;
      }
      switch (action.type) {
        case 'begin':
          this.deadline.set('head', Date.now() + this.ctx.limits.headerTimeoutMs);
          break;
        case 'head':
          this.deadline.clear();
          this.beginExchange(action.index, action.head);
          break;
        case 'body':
          this.requestBody(action.data);
          break;
        case 'continue':
          // The body is on its way upstream as it comes: ask for it at once.
          this.sendOut(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1'));
          break;
        case 'request':
          this.requestComplete(action);
          break;
        case 'reject':
          this.reject(action);
          break;
        case 'truncated':
          this.ctx.emit({
            type: 'protocolError',
            connectionId: this.id,
            index: action.index,
            time: Date.now(),
            requestOffset: action.requestOffset,
            error: action.error,
          });
          if (this.exchange !== null) this.dropUpstream(this.exchange);
          this.exchange = null;
          break;
        case 'tunnel':
          this.tunnelIn(action.data);
          break;
        case 'close':
          this.closing = true;
          if (action.error) this.closeReason = 'error';
          break;
        default:
          break;
      }
    }
  }

  private reject(action: Extract<ServerAction, { type: 'reject' }>): void {
    const { error, head } = action;
    this.ctx.emit({
      type: 'protocolError',
      connectionId: this.id,
      index: action.index,
      time: Date.now(),
      requestOffset: action.requestOffset,
      error,
      ...(head !== null && head.method !== null
        ? {
            head: {
              method: head.method,
              target: head.target,
              version: head.version === '' ? null : head.version,
              headers: fieldPairs(head.fields),
            },
          }
        : {}),
    });
    this.closeReason = 'error';
    this.closing = true;
    if (error.status === 0) {
      this.endSocket();
      return;
    }
    const { bytes, head: answer } = errorResponse(
      error.status,
      `${error.reason} (${error.code} at byte ${error.offset} of this connection).`,
    );
    this.answerLocally(action.index, bytes, answer);
    this.endSocket();
  }

  /** A response the proxy makes itself (an error), recorded and sent. */
  private answerLocally(
    index: number,
    bytes: Uint8Array,
    head: ResponseHead,
    ruleId: string | null = null,
  ): void {
    const start = this.bytesOut;
    this.sendOut(bytes);
    this.flushOut();
    this.ctx.emit({
      type: 'response',
      connectionId: this.id,
      index,
      time: Date.now(),
      span: { offset: start, length: bytes.length },
      head,
      ruleId,
      deviations: NO_DEVIATIONS,
      ending: COMPLETE,
    });
  }

  private beginExchange(index: number, head: MessageHead): void {
    const method = head.method ?? 'GET';
    const target = head.target ?? '/';
    const exchange = newExchange(index, method, head);
    this.exchange = exchange;
    let delayMs = 0;
    if (!exchange.connect && !exchange.upgrade) {
      const rule = this.ctx.responder?.match(method, targetPath(target)) ?? null;
      if (rule !== null) {
        exchange.ruleId = rule.id;
        exchange.edits = streamedEdits(rule);
        // The body is held for the rule, which answers once the request is complete.
        if (exchange.edits === null) {
          exchange.rule = rule;
          return;
        }
        delayMs = rule.delayMs;
      }
    }
    const mode = this.ctx.mode;
    let sendTarget = target;
    let host: string | null = null;
    if (mode.kind === 'reverse') {
      exchange.address = mode.upstream;
      host = mode.host;
    } else if (exchange.connect) {
      const authority = parseAuthority(target, 443);
      if (authority === null) {
        this.failExchange(400, 'PROXY_BAD_TARGET', `CONNECT needs host:port, not ${target}.`);
        return;
      }
      exchange.address = { host: authority.host, port: authority.port, tls: false };
      // A CONNECT has no body: the tunnel opens when the request completes.
      return;
    } else {
      const absolute = parseAbsolute(target);
      if (absolute === null) {
        this.failExchange(
          400,
          'PROXY_BAD_TARGET',
          `This is a forward proxy: it needs an absolute URL (http://host/path) or CONNECT host:port, not ${target}.`,
        );
        return;
      }
      exchange.address = { host: absolute.host, port: absolute.port, tls: absolute.tls };
      sendTarget = absolute.path;
    }
    const fields = fieldPairs(head.fields);
    const built = requestHead({
      method,
      target: sendTarget,
      fields: exchange.edits === null ? fields : editFields(fields, exchange.edits.request),
      framing: head.framing,
      host,
      upgrade: exchange.upgrade,
    });
    exchange.framingUp = built.framing;
    exchange.headText = built.text;
    exchange.waiting.push(built.text);
    if (delayMs > 0) this.delayUpstream(exchange, delayMs);
    else this.connectUpstream(exchange, exchange.upgrade);
  }

  /** A rule's delay: the request goes upstream after it; what the client sends meanwhile waits. */
  private delayUpstream(exchange: Exchange, ms: number): void {
    this.socket.pause();
    setTimeout(() => {
      if (this.exchange !== exchange || this.socket.destroyed || exchange.failure !== null) return;
      this.connectUpstream(exchange, false);
    }, ms);
  }

  private connectUpstream(exchange: Exchange, own: boolean): void {
    const address = exchange.address!;
    const pool = this.ctx.pool;
    const idle = own ? null : pool.take(address);
    if (idle !== null) {
      this.attach(exchange, idle);
      return;
    }
    // Until the upstream is there, what the client sends waits (at most one read: it is paused).
    this.socket.pause();
    void pool.open(address).then((lease) => this.attach(exchange, lease));
  }

  /** The exchange lets go of its upstream connection, closed: its events go nowhere from now on. */
  private dropUpstream(exchange: Exchange): void {
    exchange.lease?.listen(null);
    exchange.lease = null;
    exchange.upstream?.destroy();
    exchange.upstream = null;
  }

  private attach(exchange: Exchange, lease: Lease | UpstreamFailure): void {
    if (this.exchange !== exchange || this.socket.destroyed) {
      if ('socket' in lease) lease.socket.destroy();
      return;
    }
    if (!('socket' in lease)) {
      const status = lease.code === 'UPSTREAM_TIMEOUT' ? 504 : 502;
      this.failExchange(status, lease.code, lease.message);
      return;
    }
    exchange.upstream = lease.socket;
    exchange.lease = lease;
    exchange.reused = lease.reused;
    if (exchange.connect) {
      this.openTunnel(exchange, lease);
      return;
    }
    exchange.reply = new ClientConversation(EMPTY, { methods: [exchange.method], body: 'stream' });
    lease.listen(this.upstreamListener);
    for (const bytes of exchange.waiting) this.writeUp(exchange, bytes);
    exchange.waiting = [];
    this.deadline.set('response', Date.now() + (this.ctx.responseTimeoutMs ?? 60_000));
    this.resumeClient();
  }

  /** Bytes for the upstream (a string is the head, latin1). */
  private writeUp(exchange: Exchange, bytes: Uint8Array | string): void {
    if (exchange.failure !== null) return;
    const upstream = exchange.upstream;
    if (upstream === null) {
      exchange.waiting.push(
        typeof bytes === 'string' ? bytes : Uint8Array.prototype.slice.call(bytes),
      );
      return;
    }
    if (typeof bytes !== 'string') exchange.sentBody += bytes.length;
    if (!upstream.destroyed && !writeTo(upstream, bytes)) this.socket.pause();
  }

  private resumeClient(): void {
    const exchange = this.exchange;
    if (this.stash.length > 0 || this.socket.destroyed) return;
    if (exchange !== null && exchange.upstream === null && exchange.failure === null) return;
    if (exchange?.upstream?.writableNeedDrain === true) return;
    this.socket.resume();
  }

  private requestBody(data: Uint8Array): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    if (exchange.bodyKept) {
      if (exchange.bodyHeld + data.length > this.ctx.limits.maxBodyInMemoryBytes) {
        exchange.bodyKept = false;
        exchange.bodyParts = [];
      } else {
        exchange.bodyParts.push(Uint8Array.prototype.slice.call(data));
        exchange.bodyHeld += data.length;
      }
    }
    if (exchange.rule !== null) return;
    for (const piece of framePiece(exchange.framingUp, data)) this.writeUp(exchange, piece);
  }

  private requestComplete(action: Extract<ServerAction, { type: 'request' }>): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    exchange.requestDone = true;
    exchange.keepAlive = action.keepAlive;
    if (exchange.framingUp === 'chunked') this.writeUp(exchange, LAST_CHUNK);
    const { head } = action;
    const end = action.span.offset + action.span.length;
    const body =
      exchange.bodyKept && exchange.bodyParts.length > 0 ? concatBytes(exchange.bodyParts) : EMPTY;
    exchange.bodyParts = [];
    this.ctx.emit({
      type: 'request',
      connectionId: this.id,
      index: action.index,
      time: Date.now(),
      span: action.span,
      head: {
        method: head.method ?? '',
        target: head.target ?? '',
        version: head.version,
        headers: fieldPairs(head.fields),
      },
      body,
      bodyInStream: exchange.bodyKept
        ? undefined
        : {
            span: { offset: head.headEnd, length: end - head.headEnd },
            length: action.bodyLength,
          },
    });
    if (exchange.rule !== null) {
      this.answerByRule(exchange, exchange.rule, head, exchange.bodyKept ? body : null);
      return;
    }
    if (exchange.connect && exchange.address !== null && exchange.failure === null) {
      const takeover = this.ctx.takeover?.(exchange.address, this.id) ?? null;
      if (takeover !== null) this.takeOver(exchange, takeover);
      else this.connectUpstream(exchange, true);
      return;
    }
    if (exchange.failure !== null) {
      this.deliverFailure(exchange);
      return;
    }
    if (exchange.responseDone) this.finishExchange(exchange);
  }

  /** A rule answers (or forwards with edits, holds, fails): its answer goes out in the exchange's place. */
  private answerByRule(
    exchange: Exchange,
    rule: ResponderRule,
    head: MessageHead,
    body: Uint8Array | null,
  ): void {
    const request = {
      method: head.method ?? 'GET',
      target: head.target ?? '/',
      versionMajor: head.versionMajor,
      versionMinor: head.versionMinor,
      keepAlive: exchange.keepAlive,
      connectionId: this.id,
      headers: fieldPairs(head.fields),
      body,
    };
    const answered = this.ctx.responder!.answerRule(rule, request, proxyRoute(this.ctx.mode));
    void Promise.resolve(answered)
      .then(async (prepared) => {
        if (prepared.delayMs > 0) await new Promise((done) => setTimeout(done, prepared.delayMs));
        return prepared;
      })
      .then((prepared) => this.sendRuled(exchange, prepared));
  }

  private sendRuled(exchange: Exchange, prepared: PreparedResponse): void {
    if (this.exchange !== exchange || this.socket.destroyed) return;
    if (prepared.notice !== null) this.notice(prepared.notice);
    if (prepared.closeReason !== undefined) this.closeReason = prepared.closeReason;
    if (prepared.reset === true) {
      this.exchange = null;
      this.closing = true;
      this.ctx.writeAhead.afterWrite(() => this.socket.resetAndDestroy());
      return;
    }
    if (prepared.bytes.length === 0) {
      this.exchange = null;
      this.closing = true;
      this.endSocket();
      return;
    }
    const start = this.bytesOut;
    this.sendOut(prepared.bytes);
    this.flushOut();
    this.ctx.emit({
      type: 'response',
      connectionId: this.id,
      index: exchange.index,
      time: Date.now(),
      span: { offset: start, length: prepared.bytes.length },
      head: prepared.head ?? prepared.reading?.head ?? null,
      ruleId: prepared.ruleId,
      deviations: prepared.reading?.deviations ?? NO_DEVIATIONS,
      ending: prepared.reading?.ending ?? COMPLETE,
    });
    exchange.responseDone = true;
    exchange.closeDown = prepared.close;
    this.finishExchange(exchange);
  }

  // ---- From the upstream ----

  private upstreamData(chunk: Buffer): void {
    const exchange = this.exchange;
    if (exchange === null || exchange.failure !== null) return;
    if (exchange.tunnel) {
      this.sendOut(chunk);
      return;
    }
    // What one chunk gives the client (a head and its body, say) goes out as one piece: one
    // `data` event, one record, one write.
    this.gathered.begin();
    try {
      this.reply(exchange, exchange.reply!.receive(chunk));
    } finally {
      const rest = this.gathered.end();
      if (rest !== null) this.emitOut(rest.offset, rest.bytes);
    }
  }

  private reply(exchange: Exchange, actions: ClientAction[]): void {
    for (const action of actions) {
      if (this.exchange !== exchange || exchange.failure !== null) return;
      switch (action.type) {
        case 'head': {
          if (action.interim) break;
          this.deadline.clear('response');
          const head = action.head;
          const upgraded = head.status === 101 && exchange.upgrade;
          let status = head.status ?? 502;
          let reason = head.reason ?? '';
          let fields = fieldPairs(head.fields);
          let framing = upgraded ? 'none' : head.framing;
          const edits = exchange.edits?.response;
          if (edits !== undefined) {
            fields = editFields(fields, edits);
            if (edits.status !== null) {
              status = edits.status;
              reason = reasonPhrase(status);
              ({ fields, framing } = restatus(fields, framing, status, exchange.method === 'HEAD'));
            }
          }
          const built = responseHead({
            status,
            reason,
            fields,
            framing,
            clientMinor: exchange.clientMinor,
            close: !exchange.keepAlive && !upgraded,
          });
          exchange.framingDown = built.framing;
          exchange.closeDown = built.close || (exchange.upgrade && !upgraded);
          exchange.responseHead = { version: 'HTTP/1.1', status, reason, headers: built.fields };
          exchange.headSent = true;
          exchange.responseStart = this.bytesOut;
          this.sendText(built.text);
          if (upgraded) {
            exchange.tunnel = true;
            this.emitResponse(exchange);
          }
          break;
        }
        case 'body':
          // A head that announces no body (a rule's 204 or 304) gets none of the upstream's.
          if (exchange.framingDown === 'none') break;
          for (const piece of framePiece(exchange.framingDown, action.data)) this.sendOut(piece);
          break;
        case 'response':
          if (action.interim || exchange.tunnel) break;
          if (exchange.framingDown === 'chunked') this.sendOut(LAST_CHUNK);
          exchange.responseDone = true;
          exchange.upstreamKeepAlive = action.message.head.keepAlive;
          if (exchange.requestDone) this.finishExchange(exchange);
          break;
        case 'tunnel':
          this.sendOut(action.data);
          break;
        case 'error':
          if (!exchange.headSent) {
            this.failExchange(
              502,
              'UPSTREAM_NOT_HTTP',
              `The upstream ${where(exchange)} answered bytes that are not HTTP: ${action.error.reason} (byte ${action.error.offset}).`,
            );
          } else {
            this.abort(
              exchange,
              `The upstream ${where(exchange)} sent a broken response body: ${action.error.reason}.`,
            );
          }
          return;
        default:
          break;
      }
    }
  }

  private upstreamEnd(): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    if (exchange.tunnel) {
      if (exchange.takeover === null) this.endSocket();
      return;
    }
    if (exchange.responseDone || exchange.failure !== null) return;
    this.reply(exchange, exchange.reply!.end());
  }

  private upstreamClosed(): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    this.deadline.clear('response');
    if (exchange.tunnel) {
      if (exchange.takeover === null) this.endSocket();
      return;
    }
    if (exchange.responseDone || exchange.failure !== null) return;
    if (!exchange.headSent) {
      // A kept-alive connection the upstream had closed meanwhile: try once more on a new one,
      // when nothing of a body was sent on it.
      if (exchange.reused && exchange.sentBody === 0 && !exchange.upgrade) {
        this.dropUpstream(exchange);
        exchange.reused = false;
        exchange.waiting = [exchange.headText];
        this.connectUpstream(exchange, true);
        return;
      }
      this.failExchange(
        502,
        'UPSTREAM_RESET',
        `The upstream ${where(exchange)} closed the connection without answering.`,
      );
      return;
    }
    this.abort(
      exchange,
      `The upstream ${where(exchange)} closed the connection in the middle of its response.`,
    );
  }

  /** The response already began and cannot become a 502: the client's connection is cut. */
  private abort(exchange: Exchange, text: string): void {
    exchange.ending = { state: 'truncated', missing: null };
    this.dropUpstream(exchange);
    this.notice({ key: 'proxy.upstreamCut', text, params: { detail: text } });
    this.emitResponse(exchange);
    this.exchange = null;
    this.closeReason = 'error';
    this.closing = true;
    // What arrived is written, then the connection ends: the client sees the body cut short.
    this.endSocket();
  }

  /** Answers the request with `status` instead of the upstream (once the request is complete). */
  private failExchange(status: number, code: string, text: string): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    this.deadline.clear('response');
    this.dropUpstream(exchange);
    exchange.waiting = [];
    const { bytes, head } = errorResponse(status, text, [['X-Socketscope-Proxy-Error', code]]);
    exchange.failure = { bytes, head };
    this.notice({
      key: 'proxy.upstreamFailed',
      text: `${text} The client got ${status}.`,
      params: { detail: text, status },
    });
    // The rest of the request is read (and recorded) but goes nowhere.
    this.socket.resume();
    if (exchange.requestDone) this.deliverFailure(exchange);
  }

  private deliverFailure(exchange: Exchange): void {
    const failure = exchange.failure!;
    this.answerLocally(exchange.index, failure.bytes, failure.head, exchange.ruleId);
    this.exchange = null;
    this.closing = true;
    this.endSocket();
  }

  private finishExchange(exchange: Exchange): void {
    this.emitResponse(exchange);
    const lease = exchange.lease;
    if (lease !== null) {
      exchange.lease = null;
      exchange.upstream = null;
      if (exchange.upstreamKeepAlive && exchange.address !== null && !exchange.upgrade) {
        this.ctx.pool.release(exchange.address, lease);
      } else {
        lease.listen(null);
        lease.socket.destroy();
      }
    }
    this.exchange = null;
    this.pausedForUpstream = false;
    if (exchange.closeDown || !exchange.keepAlive) this.closing = true;
    if (this.closing) {
      this.endSocket();
      return;
    }
    const stash = this.stash;
    this.stash = [];
    if (stash.length > 0) this.act(stash);
    if (this.exchange === null && this.stash.length === 0) {
      if (this.clientEnded) {
        this.endSocket();
        return;
      }
      this.setActivity('idle');
      this.deadline.set('idle', Date.now() + this.ctx.limits.idleTimeoutMs);
      this.socket.resume();
    }
  }

  private emitResponse(exchange: Exchange): void {
    if (exchange.responseStart < 0) return;
    this.flushOut();
    this.ctx.emit({
      type: 'response',
      connectionId: this.id,
      index: exchange.index,
      time: Date.now(),
      span: { offset: exchange.responseStart, length: this.bytesOut - exchange.responseStart },
      head: exchange.responseHead,
      ruleId: exchange.ruleId,
      deviations: NO_DEVIATIONS,
      ending: exchange.ending,
    });
    exchange.responseStart = -1;
  }

  // ---- Tunnels (CONNECT) ----

  private openTunnel(exchange: Exchange, lease: Lease): void {
    exchange.tunnel = true;
    exchange.responseStart = this.bytesOut;
    exchange.responseHead = ESTABLISHED_HEAD;
    this.sendOut(ESTABLISHED);
    this.emitResponse(exchange);
    lease.listen(this.upstreamListener);
    for (const bytes of exchange.waiting) writeTo(lease.socket, bytes);
    exchange.waiting = [];
    this.resumeClient();
  }

  /** The tunnel is established here and its bytes handed to `takeover` (interception). */
  private takeOver(exchange: Exchange, takeover: (client: TunnelEnd) => void): void {
    exchange.tunnel = true;
    exchange.responseStart = this.bytesOut;
    exchange.responseHead = ESTABLISHED_HEAD;
    this.sendOut(ESTABLISHED);
    this.emitResponse(exchange);
    let onData: (bytes: Uint8Array) => void = () => undefined;
    let onEnd: () => void = () => undefined;
    exchange.takeover = (bytes) => onData(bytes);
    exchange.takeoverEnd = () => onEnd();
    takeover({
      write: (bytes) => {
        this.sendOut(Uint8Array.prototype.slice.call(bytes));
        return this.out.waiting <= HIGH_WATER;
      },
      onDrain: (listener) => {
        this.drainWaiters.push(listener);
        this.maybeResumeUpstream();
      },
      end: () => this.endSocket(),
      onData: (listener) => (onData = listener),
      onEnd: (listener) => (onEnd = listener),
      pause: () => this.socket.pause(),
      resume: () => this.socket.resume(),
      peer: {
        remoteAddress: this.socket.remoteAddress ?? '',
        remotePort: this.socket.remotePort ?? 0,
        localPort: this.socket.localPort ?? 0,
      },
    });
  }

  private tunnelIn(data: Uint8Array): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    if (exchange.takeover !== null) {
      exchange.takeover(data);
      return;
    }
    this.writeUp(exchange, data);
  }

  // ---- To the client ----

  /**
   * Bytes for the client: recorded as `data` out and sent through the write-ahead rule, or, while
   * an upstream chunk is read, gathered (counted in bytesOut already) until `flushOut`.
   */
  private sendOut(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.out.ended) return;
    const offset = this.bytesOut;
    this.bytesOut += bytes.length;
    if (this.gathered.active) this.gathered.add(bytes, offset);
    else this.emitOut(offset, bytes);
  }

  /** A head for the client, as latin1 text: gathered as it is, or sent as its bytes. */
  private sendText(text: string): void {
    if (!this.gathered.active || text.length === 0 || this.out.ended) {
      this.sendOut(Buffer.from(text, 'latin1'));
      return;
    }
    this.gathered.add(text, this.bytesOut);
    this.bytesOut += text.length;
  }

  /** Records and sends what was gathered, as one piece (before anything refers to its bytes). */
  private flushOut(): void {
    const piece = this.gathered.take();
    if (piece !== null) this.emitOut(piece.offset, piece.bytes);
  }

  private emitOut(offset: number, bytes: Uint8Array): void {
    this.ctx.emit({
      type: 'data',
      connectionId: this.id,
      direction: 'out',
      offset,
      bytes,
      time: Date.now(),
    });
    this.out.send(bytes);
    if (this.out.waiting > HIGH_WATER) {
      const upstream = this.exchange?.upstream;
      if (upstream != null && !this.pausedForUpstream) {
        this.pausedForUpstream = true;
        upstream.pause();
      }
    }
  }

  private maybeResumeUpstream(): void {
    if (!this.pausedForUpstream && this.drainWaiters.length === 0) return;
    if (this.out.waiting > HIGH_WATER / 2) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
    if (!this.pausedForUpstream) return;
    this.pausedForUpstream = false;
    this.exchange?.upstream?.resume();
  }

  private notice(message: Message): void {
    this.ctx.emit({ type: 'notice', level: 'warn', message });
  }

  // ---- Ending ----

  protected endSocket(): void {
    this.flushOut();
    if (this.out.end()) this.deadline.stop();
  }

  private finishClose(): void {
    this.closeReason ??= 'client';
    this.endSocket();
  }

  private onClose(): void {
    this.deadline.stop();
    const exchange = this.exchange;
    if (exchange !== null) {
      this.dropUpstream(exchange);
      if (exchange.responseStart >= 0) {
        exchange.ending = { state: 'truncated', missing: null };
        this.emitResponse(exchange);
      }
      this.exchange = null;
    }
    this.closed();
  }

  private deadlinePassed(kind: 'idle' | 'head' | 'response'): void {
    if (kind === 'idle') this.idleOut();
    else if (kind === 'head') this.headTimeout();
    else this.responseTimeout();
  }

  private responseTimeout(): void {
    const exchange = this.exchange;
    if (exchange === null || exchange.headSent || exchange.responseDone) return;
    this.failExchange(
      504,
      'UPSTREAM_TIMEOUT',
      `The upstream ${where(exchange)} did not begin its response within ${this.ctx.responseTimeoutMs ?? 60_000} ms.`,
    );
  }

  private idleOut(): void {
    if (this.exchange !== null) return;
    this.closeReason ??= 'idle-timeout';
    this.closing = true;
    this.endSocket();
  }

  private headTimeout(): void {
    if (this.exchange !== null || this.out.ended) return;
    const reason = `The request head did not arrive within ${this.ctx.limits.headerTimeoutMs} ms`;
    const index = this.conversation.requestIndex;
    const offset = this.conversation.requestOffset;
    this.ctx.emit({
      type: 'protocolError',
      connectionId: this.id,
      index,
      time: Date.now(),
      requestOffset: offset >= 0 ? offset : this.bytesIn,
      error: { code: 'TIMEOUT', offset: this.bytesIn, reason, status: 408 },
    });
    const { bytes, head } = errorResponse(408, `${reason}.`);
    this.answerLocally(index, bytes, head);
    this.closeReason = 'header-timeout';
    this.closing = true;
    this.endSocket();
  }
}

const EMPTY = new Uint8Array(0);

function where(exchange: Exchange): string {
  const address = exchange.address;
  return address === null ? '' : `${address.host}:${address.port}`;
}

/** Bytes to an upstream socket; a string is a head (latin1), written without a Buffer made for it. */
function writeTo(socket: Socket, bytes: Uint8Array | string): boolean {
  return typeof bytes === 'string' ? socket.write(bytes, 'latin1') : socket.write(bytes);
}

/** An action kept past its read: its views copied. */
function copyAction(action: ServerAction): ServerAction {
  if (action.type === 'body' || action.type === 'tunnel') {
    return { ...action, data: Uint8Array.prototype.slice.call(action.data) };
  }
  return action;
}
