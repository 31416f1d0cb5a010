// Byte annotations for the byte view: every byte of a stream belongs to exactly one span, with a
// kind, an explanation key and its RFC section. Built from the parser's events (the parser is the
// only thing that decides what a byte is); the bytes between event spans are the SP, colon, OWS
// and CRLF glue, classified here by what precedes them.

import type { ErrorCode, ParserEvent, ParserOptions } from './events';
import { RequestParser, ResponseParser } from './parser';
import { coalesceEvents } from './serialize';
import { EXPLAINED_FIELDS, explanations } from './explanations';
import { PARSER_ERROR_CODES, errorExplanationKey } from './errors';

export type SpanKind =
  | 'method'
  | 'sp'
  | 'request-target'
  | 'version'
  | 'status-code'
  | 'reason-phrase'
  | 'crlf'
  | 'lf'
  | 'field-name'
  | 'colon'
  | 'ows'
  | 'field-value'
  | 'empty-line'
  | 'body'
  | 'chunk-size'
  | 'chunk-extension'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'last-chunk'
  | 'trailer-field-name'
  | 'trailer-field-value'
  | 'tunnel'
  | 'invalid'
  | 'unparsed';

export interface Annotation {
  offset: number;
  length: number;
  kind: SpanKind;
  /** Key into `explanations`. */
  key: string;
  /** RFC section that defines this part, e.g. "RFC 9112 §2.1". */
  rfc: string;
  /** Which message of a keep-alive or pipelined stream (0, 1, 2…). */
  messageIndex: number;
  /** Lower-case field name, for field names, values and their glue. */
  field?: string;
  /** The error code, on the `invalid` span. */
  error?: ErrorCode;
  /** Where the parser raised the error, on the `invalid` span (it starts at the interrupted token). */
  errorOffset?: number;
}

export interface AnnotateOptions extends ParserOptions {
  /** Treat the bytes as the whole stream: end-of-stream errors become an `invalid` span. */
  final?: boolean;
}

const EXPLAINED_FIELD_SET = new Set(EXPLAINED_FIELDS);

/** A field's explanation key: its own when the catalogue has one, else its family's or `header.other`. */
export function fieldKey(lowerName: string): string {
  if (EXPLAINED_FIELD_SET.has(lowerName)) return `header.${lowerName}`;
  if (lowerName.startsWith('sec-fetch-')) return 'header.sec-fetch';
  if (lowerName.startsWith('sec-ch-')) return 'header.sec-ch';
  return 'header.other';
}

interface Leaf {
  offset: number;
  length: number;
  kind: SpanKind;
  key: string;
  field?: string;
  error?: ErrorCode;
  errorOffset?: number;
}

function targetKey(target: string, method: string | null): string {
  if (method === 'CONNECT') return 'request-target.authority';
  if (target === '*') return 'request-target.asterisk';
  if (target.startsWith('/')) return 'request-target.origin';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return 'request-target.absolute';
  return 'request-target.other';
}

function versionKey(major: number, minor: number): string {
  if (major === 1 && minor === 1) return 'version.1.1';
  if (major === 1 && minor === 0) return 'version.1.0';
  return 'version';
}

function statusKey(code: number): string {
  const klass = Math.floor(code / 100);
  return klass >= 1 && klass <= 5 ? `status-code.${klass}xx` : 'status-code';
}

/** Turns events into non-overlapping leaf spans (in stream order) plus message start offsets. */
function leavesOf(events: readonly ParserEvent[]): {
  leaves: Leaf[];
  starts: number[];
  error: Leaf | null;
} {
  const leaves: Leaf[] = [];
  const starts: number[] = [];
  let method: string | null = null;
  let field: string | undefined;
  let chunked = false;
  /** After a message's headersComplete, field lines are trailers. */
  let trailers = false;
  let lastChunkSeen = false;
  let error: Leaf | null = null;
  for (const event of events) {
    switch (event.type) {
      case 'messageBegin':
        starts.push(event.offset);
        method = null;
        chunked = false;
        trailers = false;
        lastChunkSeen = false;
        break;
      case 'method':
        method = event.value;
        leaves.push({ offset: event.offset, length: event.length, kind: 'method', key: 'method' });
        break;
      case 'target':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'request-target',
          key: targetKey(event.value, method),
        });
        break;
      case 'version':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'version',
          key: versionKey(event.major, event.minor),
        });
        break;
      case 'status':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'status-code',
          key: statusKey(event.code),
        });
        break;
      case 'reason':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'reason-phrase',
          key: 'reason-phrase',
        });
        break;
      case 'headerName':
        field = event.value.toLowerCase();
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: trailers ? 'trailer-field-name' : 'field-name',
          key: trailers ? 'trailer' : fieldKey(field),
          field,
        });
        break;
      case 'headerValue':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: trailers ? 'trailer-field-value' : 'field-value',
          key: trailers ? 'trailer' : fieldKey(field ?? ''),
          field,
        });
        break;
      case 'headersComplete':
        field = undefined;
        trailers = true;
        chunked = event.framing === 'chunked';
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'empty-line',
          key: event.length === 1 ? 'empty-line.lf' : 'empty-line',
        });
        break;
      case 'body':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: chunked ? 'chunk-data' : 'body',
          key: chunked ? 'chunk-data' : 'body',
        });
        break;
      case 'chunkHeader':
        if (event.size === 0) {
          lastChunkSeen = true;
          leaves.push({
            offset: event.sizeOffset,
            length: event.sizeLength,
            kind: 'last-chunk',
            key: 'last-chunk',
          });
        } else {
          leaves.push({
            offset: event.sizeOffset,
            length: event.sizeLength,
            kind: 'chunk-size',
            key: 'chunk-size',
          });
        }
        break;
      case 'chunkExtensionName':
      case 'chunkExtensionValue':
        leaves.push({
          offset: event.offset,
          length: event.length,
          kind: 'chunk-extension',
          key: 'chunk-extension',
        });
        break;
      case 'chunkComplete':
        leaves.push(
          lastChunkSeen
            ? { offset: event.offset, length: event.length, kind: 'empty-line', key: 'chunked.end' }
            : { offset: event.offset, length: event.length, kind: 'chunk-crlf', key: 'chunk-crlf' },
        );
        break;
      case 'tunnel':
        leaves.push({ offset: event.offset, length: event.length, kind: 'tunnel', key: 'tunnel' });
        break;
      case 'error':
        error = {
          offset: event.offset,
          length: 0,
          kind: 'invalid',
          key: errorExplanationKey(event.code),
          error: event.code,
        };
        break;
      case 'messageComplete':
        field = undefined;
        break;
    }
    if (error) break;
  }
  leaves.sort((a, b) => a.offset - b.offset);
  return { leaves, starts, error };
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

function isHexDigit(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x46) ||
    (byte >= 0x61 && byte <= 0x66)
  );
}

/**
 * Classifies the glue bytes in [start, end) by the leaf before them (and, for a chunk-size line
 * the parser did not finish, by the extension after them).
 */
function glue(
  bytes: Uint8Array,
  start: number,
  end: number,
  previous: Leaf | null,
  tail: boolean,
  nextKind?: SpanKind,
): Leaf[] {
  const out: Leaf[] = [];
  const prevKind = previous?.kind;
  const unfinishedChunkLine =
    nextKind === 'chunk-extension' &&
    prevKind !== 'chunk-size' &&
    prevKind !== 'chunk-extension' &&
    prevKind !== 'last-chunk';
  const inField =
    prevKind === 'field-name' ||
    prevKind === 'field-value' ||
    prevKind === 'trailer-field-name' ||
    prevKind === 'trailer-field-value';
  const field = inField ? previous?.field : undefined;
  let sawColon = false;
  const push = (offset: number, length: number, kind: SpanKind, key: string): void => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.key === key && kind !== 'crlf' && kind !== 'lf') {
      last.length += length;
      return;
    }
    out.push(
      field !== undefined ? { offset, length, kind, key, field } : { offset, length, kind, key },
    );
  };
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (unfinishedChunkLine) {
      if (isHexDigit(byte)) push(i, 1, 'chunk-size', 'chunk-size');
      else push(i, 1, 'chunk-extension', 'chunk-extension');
    } else if (byte === CR && i + 1 < end && bytes[i + 1] === LF) {
      push(i, 2, 'crlf', crlfKey(prevKind));
      i++;
    } else if (byte === LF) {
      push(i, 1, 'lf', 'lf');
    } else if (
      byte === COLON &&
      (prevKind === 'field-name' || prevKind === 'trailer-field-name') &&
      !sawColon
    ) {
      sawColon = true;
      push(i, 1, 'colon', 'colon');
    } else if (byte === SP || byte === HTAB) {
      const startLine =
        prevKind === 'method' ||
        prevKind === 'request-target' ||
        prevKind === 'version' ||
        prevKind === 'status-code';
      if (startLine) push(i, 1, 'sp', 'sp');
      else if (
        prevKind === 'chunk-size' ||
        prevKind === 'chunk-extension' ||
        prevKind === 'last-chunk'
      )
        push(i, 1, 'chunk-extension', 'chunk-extension');
      else push(i, 1, 'ows', 'ows');
    } else if (
      !tail &&
      (prevKind === 'chunk-size' || prevKind === 'chunk-extension' || prevKind === 'last-chunk')
    ) {
      push(i, 1, 'chunk-extension', 'chunk-extension');
    } else {
      push(i, 1, 'unparsed', 'unparsed');
    }
  }
  return out;
}

function crlfKey(prevKind: SpanKind | undefined): string {
  switch (prevKind) {
    case 'request-target':
    case 'version':
    case 'status-code':
    case 'reason-phrase':
      return 'crlf.start-line';
    case 'field-name':
    case 'field-value':
    case 'trailer-field-name':
    case 'trailer-field-value':
      return 'crlf.field-line';
    case 'chunk-size':
    case 'chunk-extension':
      return 'crlf.chunk-size';
    case 'last-chunk':
      return 'last-chunk';
    default:
      return 'crlf';
  }
}

function rfcOf(key: string): string {
  return explanations[key]?.rfc ?? '';
}

/** Annotates `bytes` as a stream of requests or responses (pipelined messages included). */
export function annotate(
  bytes: Uint8Array,
  kind: 'request' | 'response',
  options: AnnotateOptions = {},
): Annotation[] {
  const { final = false, ...parserOptions } = options;
  const parser =
    kind === 'request' ? new RequestParser(parserOptions) : new ResponseParser(parserOptions);
  const raw = parser.push(bytes);
  const events = coalesceEvents(final ? [...raw, ...parser.finish()] : raw);
  const { leaves, starts, error } = leavesOf(events);
  const stop = error ? Math.min(Math.max(error.offset, 0), bytes.length) : bytes.length;

  const flat: Leaf[] = [];
  let pos = 0;
  let previous: Leaf | null = null;
  for (const leaf of leaves) {
    const begin = Math.max(leaf.offset, pos);
    const end = Math.min(leaf.offset + leaf.length, stop);
    if (end <= begin) continue;
    if (begin > pos) flat.push(...glue(bytes, pos, begin, previous, false, leaf.kind));
    const clipped = { ...leaf, offset: begin, length: end - begin };
    flat.push(clipped);
    previous = clipped;
    pos = end;
  }
  // The tail after the last event: the separators the parser accepted keep their kind; from the
  // first byte of a token no event reported (cut short, or interrupted by the error) on, the
  // bytes are one `unparsed` span, or part of the `invalid` span when there is an error.
  const tail = pos < stop ? glue(bytes, pos, stop, previous, true) : [];
  const cut = tail.findIndex((leaf) => leaf.kind === 'unparsed');
  flat.push(...(cut < 0 ? tail : tail.slice(0, cut)));
  const tokenStart = cut < 0 ? stop : tail[cut].offset;
  if (error) {
    if (tokenStart < bytes.length) {
      flat.push({
        ...error,
        offset: tokenStart,
        length: bytes.length - tokenStart,
        errorOffset: stop,
      });
    }
  } else if (tokenStart < stop) {
    flat.push({ offset: tokenStart, length: stop - tokenStart, kind: 'unparsed', key: 'unparsed' });
  }

  return numberMessages(flat, withLeadingEmptyLines(flat, starts));
}

/**
 * Moves each message start back over the empty lines before its request or status line: a
 * recipient ignores them (RFC 9112 §2.2), and they belong with the message they precede.
 */
function withLeadingEmptyLines(flat: readonly Leaf[], starts: readonly number[]): number[] {
  const endingAt = new Map<number, Leaf>();
  for (const leaf of flat) endingAt.set(leaf.offset + leaf.length, leaf);
  return starts.map((start) => {
    let at = start;
    for (;;) {
      const before = endingAt.get(at);
      if (!before || (before.key !== 'crlf' && before.key !== 'lf')) return at;
      at = before.offset;
    }
  });
}

/**
 * Gives each span the index of the message it belongs to, splitting glue where a new message
 * begins inside it. Spans and message starts are both in stream order: one pass.
 */
function numberMessages(flat: readonly Leaf[], starts: readonly number[]): Annotation[] {
  const out: Annotation[] = [];
  let message = 0;
  for (const leaf of flat) {
    let offset = leaf.offset;
    const end = leaf.offset + leaf.length;
    while (message + 1 < starts.length && starts[message + 1] <= offset) message++;
    const splittable = leaf.kind !== 'invalid' && leaf.kind !== 'tunnel';
    while (splittable && message + 1 < starts.length && starts[message + 1] < end) {
      const next = starts[message + 1];
      if (next > offset) {
        out.push(toAnnotation(leaf, offset, next - offset, message));
        offset = next;
      }
      message++;
    }
    out.push(toAnnotation(leaf, offset, end - offset, message));
  }
  return out;
}

function toAnnotation(
  leaf: Leaf,
  offset: number,
  length: number,
  messageIndex: number,
): Annotation {
  const annotation: Annotation = {
    offset,
    length,
    kind: leaf.kind,
    key: leaf.key,
    rfc: rfcOf(leaf.key),
    messageIndex,
  };
  if (leaf.field !== undefined) annotation.field = leaf.field;
  if (leaf.error !== undefined) annotation.error = leaf.error;
  if (leaf.errorOffset !== undefined) annotation.errorOffset = leaf.errorOffset;
  return annotation;
}

/** Every key `annotate` can produce (for catalogue completeness checks). */
export function annotationKeys(): string[] {
  return [
    'method',
    'sp',
    'request-target.origin',
    'request-target.absolute',
    'request-target.authority',
    'request-target.asterisk',
    'request-target.other',
    'version.1.1',
    'version.1.0',
    'version',
    'status-code.1xx',
    'status-code.2xx',
    'status-code.3xx',
    'status-code.4xx',
    'status-code.5xx',
    'status-code',
    'reason-phrase',
    'crlf.start-line',
    'crlf.field-line',
    'crlf.chunk-size',
    'crlf',
    'lf',
    'colon',
    'ows',
    'empty-line',
    'empty-line.lf',
    'body',
    'chunk-size',
    'chunk-extension',
    'chunk-data',
    'chunk-crlf',
    'last-chunk',
    'chunked.end',
    'trailer',
    'tunnel',
    'unparsed',
    'header.other',
    'header.sec-fetch',
    'header.sec-ch',
    ...EXPLAINED_FIELDS.map((name) => `header.${name}`),
    ...PARSER_ERROR_CODES.map(errorExplanationKey),
  ];
}
