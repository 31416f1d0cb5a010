// One accepted socket: every received chunk is reported first, then parsed; each parsed request
// gets its response in order, and the responses produced by one read go out in one write.

import type { Socket } from 'node:net';
import { RequestParser } from '../engine/parser';
import type { ErrorEvent, ParserEvent } from '../engine/events';
import { isValidHostValue } from '../engine/target';
import type { CloseReason, ParseErrorInfo, ServerLimits } from '../protocol/types';
import type { CaptureListener, ResponseHead, WriteAhead } from './events';
import { errorResponse, type PreparedResponse, type Responder } from './responder';

export const TLS_REASON = 'this client speaks HTTPS to an http:// port';

/** What a 503 for an unrecordable request asks the client to wait. */
const RETRY_AFTER_SECONDS = 5;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** After the server ends its side, how long it waits for the client to close. */
const LINGER_MS = 2000;

interface Slot {
  index: number;
  ready: boolean;
  bytes: Uint8Array;
  head: ResponseHead | null;
  ruleId: string | null;
  close: boolean;
  /** An interim 100 Continue: no `response` event. */
  interim: boolean;
}

type Deadline = 'none' | 'idle' | 'head' | 'body';

export interface ConnectionContext {
  id: string;
  limits: ServerLimits;
  responder: Responder;
  emit: CaptureListener;
  writeAhead: WriteAhead;
  closed: (connection: CaptureConnection) => void;
}

export class CaptureConnection {
  readonly id: string;
  private readonly socket: Socket;
  private readonly ctx: ConnectionContext;
  private readonly parser: RequestParser;
  private bytesIn = 0;
  private bytesOut = 0;
  /** Index of the request being parsed (or the next one). */
  private index = 0;

  // The request being parsed.
  private requestStart = -1;
  private method = '';
  private target = '';
  private versionMajor = 1;
  private versionMinor = 1;
  private headers: [string, string][] = [];
  private fieldName = '';
  private hostCount = 0;
  private expectContinue = false;
  private continueWanted = false;
  private bodyParts: Uint8Array[] = [];
  private bodyLength = 0;
  private keepAlive = true;
  private upgrade = false;

  private readonly queue: Slot[] = [];
  /** No more requests are parsed; the connection ends once the queue is written. */
  private closing = false;
  private ended = false;
  private clientEnded = false;
  private closeReason: CloseReason | null = null;
  private sniff: Buffer | null = null;
  private sniffing = true;

  private deadlineKind: Deadline = 'idle';
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private readonly delays = new Set<NodeJS.Timeout>();
  private lingerTimer: NodeJS.Timeout | null = null;
  /** Response bytes waiting for the write-ahead rule (everything received before is recorded). */
  private outbox: Uint8Array[] = [];
  /** The server's side ends once the outbox is written. */
  private endAfterSend = false;

  constructor(socket: Socket, ctx: ConnectionContext) {
    this.id = ctx.id;
    this.socket = socket;
    this.ctx = ctx;
    this.parser = new RequestParser({
      limits: {
        maxHeadBytes: ctx.limits.maxHeadBytes,
        maxTargetLength: ctx.limits.maxTargetLength,
        maxBodyBytes: ctx.limits.maxBodyBytes,
      },
    });
    socket.setNoDelay(true);
    ctx.emit({
      type: 'connectionOpen',
      connectionId: this.id,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
      time: Date.now(),
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (error: NodeJS.ErrnoException) => this.onError(error));
    socket.on('close', () => this.onClose());
    this.setDeadline('idle', Date.now() + ctx.limits.idleTimeoutMs);
  }

  /** Closes at once (server stopping); the close event carries `reason`. */
  destroy(reason: CloseReason): void {
    this.closeReason ??= reason;
    this.closing = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    this.ctx.emit({
      type: 'data',
      connectionId: this.id,
      direction: 'in',
      offset: this.bytesIn,
      bytes: chunk,
      time: now,
    });
    this.bytesIn += chunk.length;
    if (this.closing) return;
    let input = chunk;
    if (this.sniffing) {
      const sniffed = this.sniffTls(chunk);
      if (sniffed === null) return;
      input = sniffed;
    }
    this.deliver(this.parser.push(input), now);
    this.afterPush(now);
  }

  /**
   * A TLS record starts 0x16 0x03 0x0?: a ClientHello sent to the plain port. Returns the bytes to
   * parse, or null while undecided or when it was TLS.
   */
  private sniffTls(chunk: Buffer): Buffer | null {
    const bytes = this.sniff === null ? chunk : Buffer.concat([this.sniff, chunk]);
    if (bytes[0] !== 0x16) {
      this.sniffing = false;
      this.sniff = null;
      return bytes;
    }
    if (bytes.length < 3) {
      this.sniff = bytes;
      return null;
    }
    this.sniffing = false;
    this.sniff = null;
    if (bytes[1] === 0x03 && bytes[2]! <= 0x0f) {
      this.protocolError(
        { code: 'TLS_ON_PLAIN_PORT', offset: 0, reason: TLS_REASON, status: 0 },
        0,
        Date.now(),
      );
      this.closeReason = 'error';
      this.closing = true;
      this.endSocket();
      return null;
    }
    return bytes;
  }

  private deliver(events: ParserEvent[], now: number): void {
    for (let i = 0; i < events.length && !this.closing; i++) {
      const event = events[i]!;
      switch (event.type) {
        case 'messageBegin':
          this.beginRequest(event.offset, now);
          break;
        case 'method':
          this.method = event.value;
          break;
        case 'target':
          this.target = event.value;
          break;
        case 'version':
          this.versionMajor = event.major;
          this.versionMinor = event.minor;
          if (event.major !== 1) this.unsupportedVersion(event.offset, now);
          break;
        case 'headerName':
          if (!event.trailer) this.fieldName = event.value;
          break;
        case 'headerValue':
          if (!event.trailer) this.addField(this.fieldName, event.value);
          break;
        case 'headersComplete':
          this.headersComplete(
            event.keepAlive,
            event.upgrade,
            event.framing,
            event.contentLength,
            now,
          );
          break;
        case 'body':
          this.bodyParts.push(event.data);
          this.bodyLength += event.data.length;
          break;
        case 'messageComplete':
          this.completeRequest(event.offset + event.length, now);
          break;
        case 'error':
          this.parseError(event, now);
          break;
        default:
          break;
      }
    }
  }

  private beginRequest(offset: number, now: number): void {
    this.requestStart = offset;
    this.method = '';
    this.target = '';
    this.versionMajor = 1;
    this.versionMinor = 1;
    this.headers = [];
    this.hostCount = 0;
    this.expectContinue = false;
    this.continueWanted = false;
    this.bodyParts = [];
    this.bodyLength = 0;
    this.upgrade = false;
    // The whole head must arrive within the limit: a byte-by-byte client does not extend it.
    this.setDeadline('head', now + this.ctx.limits.headerTimeoutMs);
  }

  /** This server speaks HTTP/1.x only (RFC 9110 §15.6.6). */
  private unsupportedVersion(offset: number, now: number): void {
    const version = `HTTP/${this.versionMajor}.${this.versionMinor}`;
    const reason = `${version} is not spoken here: this server speaks HTTP/1.0 and HTTP/1.1`;
    this.failRequest({ code: 'UNSUPPORTED_VERSION', offset, reason, status: 505 }, now);
  }

  private addField(name: string, value: string): void {
    this.headers.push([name, value]);
    if (name.length === 4 && name.toLowerCase() === 'host') this.hostCount++;
    else if (
      name.length === 6 &&
      name.toLowerCase() === 'expect' &&
      value.toLowerCase() === '100-continue'
    ) {
      this.expectContinue = true;
    }
  }

  private headersComplete(
    keepAlive: boolean,
    upgrade: boolean,
    framing: string,
    contentLength: number | null,
    now: number,
  ): void {
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.setDeadline('body', now + this.ctx.limits.idleTimeoutMs);
    if (this.versionMajor === 1 && this.versionMinor >= 1 && this.hostCount !== 1) {
      const reason =
        this.hostCount === 0
          ? 'An HTTP/1.1 request must have a Host field (RFC 9112 §3.2)'
          : 'An HTTP/1.1 request must have exactly one Host field (RFC 9112 §3.2)';
      this.failRequest(
        { code: 'MISSING_HOST', offset: this.requestStart, reason, status: 400 },
        now,
      );
      return;
    }
    const host =
      this.hostCount === 1 ? this.headers.find(([n]) => n.toLowerCase() === 'host')![1] : '';
    if (!isValidHostValue(host)) {
      const reason = `The Host field's value ${JSON.stringify(host)} is not a valid host (RFC 9112 §3.2)`;
      this.failRequest(
        { code: 'MISSING_HOST', offset: this.requestStart, reason, status: 400 },
        now,
      );
      return;
    }
    const hasBody =
      framing === 'chunked' || (framing === 'content-length' && (contentLength ?? 0) > 0);
    this.continueWanted = this.expectContinue && hasBody && this.versionMinor >= 1;
  }

  private completeRequest(end: number, now: number): void {
    const index = this.index++;
    const body =
      this.bodyParts.length === 0
        ? new Uint8Array(0)
        : this.bodyParts.length === 1
          ? this.bodyParts[0]!
          : Buffer.concat(this.bodyParts, this.bodyLength);
    this.bodyParts = [];
    this.continueWanted = false;
    const head = {
      method: this.method,
      target: this.target,
      version: `HTTP/${this.versionMajor}.${this.versionMinor}`,
      headers: this.headers,
    };
    this.ctx.emit({
      type: 'request',
      connectionId: this.id,
      index,
      time: now,
      span: { offset: this.requestStart, length: end - this.requestStart },
      head,
      body,
    });
    this.requestStart = -1;
    if (!this.ctx.writeAhead.canKeep()) {
      this.refuseUnrecorded(index);
      return;
    }
    // Bytes after an accepted Upgrade or CONNECT are not HTTP any more: answer, then close.
    const keepAlive = this.keepAlive && !this.upgrade;
    if (!keepAlive) this.closing = true;
    const result = this.ctx.responder.respond({
      method: this.method,
      target: this.target,
      versionMajor: this.versionMajor,
      versionMinor: this.versionMinor,
      keepAlive,
    });
    const slot: Slot = {
      index,
      ready: false,
      bytes: CONTINUE,
      head: null,
      ruleId: null,
      close: !keepAlive,
      interim: false,
    };
    this.queue.push(slot);
    if (result instanceof Promise) {
      this.setDeadline('none', 0);
      result.then(
        (prepared) => this.fill(slot, prepared),
        (error: unknown) => this.fill(slot, this.internalError(error)),
      );
    } else {
      if (result.close) this.closing = true;
      this.fill(slot, result, true);
    }
  }

  /** The session cannot keep more: 503 with Retry-After rather than an answer nobody recorded. */
  private refuseUnrecorded(index: number): void {
    const { bytes, head } = errorResponse(
      503,
      'The capture could not be saved (the session file cannot be written and the memory queue is full), so this request was not served. Try again shortly.',
      [['Retry-After', String(RETRY_AFTER_SECONDS)]],
    );
    this.queue.push({ index, ready: true, bytes, head, ruleId: null, close: true, interim: false });
    this.closeReason = 'error';
    this.closing = true;
  }

  private internalError(error: unknown): PreparedResponse {
    const { bytes, head } = errorResponse(
      500,
      `The response could not be produced: ${String(error)}`,
    );
    return { bytes, head, ruleId: null, close: true, delayMs: 0, notice: null };
  }

  /** Puts a prepared response into its slot; `batched` when the current read flushes it. */
  private fill(slot: Slot, prepared: PreparedResponse, batched = false): void {
    slot.bytes = prepared.bytes;
    slot.head = prepared.head;
    slot.ruleId = prepared.ruleId;
    slot.close = slot.close || prepared.close;
    if (prepared.notice !== null) {
      this.ctx.emit({ type: 'notice', level: 'warn', message: prepared.notice });
    }
    if (prepared.delayMs > 0) {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        slot.ready = true;
        this.flush();
      }, prepared.delayMs);
      this.delays.add(timer);
      return;
    }
    slot.ready = true;
    if (!batched) this.flush();
  }

  private parseError(event: ErrorEvent, now: number): void {
    this.failRequest(
      { code: event.code, offset: event.offset, reason: event.reason, status: event.status },
      now,
    );
  }

  /** Answers a request that cannot be served with its error status, then closes. */
  private failRequest(error: ParseErrorInfo, now: number): void {
    const index = this.index;
    this.protocolError(error, this.requestStart >= 0 ? this.requestStart : error.offset, now);
    const where =
      error.code === 'MISSING_HOST'
        ? ''
        : ` (${error.code} at byte ${error.offset} of this connection)`;
    const { bytes, head } = errorResponse(error.status, `${error.reason}${where}.`);
    this.queue.push({ index, ready: true, bytes, head, ruleId: null, close: true, interim: false });
    this.closeReason = 'error';
    this.closing = true;
  }

  private protocolError(error: ParseErrorInfo, requestOffset: number, now: number): void {
    this.ctx.emit({
      type: 'protocolError',
      connectionId: this.id,
      index: this.index,
      time: now,
      requestOffset,
      error,
    });
  }

  private afterPush(now: number): void {
    // Body views are only valid until the next push: keep copies of a body still arriving.
    if (this.bodyParts.length > 0) {
      this.bodyParts = this.bodyParts.map((part) => Uint8Array.prototype.slice.call(part));
    }
    if (this.continueWanted && !this.closing) {
      this.continueWanted = false;
      this.queue.push({
        index: this.index,
        ready: true,
        bytes: CONTINUE,
        head: null,
        ruleId: null,
        close: false,
        interim: true,
      });
    }
    if (this.deadlineKind === 'body') this.setDeadline('body', now + this.ctx.limits.idleTimeoutMs);
    this.flush();
  }

  /** Writes every ready response at the head of the queue in one write. */
  private flush(): void {
    if (this.ended) return;
    let count = 0;
    while (count < this.queue.length && this.queue[count]!.ready) {
      if (this.queue[count]!.close) {
        count++;
        break;
      }
      count++;
    }
    if (count > 0) {
      const slots = this.queue.splice(0, count);
      const now = Date.now();
      const start = this.bytesOut;
      let offset = start;
      let closeAfter = false;
      for (const slot of slots) {
        if (!slot.interim) {
          this.ctx.emit({
            type: 'response',
            connectionId: this.id,
            index: slot.index,
            time: now,
            span: { offset, length: slot.bytes.length },
            head: slot.head,
            ruleId: slot.ruleId,
          });
        }
        offset += slot.bytes.length;
        if (slot.close) closeAfter = true;
      }
      const bytes =
        slots.length === 1 ? slots[0]!.bytes : Buffer.concat(slots.map((slot) => slot.bytes));
      this.bytesOut = offset;
      this.send(bytes);
      this.ctx.emit({
        type: 'data',
        connectionId: this.id,
        direction: 'out',
        offset: start,
        bytes,
        time: now,
      });
      if (closeAfter) {
        this.closing = true;
        this.queue.length = 0;
      }
    }
    if (this.queue.length > 0) return;
    if (this.closing || this.clientEnded) {
      this.closeReason ??= this.clientEnded ? 'client' : 'server';
      this.endSocket();
    } else if (this.requestStart < 0) {
      this.setDeadline('idle', Date.now() + this.ctx.limits.idleTimeoutMs);
    }
  }

  /** Hands `bytes` to the socket once the write-ahead rule allows (one write per commit). */
  private send(bytes: Uint8Array): void {
    this.outbox.push(bytes);
    if (this.outbox.length === 1) this.ctx.writeAhead.afterWrite(this.drain);
  }

  private readonly drain = (): void => {
    const parts = this.outbox;
    this.outbox = [];
    if (parts.length > 0 && !this.socket.destroyed) {
      this.socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    }
    if (this.endAfterSend) {
      this.endAfterSend = false;
      this.halfClose();
    }
  };

  /** Half-closes after the last write and keeps reading, so late client bytes are still recorded. */
  private endSocket(): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    if (this.outbox.length > 0) this.endAfterSend = true;
    else this.halfClose();
  }

  private halfClose(): void {
    this.socket.end();
    this.lingerTimer = setTimeout(() => this.socket.destroy(), LINGER_MS);
  }

  private onEnd(): void {
    this.clientEnded = true;
    if (!this.closing && !this.sniffing) {
      const now = Date.now();
      const events = this.parser.finish();
      const error = events.find((event): event is ErrorEvent => event.type === 'error');
      // A request cut short cannot be answered; report it without a response.
      if (error !== undefined && this.requestStart >= 0) {
        this.protocolError(
          { code: error.code, offset: error.offset, reason: error.reason, status: 0 },
          this.requestStart,
          now,
        );
      } else {
        this.deliver(events, now);
      }
    }
    this.closing = true;
    if (this.ended) {
      // A response still waiting for the write-ahead rule ends the socket itself once written.
      if (!this.endAfterSend) this.socket.destroy();
      return;
    }
    this.flush();
  }

  private onError(error: NodeJS.ErrnoException): void {
    this.closeReason ??= error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'client' : 'error';
  }

  private onClose(): void {
    this.clearTimers();
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    this.ctx.emit({
      type: 'connectionClose',
      connectionId: this.id,
      time: Date.now(),
      reason: this.closeReason ?? 'client',
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
    });
    this.ctx.closed(this);
  }

  // ---- Timers: one per connection, re-armed lazily when a deadline moves later. ----

  private setDeadline(kind: Deadline, at: number): void {
    this.deadlineKind = kind;
    this.deadline = at;
    if (kind === 'none' || this.ended) return;
    if (this.timer !== null && this.timerAt <= at) return;
    this.arm(at);
  }

  private arm(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = null;
    if (this.deadlineKind === 'none' || this.ended) return;
    const now = Date.now();
    if (now < this.deadline) {
      this.arm(this.deadline);
      return;
    }
    if (this.deadlineKind === 'head') {
      this.headerTimeout(now);
    } else {
      this.closeReason ??= 'idle-timeout';
      this.closing = true;
      this.endSocket();
    }
  }

  /** The head did not arrive in time (slowloris): 408, then close. */
  private headerTimeout(now: number): void {
    const limit = this.ctx.limits.headerTimeoutMs;
    const reason = `The request head did not arrive within ${limit} ms`;
    const error: ParseErrorInfo = { code: 'TIMEOUT', offset: this.bytesIn, reason, status: 408 };
    this.protocolError(error, this.requestStart >= 0 ? this.requestStart : this.bytesIn, now);
    const { bytes, head } = errorResponse(408, `${reason}.`);
    this.queue.push({
      index: this.index,
      ready: true,
      bytes,
      head,
      ruleId: null,
      close: true,
      interim: false,
    });
    this.closeReason = 'header-timeout';
    this.closing = true;
    this.flush();
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.deadlineKind = 'none';
  }
}
