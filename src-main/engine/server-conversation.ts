// The server's side of an HTTP/1.x connection as a sans-IO conversation, in the manner of h11:
// bytes go in, actions come out. It owns the rules a server applies to what a client sends (a
// TLS ClientHello on the plain port, the version, the Host rule, 100-continue, keep-alive and
// close, the order of pipelined requests); the caller owns the socket, the response slots and
// the deadlines.
//
// It is shaped for streaming: a request's head is an action as soon as its empty line arrives,
// its body follows piece by piece (views into the received chunk, valid until the next
// `receive`), then the complete request. A proxy can forward each as it comes.

import type { AnyErrorCode } from './errors';
import { statusForError } from './errors';
import type { ParserLimits, ParserOptions, Span } from './events';
import type { AssemblyEvent, Field, MessageHead, PartialHead } from './message';
import { MessageParser } from './message-parser';
import { sameFieldName } from './semantics';

export const TLS_REASON = 'this client speaks HTTPS to an http:// port';

/** Why a request is refused: the code, where, an English reason and the status to answer. */
export interface ConversationError {
  code: AnyErrorCode;
  /** Offset in the inbound stream. */
  offset: number;
  reason: string;
  /** What to answer; 0 when nothing is answered (the client does not speak HTTP). */
  status: number;
}

export type ServerAction =
  /** A request begins at `offset` (its head is being read). */
  | { type: 'begin'; index: number; offset: number }
  /** The head is complete and acceptable: it can be acted on before the body arrives. */
  | { type: 'head'; index: number; head: MessageHead; hasBody: boolean }
  /** Decoded body bytes: a view into the received chunk, valid until the next `receive`. */
  | { type: 'body'; index: number; offset: number; data: Uint8Array }
  /** The client waits for `100 Continue` before sending the body: send it now. */
  | { type: 'continue'; index: number }
  /** The request is complete. Answer it; when `keepAlive` is false, close after the answer. */
  | {
      type: 'request';
      index: number;
      head: MessageHead;
      bodyLength: number;
      trailers: Field[];
      /** The whole request in the inbound stream. */
      span: Span;
      keepAlive: boolean;
      /** An accepted Upgrade or CONNECT: what follows are `tunnel` actions, not requests. */
      tunnel: boolean;
    }
  /**
   * The request cannot be served: answer `error.status` (nothing when 0), then close. `head` is
   * what was read of it.
   */
  | {
      type: 'reject';
      index: number;
      /** Where the refused request began (the error's offset when between requests). */
      requestOffset: number;
      error: ConversationError;
      head: PartialHead | MessageHead | null;
    }
  /** The client ended its side in the middle of a request: nothing can be answered. */
  | { type: 'truncated'; index: number; requestOffset: number; error: ConversationError }
  /** Bytes after an accepted Upgrade or CONNECT (a view, valid until the next `receive`). */
  | { type: 'tunnel'; offset: number; data: Uint8Array }
  /**
   * No more requests will be read: close once every answer before this point is written.
   * `error` when it closes because of a refused request.
   */
  | { type: 'close'; error: boolean };

export type ServerActionType = ServerAction['type'];

export interface ServerConversationOptions {
  limits?: Partial<Pick<ParserLimits, 'maxHeadBytes' | 'maxTargetLength' | 'maxBodyBytes'>>;
  /** Extra validation of a Host value (RFC 9112 §3.2); returns false for an invalid one. */
  isValidHost?: (value: string) => boolean;
}

/** What the client is in the middle of sending, for the caller's deadlines. */
export type ClientPhase = 'idle' | 'head' | 'body' | 'tunnel' | 'done';

const EMPTY = new Uint8Array(0);

function isTlsRecord(bytes: Uint8Array): boolean {
  // A TLS record: handshake (0x16), then version 3.x.
  return bytes[0] === 0x16 && bytes[1] === 0x03 && bytes[2]! <= 0x0f;
}

function isContinueExpectation(value: string): boolean {
  return value.length === 12 && value.toLowerCase() === '100-continue';
}

/** A version other than 1.x, and where it was read. */
interface VersionSeen {
  offset: number;
  major: number;
  minor: number;
  /** Where its request began. */
  messageOffset: number;
}

/**
 * The parser in message mode (no token events), noting a version this server does not speak as
 * soon as it is read, so the request is refused before the rest of its head.
 */
class RequestReader extends MessageParser {
  unsupported: VersionSeen | null = null;

  constructor(options: ParserOptions) {
    super('request', options);
  }

  // The graph passes the version token's offset (and length); MessageParser needs neither.
  protected override onVersion(offset = 0): void {
    super.onVersion();
    if (this.major !== 1 && this.unsupported === null) {
      const messageOffset = this.current?.offset ?? offset;
      this.unsupported = { offset, major: this.major, minor: this.minor, messageOffset };
    }
  }
}

/** The stream offset an event starts at (for telling which request it belongs to). */
function startOf(event: AssemblyEvent): number {
  switch (event.type) {
    case 'head':
      return event.head.offset;
    case 'message':
      return event.message.span.offset;
    case 'error':
      return event.head?.offset ?? event.error.offset;
    default:
      return event.offset;
  }
}

export class ServerConversation {
  private readonly parser: RequestReader;
  private readonly isValidHost: ((value: string) => boolean) | null;
  /** Index of the request being read (or the next one). */
  private index = 0;
  private phaseNow: ClientPhase = 'idle';
  /** The first bytes while they could still be a TLS record header. */
  private sniff: Uint8Array | null = EMPTY;
  private continueWanted = false;
  private requestStart = -1;

  constructor(options: ServerConversationOptions = {}) {
    this.parser = new RequestReader({ limits: options.limits ?? {} });
    this.isValidHost = options.isValidHost ?? null;
  }

  /** Index of the request being read, or of the next one. */
  get requestIndex(): number {
    return this.index;
  }

  /** Offset where the request being read began, or -1 between requests. */
  get requestOffset(): number {
    return this.requestStart;
  }

  get phase(): ClientPhase {
    return this.phaseNow;
  }

  /** The next bytes the client sent. */
  receive(chunk: Uint8Array): ServerAction[] {
    const out: ServerAction[] = [];
    if (this.phaseNow === 'done') return out;
    let input = chunk;
    if (this.sniff !== null) {
      const sniffed = this.sniffTls(chunk, out);
      if (sniffed === null) return out;
      input = sniffed;
    }
    this.apply(this.parser.push(input), out);
    if (this.continueWanted && this.phaseNow === 'body') {
      this.continueWanted = false;
      out.push({ type: 'continue', index: this.index });
    }
    return out;
  }

  /** The client ended its side. */
  end(): ServerAction[] {
    const out: ServerAction[] = [];
    if (this.phaseNow === 'done' || this.sniff !== null) {
      this.phaseNow = 'done';
      return out;
    }
    const events = this.parser.finish();
    const failure = events.find((event) => event.type === 'error');
    if (failure !== undefined && this.requestStart >= 0) {
      const { error } = failure;
      out.push({
        type: 'truncated',
        index: this.index,
        requestOffset: this.requestStart,
        error: { code: error.code, offset: error.offset, reason: error.reason, status: 0 },
      });
      this.phaseNow = 'done';
      return out;
    }
    this.apply(events, out);
    this.phaseNow = 'done';
    return out;
  }

  /** Returns the bytes to parse, or null while undecided or when it was TLS. */
  private sniffTls(chunk: Uint8Array, out: ServerAction[]): Uint8Array | null {
    const held = this.sniff!;
    let bytes = chunk;
    if (held.length > 0) {
      bytes = new Uint8Array(held.length + chunk.length);
      bytes.set(held);
      bytes.set(chunk, held.length);
    }
    if (bytes.length === 0) return null;
    if (bytes[0] !== 0x16) {
      this.sniff = null;
      return bytes;
    }
    if (bytes.length < 3) {
      this.sniff = bytes.slice();
      return null;
    }
    this.sniff = null;
    if (!isTlsRecord(bytes)) return bytes;
    this.refuse(out, { code: 'TLS_ON_PLAIN_PORT', offset: 0, reason: TLS_REASON, status: 0 }, 0);
    return null;
  }

  private apply(events: AssemblyEvent[], out: ServerAction[]): void {
    const unsupported = this.parser.unsupported;
    for (const event of events) {
      if (this.phaseNow === 'done') return;
      // Everything of a request whose version this server does not speak is replaced by a 505.
      if (unsupported !== null && startOf(event) >= unsupported.messageOffset) break;
      switch (event.type) {
        case 'head':
          this.head(event.head, out);
          break;
        case 'body':
          out.push({ type: 'body', index: this.index, offset: event.offset, data: event.data });
          break;
        case 'message': {
          const { message } = event;
          const tunnel = message.head.upgrade;
          const keepAlive = message.head.keepAlive && !tunnel;
          out.push({
            type: 'request',
            index: this.index++,
            head: message.head,
            bodyLength: message.bodyLength,
            trailers: message.trailers,
            span: message.span,
            keepAlive,
            tunnel,
          });
          this.requestStart = -1;
          this.continueWanted = false;
          if (tunnel) {
            this.phaseNow = 'tunnel';
          } else if (!keepAlive) {
            this.phaseNow = 'done';
            out.push({ type: 'close', error: false });
          } else {
            this.phaseNow = 'idle';
          }
          break;
        }
        case 'tunnel':
          out.push({ type: 'tunnel', offset: event.offset, data: event.data });
          break;
        case 'error': {
          const { error, head } = event;
          if (head !== null) this.begin(head.offset, out);
          this.refuse(
            out,
            { code: error.code, offset: error.offset, reason: error.reason, status: error.status },
            head?.offset ?? error.offset,
            head,
          );
          return;
        }
        default:
          break;
      }
    }
    if (this.phaseNow === 'done' || this.phaseNow === 'tunnel') return;
    if (unsupported !== null) {
      this.begin(unsupported.messageOffset, out);
      const text = `HTTP/${unsupported.major}.${unsupported.minor}`;
      this.refuse(
        out,
        {
          code: 'UNSUPPORTED_VERSION',
          offset: unsupported.offset,
          reason: `${text} is not spoken here: this server speaks HTTP/1.0 and HTTP/1.1`,
          status: statusForError('UNSUPPORTED_VERSION'),
        },
        this.requestStart,
        this.parser.current,
      );
      return;
    }
    // A request whose head is still arriving.
    const current = this.parser.current;
    if (current !== null) this.begin(current.offset, out);
  }

  /** Reports the start of the request being read, once. */
  private begin(offset: number, out: ServerAction[]): void {
    if (this.requestStart >= 0) return;
    this.requestStart = offset;
    this.phaseNow = 'head';
    out.push({ type: 'begin', index: this.index, offset });
  }

  private head(head: MessageHead, out: ServerAction[]): void {
    this.begin(head.offset, out);
    let hosts = 0;
    let host = '';
    let expectsContinue = false;
    for (const field of head.fields) {
      if (sameFieldName(field.name, 'host')) {
        hosts++;
        host = field.value;
      } else if (sameFieldName(field.name, 'expect') && isContinueExpectation(field.value)) {
        expectsContinue = true;
      }
    }
    if (head.versionMajor === 1 && head.versionMinor >= 1 && hosts !== 1) {
      const reason =
        hosts === 0
          ? 'An HTTP/1.1 request must have a Host field (RFC 9112 §3.2)'
          : 'An HTTP/1.1 request must have exactly one Host field (RFC 9112 §3.2)';
      this.refuse(out, this.hostError(reason), this.requestStart, head);
      return;
    }
    if (hosts === 1 && this.isValidHost !== null && !this.isValidHost(host)) {
      const reason = `The Host field's value ${JSON.stringify(host)} is not a valid host (RFC 9112 §3.2)`;
      this.refuse(out, this.hostError(reason), this.requestStart, head);
      return;
    }
    const hasBody =
      head.framing === 'chunked' ||
      (head.framing === 'content-length' && (head.contentLength ?? 0) > 0);
    this.phaseNow = 'body';
    this.continueWanted = expectsContinue && hasBody && head.versionMinor >= 1;
    out.push({ type: 'head', index: this.index, head, hasBody });
  }

  private hostError(reason: string): ConversationError {
    return {
      code: 'MISSING_HOST',
      offset: this.requestStart,
      reason,
      status: statusForError('MISSING_HOST'),
    };
  }

  private refuse(
    out: ServerAction[],
    error: ConversationError,
    requestOffset: number,
    head: PartialHead | MessageHead | null = null,
  ): void {
    out.push({ type: 'reject', index: this.index, requestOffset, error, head });
    out.push({ type: 'close', error: true });
    this.phaseNow = 'done';
    this.continueWanted = false;
  }
}
