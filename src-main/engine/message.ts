// One message assembler over the parser's token events: a head as soon as the empty line ends it,
// the body either collected or handed on as it arrives, then the complete message; or an error
// with whatever head was read. Every consumer that needs messages rather than tokens uses this.
//
// Feed it the events of one parser push at a time (`push`). Body events are views into the
// pushed chunk; in 'collect' mode a message's body is always memory of its own: the views of a
// push that ends with the body incomplete are copied, and the pieces are joined once when the
// message completes (a body that arrives in one push is copied once). In 'stream' mode it keeps
// no body at all and passes each piece on (a view, valid until the next parser push), so memory
// stays bounded however long the body is.

import type {
  BodyFraming,
  ErrorEvent,
  MessageKind,
  ParserEvent,
  ParserOptions,
  Span,
} from './events';
import { concatBytes, copyBytes } from './bytes';
import { sameFieldName } from './semantics';

/** One field line: name and value as decoded by the parser, with their byte spans. */
export interface Field {
  name: string;
  value: string;
  /** Span of the name. */
  nameSpan: Span;
  /** Span of the value, surrounding whitespace excluded. */
  valueSpan: Span;
  /**
   * The whole field line, its line end included. Until the next line starts (a partial head),
   * it ends with the value.
   */
  line: Span;
}

/** What is known of a head before it completes (an error may stop it anywhere). */
export interface PartialHead {
  kind: MessageKind;
  /** Offset of the message's first byte. */
  offset: number;
  /** Requests only. */
  method: string | null;
  target: string | null;
  /** e.g. `HTTP/1.1`; '' until the version token has been read. */
  version: string;
  versionMajor: number;
  versionMinor: number;
  /** Responses only. */
  status: number | null;
  reason: string | null;
  /** One past the start line's line end; null until the start line is complete. */
  startLineEnd: number | null;
  fields: Field[];
}

/** A complete head: framing decided (RFC 9112 §6.3). */
export interface MessageHead extends PartialHead {
  /** One past the empty line: the first body byte. */
  headEnd: number;
  framing: BodyFraming;
  contentLength: number | null;
  keepAlive: boolean;
  /** Upgrade or CONNECT accepted: the bytes after this message are tunnel bytes. */
  upgrade: boolean;
}

export interface AssembledMessage {
  head: MessageHead;
  /** The decoded body (chunk framing removed); empty in 'stream' mode. */
  body: Uint8Array;
  /** Decoded body bytes, in either mode. */
  bodyLength: number;
  trailers: Field[];
  /** The whole message: head, body, chunk framing and trailers. */
  span: Span;
}

export type AssemblyEvent =
  | { type: 'head'; head: MessageHead }
  /** 'stream' mode only: a view into the pushed chunk, valid until the next parser push. */
  | { type: 'body'; offset: number; data: Uint8Array }
  | { type: 'message'; message: AssembledMessage }
  /** Bytes after an accepted Upgrade/CONNECT (a view, valid until the next parser push). */
  | { type: 'tunnel'; offset: number; data: Uint8Array }
  /**
   * `head` is null when the error falls between messages (data after close); `body` holds the
   * body bytes read before it ('collect' mode).
   */
  | { type: 'error'; error: ErrorEvent; head: PartialHead | MessageHead | null; body: Uint8Array };

export interface AssemblerOptions {
  /** 'collect' (default) keeps the body for the message; 'stream' passes it on as it arrives. */
  body?: 'collect' | 'stream';
}

interface Draft {
  head: PartialHead;
  complete: MessageHead | null;
  /** Field lines whose line end is not yet known wait here. */
  open: Field | null;
  /** The open field's value has been read (a field cut before its value is left out). */
  openValue: boolean;
  trailers: Field[];
  parts: Uint8Array[];
  /** How many of `parts` are views into the current push (still to be copied if it ends). */
  viewsFrom: number;
  bodyLength: number;
}

export class MessageAssembler {
  private readonly kind: MessageKind;
  private readonly stream: boolean;
  private draft: Draft | null = null;
  private failed = false;

  constructor(kind: MessageKind, options: AssemblerOptions = {}) {
    this.kind = kind;
    this.stream = options.body === 'stream';
  }

  /** True once an error was assembled: the parser reports nothing more. */
  get stopped(): boolean {
    return this.failed;
  }

  /** The head of the message being read, or null between messages. */
  get current(): PartialHead | MessageHead | null {
    return this.draft?.complete ?? this.draft?.head ?? null;
  }

  /** Assembles the events of one parser push (or of finish()). */
  push(events: readonly ParserEvent[]): AssemblyEvent[] {
    const out: AssemblyEvent[] = [];
    for (let i = 0; i < events.length && !this.failed; i++) this.event(events[i]!, out);
    const draft = this.draft;
    if (draft !== null && draft.viewsFrom < draft.parts.length) {
      // The views die with this push: keep copies of a body still arriving.
      for (let i = draft.viewsFrom; i < draft.parts.length; i++) {
        draft.parts[i] = copyBytes(draft.parts[i]!);
      }
      draft.viewsFrom = draft.parts.length;
    }
    return out;
  }

  private event(event: ParserEvent, out: AssemblyEvent[]): void {
    const draft = this.draft;
    switch (event.type) {
      case 'messageBegin':
        this.draft = newDraft(this.kind, event.offset);
        return;
      case 'tunnel':
        out.push({ type: 'tunnel', offset: event.offset, data: event.data });
        return;
      case 'error':
        this.failed = true;
        if (draft?.open && draft.openValue && draft.complete === null) {
          draft.head.fields.push(draft.open);
        }
        out.push({
          type: 'error',
          error: event,
          head: draft?.complete ?? draft?.head ?? null,
          body: draft === null ? new Uint8Array(0) : ownBody(draft),
        });
        this.draft = null;
        return;
      default:
        break;
    }
    if (draft === null) return;
    const head = draft.head;
    switch (event.type) {
      case 'method':
        head.method = event.value;
        break;
      case 'target':
        head.target = event.value;
        break;
      case 'version':
        head.version = `HTTP/${event.major}.${event.minor}`;
        head.versionMajor = event.major;
        head.versionMinor = event.minor;
        break;
      case 'status':
        head.status = event.code;
        break;
      case 'reason':
        head.reason = event.value;
        break;
      case 'headerName':
        this.closeLine(draft, event.offset);
        // The start line ends where the first field line begins.
        if (draft.complete === null) head.startLineEnd ??= event.offset;
        draft.open = {
          name: event.value,
          value: '',
          nameSpan: { offset: event.offset, length: event.length },
          valueSpan: { offset: event.offset + event.length, length: 0 },
          line: { offset: event.offset, length: event.length },
        };
        draft.openValue = false;
        break;
      case 'headerValue': {
        const field = draft.open;
        if (field === null) break;
        field.value = event.value;
        draft.openValue = true;
        field.valueSpan = { offset: event.offset, length: event.length };
        field.line.length = event.offset + event.length - field.line.offset;
        break;
      }
      case 'headersComplete': {
        this.closeLine(draft, event.offset);
        head.startLineEnd ??= event.offset;
        // Written out rather than spread: a spread with added properties is several times
        // slower here, on the path of every request the server reads.
        const complete: MessageHead = {
          kind: head.kind,
          offset: head.offset,
          method: head.method,
          target: head.target,
          version: head.version,
          versionMajor: head.versionMajor,
          versionMinor: head.versionMinor,
          status: head.status,
          reason: head.reason,
          startLineEnd: head.startLineEnd,
          fields: head.fields,
          headEnd: event.offset + event.length,
          framing: event.framing,
          contentLength: event.contentLength,
          keepAlive: event.keepAlive,
          upgrade: event.upgrade,
        };
        draft.complete = complete;
        out.push({ type: 'head', head: complete });
        break;
      }
      case 'body':
        draft.bodyLength += event.length;
        if (this.stream) out.push({ type: 'body', offset: event.offset, data: event.data });
        else draft.parts.push(event.data);
        break;
      case 'chunkComplete':
        // After the last chunk this is the empty line that ends the trailer section.
        this.closeLine(draft, event.offset);
        break;
      case 'messageComplete': {
        this.closeLine(draft, event.offset);
        const complete = draft.complete;
        this.draft = null;
        if (complete === null) break;
        const end = event.offset + event.length;
        out.push({
          type: 'message',
          message: {
            head: complete,
            body: ownBody(draft),
            bodyLength: draft.bodyLength,
            trailers: draft.trailers,
            span: { offset: head.offset, length: end - head.offset },
          },
        });
        break;
      }
      default:
        break;
    }
  }

  /** The line being read ends where the next begins, at `next`. */
  private closeLine(draft: Draft, next: number): void {
    const field = draft.open;
    if (field === null) return;
    draft.open = null;
    field.line.length = next - field.line.offset;
    if (draft.complete === null) draft.head.fields.push(field);
    else draft.trailers.push(field);
  }
}

/** Where a collected body's pieces wait: those from `viewsFrom` on are views of this push. */
export interface BodyDraft {
  parts: Uint8Array[];
  viewsFrom: number;
}

const EMPTY_BODY = new Uint8Array(0);

/** The body, in memory of its own (a view would die with the caller's chunk). */
export function ownBody(draft: BodyDraft): Uint8Array {
  const parts = draft.parts;
  if (parts.length === 0) return EMPTY_BODY;
  if (parts.length === 1) return draft.viewsFrom === 0 ? copyBytes(parts[0]!) : parts[0]!;
  return concatBytes(parts);
}

/** A head with nothing read yet, for a message that begins at `offset`. */
export function emptyHead(kind: MessageKind, offset: number): PartialHead {
  return {
    kind,
    offset,
    method: null,
    target: null,
    version: '',
    versionMajor: 0,
    versionMinor: 0,
    status: null,
    reason: null,
    startLineEnd: null,
    fields: [],
  };
}

function newDraft(kind: MessageKind, offset: number): Draft {
  return {
    head: emptyHead(kind, offset),
    complete: null,
    open: null,
    openValue: false,
    trailers: [],
    parts: [],
    viewsFrom: 0,
    bodyLength: 0,
  };
}

// ---- Whole buffers ----

export interface AssembledStream {
  /** Every complete message, in order. */
  messages: AssembledMessage[];
  /** The parser's error, with the head it interrupted. */
  error: { error: ErrorEvent; head: PartialHead | MessageHead | null; body: Uint8Array } | null;
  /** A message begun but not complete when the bytes ran out (only without `final`). */
  incomplete: PartialHead | MessageHead | null;
}

export interface ReadOptions extends ParserOptions {
  /** The bytes are the whole stream: finish() the parser (truncation becomes an error). */
  final?: boolean;
  /** Stop after this many complete messages. */
  limit?: number;
}

/** The value of the first field named `name` (any case), or null. */
export function fieldValue(fields: readonly Field[], name: string): string | null {
  for (const field of fields) if (sameFieldName(field.name, name)) return field.value;
  return null;
}

/** The fields as `[name, value]` pairs, in order. */
export function fieldPairs(fields: readonly Field[]): [string, string][] {
  return fields.map((field) => [field.name, field.value]);
}
