// One accepted socket: every received chunk is reported first, then handed to the server
// conversation (engine/server-conversation.ts), which decides what the bytes mean; this class keeps
// the socket, the response slots (answers go out in request order, those produced by one read in
// one write) and the deadlines.

import type { Socket } from 'node:net';
import type { MessageHead, PartialHead } from '../engine/message';
import { fieldPairs } from '../engine/message';
import { concatBytes, decodeLatin1 } from '../engine/bytes';
import { isValidHostValue } from '../engine/target';
import {
  ServerConversation,
  type ConversationError,
  type ServerAction,
} from '../engine/server-conversation';
import type { ParseErrorInfo, ServerLimits } from '../protocol/types';
import type { ResponseHead } from './events';
import { COMPLETE, NO_DEVIATIONS } from './events';
import { ClientConnection, type ClientConnectionContext } from './client-connection';
import { Deadline } from './deadline';
import {
  errorResponse,
  type PreparedResponse,
  type Responder,
  type ResponderRequest,
  type SentReading,
} from './responder';

export { TLS_REASON } from '../engine/server-conversation';

/** What a 503 for an unrecordable request asks the client to wait. */
const RETRY_AFTER_SECONDS = 5;
const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** After the server ends its side, how long it waits for the client to close. */
/** Tutorial-exact reads as the naive exercise does: one recv(1024), then its answer. */
const TUTORIAL_READ = 1024;
const EMPTY = new Uint8Array(0);
/** The pieces of a response that is not streamed: none, ever. */
const NO_PIECES: Uint8Array[] = [];

interface Slot {
  index: number;
  ready: boolean;
  bytes: Uint8Array;
  head: ResponseHead | null;
  ruleId: string | null;
  close: boolean;
  /** An interim 100 Continue: no `response` event. */
  interim: boolean;
  /** How a browser reads the bytes (rules, tutorial-exact); absent: conformant. */
  reading?: SentReading;
  /** A streamed response: `pending` holds what arrived and is not written yet; ready = ended. */
  streaming: boolean;
  pending: Uint8Array[];
  /** Where its first byte went in the outbound stream (-1 until then). */
  start: number;
}

/**
 * A response whose bytes arrive in pieces (a proxy's upstream, say): they are written as they
 * come, in request order: pipelined answers after it wait until it ends.
 */
export interface StreamedResponse {
  /** Called once, at once: write through `sink`, then end it. */
  stream(sink: ResponseSink): void;
}

export interface ResponseSink {
  /** The next bytes of the response (copied: the caller may reuse them). */
  write(bytes: Uint8Array): void;
  /** The response is complete; `close` ends the connection after it. */
  end(done: { head: ResponseHead | null; ruleId: string | null; close: boolean }): void;
}

/** What answers a request: the responder (rules, default site), or a handler that streams. */
export interface RequestHandler {
  respond(
    request: ResponderRequest,
  ): PreparedResponse | Promise<PreparedResponse> | StreamedResponse;
  /**
   * Called instead of `respond` as soon as a request's head is read, before its body (a proxy
   * forwards the head at once): the body follows through `body`, and the answer may start
   * before the body ends.
   */
  forward?(request: ForwardedRequest, sink: ResponseSink): void;
}

/** A request handed on at its head: the body's pieces follow as they arrive. */
export interface ForwardedRequest {
  index: number;
  head: MessageHead;
  body: {
    /** Each decoded body piece (a view, valid during the call), then the end. */
    onData: ((data: Uint8Array) => void) | null;
    onEnd: (() => void) | null;
    /** The request will not complete (refused, cut short, or the connection closed). */
    onAbort: ((reason: string) => void) | null;
  };
}

export type { Activity } from './client-connection';

export interface ConnectionContext extends ClientConnectionContext {
  limits: ServerLimits;
  responder: Responder;
  /** Answers requests in the responder's place: one that streams (a proxy, say). */
  handler?: RequestHandler;
}

export class CaptureConnection extends ClientConnection {
  private readonly ctx: ConnectionContext;
  private readonly conversation: ServerConversation;
  /** Tutorial-exact: the first TUTORIAL_READ bytes, the only ones the exercise reads. */
  private naiveRead: Uint8Array | null = null;

  // The body of the request being read, each byte copied at most once: views while the read lasts
  // (a body that arrives in one read is never copied); when the read ends with the body still
  // arriving, into `bodyBuffer` if its length is declared, else as copied parts.
  private bodyBuffer: Uint8Array | null = null;
  /** The declared Content-Length of the body being read (0 for chunked). */
  private bodyDeclared = 0;
  private bodyParts: Uint8Array[] = [];
  private bodyViewsFrom = 0;
  private bodyHeld = 0;
  /** False once the body is over the in-memory bound: it stays in the session's inbound data. */
  private bodyKept = true;
  private headEnd = 0;
  private bodyStartedAt = 0;
  private headStartedAt = 0;
  private headOffset = 0;

  private readonly queue: Slot[] = [];
  /** The request being handed on as it arrives (a forwarding handler), until its body ends. */
  private forwarded: { request: ForwardedRequest; slot: Slot } | null = null;

  private readonly deadline = new Deadline<'idle' | 'head' | 'body'>((kind, now) =>
    this.deadlinePassed(kind, now),
  );
  private readonly delays = new Set<NodeJS.Timeout>();

  constructor(socket: Socket, ctx: ConnectionContext) {
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
    this.deadline.set('idle', Date.now() + ctx.limits.idleTimeoutMs);
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    const before = this.bytesIn;
    this.received(chunk, now);
    if (this.closing) return;
    this.setActivity('busy');
    if (before < TUTORIAL_READ && this.ctx.responder.tutorialExact) this.keepNaive(chunk, before);
    this.act(this.conversation.receive(chunk), now);
    // Its 1024 bytes read and still no request answered: the exercise answers anyway.
    if (this.naiveRead !== null && this.bytesIn >= TUTORIAL_READ && !this.closing) {
      this.answerNaively(this.naiveRead);
    }
    this.afterReceive();
  }

  private act(actions: ServerAction[], now: number): void {
    for (let i = 0; i < actions.length && !this.closing; i++) {
      const action = actions[i]!;
      switch (action.type) {
        case 'begin':
          this.headStartedAt = now;
          this.headOffset = action.offset;
          // The whole head must arrive within the limit: a byte-by-byte client does not extend it.
          this.deadline.set('head', now + this.ctx.limits.headerTimeoutMs);
          break;
        case 'head':
          this.beginBody(action.head, now);
          this.forward(action.index, action.head);
          break;
        case 'body':
          this.keepBody(action.data);
          this.forwarded?.request.body.onData?.(action.data);
          break;
        case 'continue': {
          // Before the final answer, even when that answer's slot was made at the head.
          const interim = newSlot(action.index, CONTINUE, null, false, true);
          const at = this.forwarded === null ? -1 : this.queue.indexOf(this.forwarded.slot);
          if (at >= 0) this.queue.splice(at, 0, interim);
          else this.queue.push(interim);
          break;
        }
        case 'request':
          this.completeRequest(action, now);
          break;
        case 'reject':
          this.abortForwarded(action.error.reason);
          if (action.error.status === 0) this.refuseSilently(action.error, action.requestOffset);
          else this.failRequest(action.index, action.error, action.requestOffset, now, action.head);
          break;
        case 'truncated':
          this.abortForwarded(action.error.reason);
          // A request cut short cannot be answered; report it without a response.
          this.protocolError(action.index, action.error, action.requestOffset, now);
          break;
        case 'close':
          this.closing = true;
          if (action.error) this.closeReason = 'error';
          break;
        default:
          // Tunnel bytes: this server does not tunnel; they are recorded as data all the same.
          break;
      }
    }
  }

  private beginBody(head: MessageHead, now: number): void {
    this.headEnd = head.headEnd;
    this.bodyStartedAt = now;
    if (this.bodyParts.length > 0) this.bodyParts = [];
    this.bodyViewsFrom = 0;
    this.bodyHeld = 0;
    this.bodyBuffer = null;
    this.bodyKept = true;
    this.bodyDeclared = head.framing === 'content-length' ? (head.contentLength ?? 0) : 0;
    // A body declared larger than the in-memory bound is not collected at all.
    if (this.bodyDeclared > this.ctx.limits.maxBodyInMemoryBytes) this.bodyKept = false;
    this.deadline.set('body', this.bodyDeadline());
  }

  private keepBody(data: Uint8Array): void {
    if (!this.bodyKept) return;
    const buffer = this.bodyBuffer;
    if (buffer !== null) {
      buffer.set(data, this.bodyHeld);
      this.bodyHeld += data.length;
      return;
    }
    if (this.bodyHeld + data.length > this.ctx.limits.maxBodyInMemoryBytes) {
      this.bodyKept = false;
      this.bodyParts = [];
      this.bodyViewsFrom = 0;
      this.bodyHeld = 0;
      return;
    }
    this.bodyParts.push(data);
    this.bodyHeld += data.length;
  }

  /**
   * A body gets the head timeout as a start, then must keep up the minimum rate: each byte
   * received moves the deadline by 1/rate seconds (a trickle cannot hold the connection).
   */
  private bodyDeadline(): number {
    const { headerTimeoutMs, minBytesPerSecond } = this.ctx.limits;
    const received = Math.max(0, this.bytesIn - this.headEnd);
    return this.bodyStartedAt + headerTimeoutMs + (received * 1000) / minBytesPerSecond;
  }

  private completeRequest(request: Extract<ServerAction, { type: 'request' }>, now: number): void {
    const { index, head } = request;
    const parts = this.bodyParts;
    const kept = this.bodyKept;
    const buffer = this.bodyBuffer;
    if (parts.length > 0) this.bodyParts = [];
    this.bodyViewsFrom = 0;
    this.bodyHeld = 0;
    this.bodyKept = true;
    this.bodyBuffer = null;
    let body: Uint8Array = EMPTY;
    if (kept && buffer !== null) body = buffer;
    else if (kept && parts.length > 0) body = parts.length === 1 ? parts[0]! : concatBytes(parts);
    const end = request.span.offset + request.span.length;
    const method = head.method ?? '';
    const target = head.target ?? '';
    const headers = fieldPairs(head.fields);
    this.ctx.emit({
      type: 'request',
      connectionId: this.id,
      index,
      time: now,
      span: request.span,
      head: { method, target, version: head.version, headers },
      body,
      // Always present (a spread would cost more on every request than the field does).
      bodyInStream: kept
        ? undefined
        : {
            span: { offset: head.headEnd, length: end - head.headEnd },
            length: request.bodyLength,
          },
    });
    const forwarded = this.forwarded;
    if (forwarded !== null) {
      // Already answering (its slot was made at the head): the body is complete.
      this.forwarded = null;
      this.deadline.clear();
      if (!request.keepAlive) {
        this.closing = true;
        forwarded.slot.close = true;
      }
      forwarded.request.body.onEnd?.();
      return;
    }
    if (!this.ctx.writeAhead.canKeep()) {
      this.refuseUnrecorded(index);
      return;
    }
    // Bytes after an accepted Upgrade or CONNECT are not HTTP any more: answer, then close.
    const keepAlive = request.keepAlive;
    if (!keepAlive) this.closing = true;
    const result = (this.ctx.handler ?? this.ctx.responder).respond({
      method,
      target,
      versionMajor: head.versionMajor,
      versionMinor: head.versionMinor,
      keepAlive,
      connectionId: this.id,
      headers,
      body: kept ? body : null,
    });
    const slot = newSlot(index, CONTINUE, null, !keepAlive);
    slot.ready = false;
    this.queue.push(slot);
    this.deadline.clear();
    if ('stream' in result) {
      slot.streaming = true;
      slot.pending = [];
      result.stream(this.sink(slot));
    } else if (result instanceof Promise) {
      result.then(
        (prepared) => this.fill(slot, prepared),
        (error: unknown) => this.fill(slot, this.internalError(error)),
      );
    } else {
      if (result.close) this.closing = true;
      this.fill(slot, result, true);
    }
  }

  private keepNaive(chunk: Uint8Array, before: number): void {
    const read = (this.naiveRead ??= new Uint8Array(TUTORIAL_READ));
    read.set(chunk.subarray(0, TUTORIAL_READ - before), before);
  }

  /**
   * What the exercise does with a request longer than its one read: split the 1024 bytes on
   * spaces, answer a GET for the second word, close anything else unanswered. The rest of the
   * request is still recorded, never parsed.
   */
  private answerNaively(read: Uint8Array): void {
    this.naiveRead = null;
    const words = decodeLatin1(read).split(' ');
    const prepared = this.ctx.responder.tutorialAnswer(words[0] ?? '', words[1] ?? '');
    const slot = newSlot(this.conversation.requestIndex, prepared.bytes, prepared.head, true);
    slot.ready = false;
    this.queue.push(slot);
    this.closing = true;
    this.deadline.clear();
    this.fill(slot, prepared, true);
  }

  /** The session cannot keep more: 503 with Retry-After rather than an answer nobody recorded. */
  private refuseUnrecorded(index: number): void {
    const { bytes, head } = errorResponse(
      503,
      'The capture could not be saved (the session file cannot be written and the memory queue is full), so this request was not served. Try again shortly.',
      [['Retry-After', String(RETRY_AFTER_SECONDS)]],
    );
    this.queue.push(newSlot(index, bytes, head, true));
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

  /**
   * Hands a request on at its head when the handler forwards (a proxy): its slot is made now,
   * so its answer keeps its place among pipelined ones and may start before the body ends.
   */
  private forward(index: number, head: MessageHead): void {
    const forward = this.ctx.handler?.forward;
    if (forward === undefined || !this.ctx.writeAhead.canKeep()) return;
    const slot = newSlot(index, CONTINUE, null, !head.keepAlive || head.upgrade);
    slot.ready = false;
    slot.streaming = true;
    slot.pending = [];
    this.queue.push(slot);
    const body = { onData: null, onEnd: null, onAbort: null };
    const request: ForwardedRequest = { index, head, body };
    this.forwarded = { request, slot };
    forward.call(this.ctx.handler, request, this.sink(slot));
  }

  /**
   * The forwarded request will not complete: its handler hears so, and an answer it has not
   * begun gives way to the error answer (one it has begun ends where it is).
   */
  private abortForwarded(reason: string): void {
    const forwarded = this.forwarded;
    if (forwarded === null) return;
    this.forwarded = null;
    const { slot } = forwarded;
    if (!slot.ready) {
      // Nothing of it written yet: its place (first in line since `start`) is still empty.
      if (slot.pending.length === 0 && (slot.start < 0 || slot.start === this.bytesOut)) {
        const at = this.queue.indexOf(slot);
        if (at >= 0) this.queue.splice(at, 1);
      }
      slot.ready = true;
      slot.close = true;
    }
    forwarded.request.body.onAbort?.(reason);
  }

  /** Where a streamed response's bytes go: its slot, written as soon as it is first in line. */
  private sink(slot: Slot): ResponseSink {
    return {
      write: (bytes) => {
        if (slot.ready || this.out.ended || bytes.length === 0) return;
        slot.pending.push(Uint8Array.prototype.slice.call(bytes));
        if (this.queue[0] === slot) this.flush();
      },
      end: ({ head, ruleId, close }) => {
        if (slot.ready) return;
        slot.head = head;
        slot.ruleId = ruleId;
        slot.close = slot.close || close;
        if (close) this.closing = true;
        slot.ready = true;
        this.flush();
      },
    };
  }

  /** Puts a prepared response into its slot; `batched` when the current read flushes it. */
  private fill(slot: Slot, prepared: PreparedResponse, batched = false): void {
    slot.bytes = prepared.bytes;
    slot.head = prepared.head;
    slot.ruleId = prepared.ruleId;
    slot.close = slot.close || prepared.close;
    slot.reading = prepared.reading;
    if (prepared.closeReason !== undefined) this.closeReason = prepared.closeReason;
    if (prepared.reset === true) {
      // A fail rule: no answer, a TCP RST once what came before is recorded.
      this.closing = true;
      this.ctx.writeAhead.afterWrite(() => this.socket.resetAndDestroy());
      return;
    }
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

  /** The client does not speak HTTP here (a TLS ClientHello): nothing to answer, close. */
  private refuseSilently(error: ConversationError, requestOffset: number): void {
    this.protocolError(this.conversation.requestIndex, error, requestOffset, Date.now());
    this.closeReason = 'error';
    this.closing = true;
    this.endSocket();
  }

  /** Answers a request that cannot be served with its error status, then closes. */
  private failRequest(
    index: number,
    error: ParseErrorInfo,
    requestOffset: number,
    now: number,
    read: PartialHead | null = null,
  ): void {
    this.protocolError(index, error, requestOffset, now, read);
    const where =
      error.code === 'MISSING_HOST'
        ? ''
        : ` (${error.code} at byte ${error.offset} of this connection)`;
    const limit =
      error.code === 'BODY_TOO_LARGE'
        ? ` The limit is ${this.ctx.limits.maxBodyBytes} bytes (the server's maximum body size setting, --max-body).`
        : '';
    const { bytes, head } = errorResponse(error.status, `${error.reason}${where}.${limit}`);
    this.queue.push(newSlot(index, bytes, head, true));
    this.closeReason = 'error';
    this.closing = true;
  }

  private protocolError(
    index: number,
    error: ParseErrorInfo,
    requestOffset: number,
    now: number,
    read: PartialHead | null = null,
  ): void {
    this.ctx.emit({
      type: 'protocolError',
      connectionId: this.id,
      index,
      time: now,
      requestOffset,
      error,
      // What was read before the error, so the row keeps its method and target.
      ...(read !== null && read.method !== null
        ? {
            head: {
              method: read.method,
              target: read.target,
              version: read.version === '' ? null : read.version,
              headers: fieldPairs(read.fields),
            },
          }
        : {}),
    });
  }

  private afterReceive(): void {
    // Body views are only valid until the next read: keep copies of a body still arriving.
    const parts = this.bodyParts;
    if (this.bodyViewsFrom < parts.length) {
      if (this.bodyDeclared > 0) {
        const buffer = new Uint8Array(this.bodyDeclared);
        let at = 0;
        for (const part of parts) {
          buffer.set(part, at);
          at += part.length;
        }
        this.bodyBuffer = buffer;
        this.bodyParts = [];
        this.bodyViewsFrom = 0;
      } else {
        // (Uint8Array's slice copies; a Buffer's would be another view.)
        for (let i = this.bodyViewsFrom; i < parts.length; i++) {
          parts[i] = Uint8Array.prototype.slice.call(parts[i]!);
        }
        this.bodyViewsFrom = parts.length;
      }
    }
    if (this.deadline.current === 'body') this.deadline.set('body', this.bodyDeadline());
    this.flush();
  }

  /**
   * Writes every ready response at the head of the queue in one write, and what a streamed
   * response at the head has so far (it stays first in line until it ends).
   */
  private flush(): void {
    if (this.out.ended) return;
    const start = this.bytesOut;
    let offset = start;
    let parts: Uint8Array[] | null = null;
    let first: Uint8Array | null = null;
    let closeAfter = false;
    let now = 0;
    while (this.queue.length > 0) {
      const slot = this.queue[0]!;
      if (slot.streaming) {
        if (slot.start < 0) slot.start = offset;
        for (const piece of slot.pending) {
          if (first === null) first = piece;
          else (parts ??= [first]).push(piece);
          offset += piece.length;
        }
        slot.pending = [];
        if (!slot.ready) break;
      } else {
        if (!slot.ready) break;
        slot.start = offset;
        if (first === null) first = slot.bytes;
        else (parts ??= [first]).push(slot.bytes);
        offset += slot.bytes.length;
      }
      this.queue.shift();
      // No bytes is no answer (tutorial-exact closes anything but GET so): no response.
      const length = offset - slot.start;
      if (!slot.interim && length > 0) {
        const reading = slot.reading;
        now ||= Date.now();
        this.ctx.emit({
          type: 'response',
          connectionId: this.id,
          index: slot.index,
          time: now,
          span: { offset: slot.start, length },
          // Raw bytes have no head of their own: the one a browser reads from them.
          head: slot.head ?? reading?.head ?? null,
          ruleId: slot.ruleId,
          deviations: reading?.deviations ?? NO_DEVIATIONS,
          ending: reading?.ending ?? COMPLETE,
        });
      }
      if (slot.close) {
        closeAfter = true;
        break;
      }
    }
    if (first !== null) {
      const bytes = parts === null ? first : Buffer.concat(parts);
      this.bytesOut = offset;
      this.send(bytes);
      this.ctx.emit({
        type: 'data',
        connectionId: this.id,
        direction: 'out',
        offset: start,
        bytes,
        time: now || Date.now(),
      });
    }
    if (closeAfter) {
      this.closing = true;
      this.queue.length = 0;
    }
    if (this.queue.length > 0) return;
    if (this.closing || this.clientEnded) {
      this.closeReason ??= this.clientEnded ? 'client' : 'server';
      this.endSocket();
    } else if (this.conversation.requestOffset < 0) {
      this.deadline.set('idle', Date.now() + this.ctx.limits.idleTimeoutMs);
      this.setActivity('idle');
    }
  }

  /** Hands `bytes` to the socket once the write-ahead rule allows (one write per commit). */
  private send(bytes: Uint8Array): void {
    this.out.send(bytes);
  }

  protected endSocket(): void {
    if (this.out.end()) this.deadline.stop();
  }

  private onEnd(): void {
    this.clientEnded = true;
    if (!this.closing) this.act(this.conversation.end(), Date.now());
    this.closing = true;
    if (this.out.ended) {
      // A response still waiting for the write-ahead rule ends the socket itself once written.
      if (!this.out.endingAfterSend) this.socket.destroy();
      return;
    }
    this.flush();
  }

  private onClose(): void {
    this.abortForwarded('the connection closed');
    this.deadline.stop();
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    this.closed();
  }

  private deadlinePassed(kind: 'idle' | 'head' | 'body', now: number): void {
    if (this.out.ended) return;
    if (kind === 'idle') {
      this.closeReason ??= 'idle-timeout';
      this.closing = true;
      this.endSocket();
    } else this.tooSlow(kind, now);
  }

  /** A head that did not arrive in time (slowloris), or a body under the minimum rate: 408, close. */
  private tooSlow(part: 'head' | 'body', now: number): void {
    this.abortForwarded(`the request ${part} arrived too slowly`);
    const { headerTimeoutMs, minBytesPerSecond } = this.ctx.limits;
    const since = part === 'head' ? this.headStartedAt : this.bodyStartedAt;
    const received = this.bytesIn - (part === 'head' ? this.headOffset : this.headEnd);
    const elapsed = Math.max(1, now - since);
    const rate = Math.round((received * 1000) / elapsed);
    const reason =
      part === 'head'
        ? `The request head did not arrive within ${headerTimeoutMs} ms (${received} bytes of it came, ${rate} bytes/s)`
        : `The request body arrived too slowly: ${received} bytes in ${elapsed} ms (${rate} bytes/s), under the minimum rate of ${minBytesPerSecond} bytes/s after a start of ${headerTimeoutMs} ms`;
    const index = this.conversation.requestIndex;
    const error: ParseErrorInfo = { code: 'TIMEOUT', offset: this.bytesIn, reason, status: 408 };
    const requestOffset = this.conversation.requestOffset;
    this.protocolError(index, error, requestOffset >= 0 ? requestOffset : this.bytesIn, now);
    const { bytes, head } = errorResponse(408, `${reason}.`);
    this.queue.push(newSlot(index, bytes, head, true));
    this.closeReason = part === 'head' ? 'header-timeout' : 'body-timeout';
    this.closing = true;
    this.flush();
  }
}

/** A response slot, ready (its bytes known) unless the caller says otherwise. */
function newSlot(
  index: number,
  bytes: Uint8Array,
  head: ResponseHead | null,
  close: boolean,
  interim = false,
): Slot {
  return {
    index,
    ready: true,
    bytes,
    head,
    ruleId: null,
    close,
    interim,
    streaming: false,
    pending: NO_PIECES,
    start: -1,
  };
}
