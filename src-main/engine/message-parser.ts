// The parser in message mode: the same graph as the token mode (parser-core.ts), whose output
// hooks build messages directly instead of token events. Each push returns what a
// MessageAssembler with the same body mode returns for the token events of the same push: a
// head when its empty line ends it, then in 'stream' mode (the default) body pieces as views
// into the pushed chunk (valid until the next push), or in 'collect' mode the body kept with the
// message; the complete message with its trailers, tunnel bytes, or an error with the partial
// head. No token event is made; tests/engine/message-parser.test.ts checks the equality.
import type { BodyFraming, ErrorCode, MessageKind, ParserOptions, Span } from './events';
import { copyBytes } from './bytes';
import { emptyHead, ownBody } from './message';
import type {
  AssembledStream,
  AssemblerOptions,
  AssemblyEvent,
  Field,
  MessageHead,
  PartialHead,
  ReadOptions,
} from './message';
import { ParserGraph } from './parser-core';

/**
 * A field line as message mode reads it: one object per field, whose spans are made when they
 * are read (most consumers only read name and value). It is a `Field` in every other way, and
 * JSON gives the plain shape.
 */
export class ParsedField implements Field {
  name: string;
  value: string;
  nameOffset: number;
  nameLength: number;
  valueOffset: number;
  valueLength: number;
  /** The line's start is the name's; its end grows as the line is read. */
  lineLength: number;

  constructor(
    name: string,
    nameOffset: number,
    nameLength: number,
    value: string,
    valueOffset: number,
    valueLength: number,
    lineLength: number,
  ) {
    this.name = name;
    this.value = value;
    this.nameOffset = nameOffset;
    this.nameLength = nameLength;
    this.valueOffset = valueOffset;
    this.valueLength = valueLength;
    this.lineLength = lineLength;
  }

  get nameSpan(): Span {
    return { offset: this.nameOffset, length: this.nameLength };
  }

  get valueSpan(): Span {
    return { offset: this.valueOffset, length: this.valueLength };
  }

  get line(): Span {
    return { offset: this.nameOffset, length: this.lineLength };
  }

  toJSON(): Field {
    return plainField(this);
  }
}

/** A field as a plain object (for deep comparison, structured clone or JSON). */
export function plainField(field: Field): Field {
  return {
    name: field.name,
    value: field.value,
    nameSpan: field.nameSpan,
    valueSpan: field.valueSpan,
    line: field.line,
  };
}

interface Draft {
  head: PartialHead;
  complete: MessageHead | null;
  /** The field line whose line end is not yet known. */
  open: ParsedField | null;
  openValue: boolean;
  trailers: Field[];
  /** 'collect' mode: the body's pieces; those from `viewsFrom` on are views of this push. */
  parts: Uint8Array[];
  viewsFrom: number;
  bodyLength: number;
}

/** `HTTP/x.y` by 10x + y, made once. */
const VERSIONS = Array.from({ length: 100 }, (_, v) => `HTTP/${Math.floor(v / 10)}.${v % 10}`);
const EMPTY_BODY = new Uint8Array(0);

export class MessageParser extends ParserGraph {
  private readonly messageKind: MessageKind;
  private out: AssemblyEvent[] = [];
  private draft: Draft | null = null;
  private readonly collect: boolean;

  constructor(kind: MessageKind, options: ParserOptions = {}, assembly: AssemblerOptions = {}) {
    super(kind === 'request', options);
    this.messageKind = kind;
    this.collect = assembly.body === 'collect';
  }

  /** The head of the message being read, or null between messages. */
  get current(): PartialHead | MessageHead | null {
    return this.draft?.complete ?? this.draft?.head ?? null;
  }

  push(chunk: Uint8Array): AssemblyEvent[] {
    if (this.failed) return [];
    const out: AssemblyEvent[] = [];
    this.out = out;
    this.parse(chunk);
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

  finish(): AssemblyEvent[] {
    const out: AssemblyEvent[] = [];
    this.out = out;
    this.end();
    return out;
  }

  override reset(): void {
    super.reset();
    this.draft = null;
  }

  protected onBegin(offset: number): void {
    this.draft = {
      head: emptyHead(this.messageKind, offset),
      complete: null,
      open: null,
      openValue: false,
      trailers: [],
      parts: [],
      viewsFrom: 0,
      bodyLength: 0,
    };
  }

  protected onToken(type: 'method' | 'target' | 'reason', _o: number, _l: number, value: string) {
    const draft = this.draft;
    if (draft === null) return;
    if (type === 'method') draft.head.method = value;
    else if (type === 'target') draft.head.target = value;
    else draft.head.reason = value;
  }

  protected onVersion(): void {
    const draft = this.draft;
    if (draft === null) return;
    draft.head.version =
      VERSIONS[this.major * 10 + this.minor] ?? `HTTP/${this.major}.${this.minor}`;
    draft.head.versionMajor = this.major;
    draft.head.versionMinor = this.minor;
  }

  protected onStatus(_offset: number, code: number): void {
    if (this.draft !== null) this.draft.head.status = code;
  }

  protected onField(
    type: 'headerName' | 'headerValue',
    offset: number,
    length: number,
    value: string,
  ): void {
    const draft = this.draft;
    if (draft === null) return;
    if (type === 'headerName') {
      this.closeLine(draft, offset);
      // The start line ends where the first field line begins.
      if (draft.complete === null) draft.head.startLineEnd ??= offset;
      draft.open = new ParsedField(value, offset, length, '', offset + length, 0, length);
      draft.openValue = false;
      return;
    }
    const field = draft.open;
    if (field === null) return;
    field.value = value;
    draft.openValue = true;
    field.valueOffset = offset;
    field.valueLength = length;
    field.lineLength = offset + length - field.nameOffset;
  }

  protected override onFieldLine(
    nameOffset: number,
    nameLength: number,
    name: string,
    valueOffset: number,
    valueLength: number,
    value: string,
    lineEnd: number,
  ): void {
    const draft = this.draft;
    if (draft === null) return;
    if (draft.open !== null) this.closeLine(draft, nameOffset);
    const field = new ParsedField(
      name,
      nameOffset,
      nameLength,
      value,
      valueOffset,
      valueLength,
      lineEnd - nameOffset,
    );
    if (draft.complete === null) {
      draft.head.startLineEnd ??= nameOffset;
      draft.head.fields.push(field);
    } else draft.trailers.push(field);
  }

  protected onHead(
    offset: number,
    length: number,
    framing: BodyFraming,
    contentLength: number | null,
    keepAlive: boolean,
    upgrade: boolean,
  ): void {
    const draft = this.draft;
    if (draft === null) return;
    this.closeLine(draft, offset);
    const head = draft.head;
    head.startLineEnd ??= offset;
    // Spelled out rather than spread: a spread of the draft head is the slowest step here.
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
      headEnd: offset + length,
      framing,
      contentLength,
      keepAlive,
      upgrade,
    };
    draft.complete = complete;
    this.out.push({ type: 'head', head: complete });
  }

  protected pushBody(chunk: Uint8Array, i: number, n: number, base: number): void {
    const draft = this.draft;
    if (draft === null) return;
    draft.bodyLength += n;
    const data = chunk.subarray(i, i + n);
    if (this.collect) draft.parts.push(data);
    else this.out.push({ type: 'body', offset: base + i, data });
  }

  protected onChunkHeader(): void {}

  protected onExtension(): void {}

  protected onChunkComplete(offset: number): void {
    // After the last chunk this is the empty line that ends the trailer section.
    if (this.draft !== null) this.closeLine(this.draft, offset);
  }

  protected onComplete(at: number): void {
    const draft = this.draft;
    if (draft === null) return;
    this.closeLine(draft, at);
    this.draft = null;
    const complete = draft.complete;
    if (complete === null) return;
    this.out.push({
      type: 'message',
      message: {
        head: complete,
        body: ownBody(draft),
        bodyLength: draft.bodyLength,
        trailers: draft.trailers,
        span: { offset: draft.head.offset, length: at - draft.head.offset },
      },
    });
  }

  protected onTunnel(offset: number, data: Uint8Array): void {
    this.out.push({ type: 'tunnel', offset, data });
  }

  protected onError(code: ErrorCode, offset: number, reason: string, status: number): void {
    const draft = this.draft;
    if (draft !== null && draft.complete === null) {
      if (draft.open === null) {
        // A line the fast path closed, and no name after it: its line ends where its value does,
        // as a line whose end was never seen.
        const last = draft.head.fields.at(-1);
        if (last instanceof ParsedField) {
          last.lineLength = last.valueOffset + last.valueLength - last.nameOffset;
        }
      } else if (draft.openValue) draft.head.fields.push(draft.open);
    }
    this.out.push({
      type: 'error',
      error: { type: 'error', offset, length: 0, code, reason, status },
      head: draft?.complete ?? draft?.head ?? null,
      body: draft === null ? EMPTY_BODY : ownBody(draft),
    });
    this.draft = null;
  }

  /** The line being read ends where the next begins, at `next`. */
  private closeLine(draft: Draft, next: number): void {
    const field = draft.open;
    if (field === null) return;
    draft.open = null;
    field.lineLength = next - field.nameOffset;
    if (draft.complete === null) draft.head.fields.push(field);
    else draft.trailers.push(field);
  }
}

/**
 * Parses and assembles every message in `bytes` (one push), each body kept with its message: the
 * parser in message mode, which gives what the token events assembled give.
 */
export function readMessages(
  kind: MessageKind,
  bytes: Uint8Array,
  options: ReadOptions = {},
): AssembledStream {
  // The parser reads only its own options: no copy without `final` and `limit` (an object rest
  // costs more than parsing a short message).
  const final = options.final ?? false;
  const limit = options.limit ?? Infinity;
  const result: AssembledStream = { messages: [], error: null, incomplete: null };
  const parser = new MessageParser(kind, options, { body: 'collect' });
  const take = (events: AssemblyEvent[]): boolean => {
    for (const event of events) {
      if (event.type === 'message') {
        result.messages.push(event.message);
        if (result.messages.length >= limit) return false;
      } else if (event.type === 'error') {
        result.error = { error: event.error, head: event.head, body: event.body };
        return false;
      }
    }
    return true;
  };
  let going: boolean;
  try {
    going = take(parser.push(bytes));
    if (going && final) going = take(parser.finish());
  } catch {
    // The parser never throws by contract; should it, what was assembled still stands.
    going = false;
  }
  if (going) result.incomplete = parser.current;
  return result;
}
