// Structured HTTP/1.x messages to bytes and back. Serialising writes exactly what it is given
// (a teaching tool must be able to produce broken messages); only Content-Length is computed,
// and only when asked. Parsing goes through the engine's parser, never a second one.

import type { BodyFraming, ErrorEvent, MessageKind, ParserEvent, ParserOptions } from './events';
import { reasonForError, statusForError } from './errors';
import { concatBytes, encodeText } from './bytes';
import { fieldPairs, type AssembledMessage, type ReadOptions } from './message';
import { readMessages } from './message-parser';
import {
  formatHead,
  hasHeader,
  methodExpectsContent,
  requestLine,
  responseMayDeclareLength,
  sameFieldName,
  statusLine,
} from './semantics';

export type HeaderList = [name: string, value: string][];

export interface RequestMessage {
  method: string;
  target: string;
  /** The version token as written, e.g. `HTTP/1.1`. */
  version: string;
  headers: HeaderList;
  body?: Uint8Array;
}

export interface ResponseMessage {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
  body?: Uint8Array;
}

export interface SerializeOptions {
  /** 'auto' writes the body's Content-Length (replacing any); 'keep' writes the headers as given. */
  contentLength?: 'auto' | 'keep';
}

const CRLF = '\r\n';

/**
 * Replaces every Content-Length with one holding `length`, at the first one's position
 * (or at the end when there was none). Transfer-Encoding wins: then nothing changes
 * (RFC 9112 §6.2: a sender MUST NOT send Content-Length with Transfer-Encoding).
 */
function withContentLength(
  headers: HeaderList,
  length: number,
  addWhenMissing: boolean,
): HeaderList {
  if (hasHeader(headers, 'transfer-encoding')) return headers;
  const out: HeaderList = [];
  let placed = false;
  for (const [name, value] of headers) {
    if (!sameFieldName(name, 'content-length')) {
      out.push([name, value]);
    } else if (!placed) {
      out.push([name, String(length)]);
      placed = true;
    }
  }
  if (!placed && addWhenMissing) out.push(['Content-Length', String(length)]);
  return out;
}

function serializeHead(
  startLine: string,
  headers: HeaderList,
  body: Uint8Array | undefined,
): Uint8Array {
  const headBytes = encodeText(formatHead(startLine, headers));
  return body && body.length > 0 ? concatBytes([headBytes, body]) : headBytes;
}

export function serializeRequest(
  message: RequestMessage,
  options: SerializeOptions = {},
): Uint8Array {
  const bodyLength = message.body?.length ?? 0;
  const headers =
    options.contentLength === 'auto'
      ? withContentLength(
          message.headers,
          bodyLength,
          bodyLength > 0 || methodExpectsContent(message.method),
        )
      : message.headers;
  return serializeHead(
    requestLine(message.method, message.target, message.version),
    headers,
    message.body,
  );
}

export function serializeResponse(
  message: ResponseMessage,
  options: SerializeOptions = {},
): Uint8Array {
  const headers =
    options.contentLength === 'auto' && responseMayDeclareLength(message.status)
      ? withContentLength(message.headers, message.body?.length ?? 0, true)
      : message.headers;
  return serializeHead(
    statusLine(message.version, message.status, message.reason),
    headers,
    message.body,
  );
}

/** The chunked transfer coding of `body` (RFC 9112 §7.1), in pieces of `chunkSize` bytes. */
export function encodeChunked(
  body: Uint8Array,
  chunkSize: number,
  trailers: HeaderList = [],
): Uint8Array {
  const size = Math.max(1, Math.floor(chunkSize));
  const parts: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, Math.min(body.length, at + size));
    parts.push(encodeText(piece.length.toString(16) + CRLF), piece, encodeText(CRLF));
  }
  let tail = '0' + CRLF;
  for (const [name, value] of trailers) tail += `${name}: ${value}${CRLF}`;
  parts.push(encodeText(tail + CRLF));
  return concatBytes(parts);
}

// ---- Parsing back into the structured form ----

export interface ParsedMessageParts {
  version: string;
  headers: HeaderList;
  trailers: HeaderList;
  /** The decoded body (chunk framing removed). */
  body: Uint8Array;
  /** How the body was delimited (RFC 9112 §6.3). */
  framing: BodyFraming;
  /** Number of bytes of the input this message used (head, body, trailers). */
  length: number;
}

export type ParsedRequest = Required<RequestMessage> & ParsedMessageParts;
export type ParsedResponse = Required<ResponseMessage> & ParsedMessageParts;

export type ParseOutcome<T> = { ok: true; message: T } | { ok: false; error: ErrorEvent };

/**
 * Merges adjacent body pieces (and tunnel pieces) into one event. A chunk boundary splits only
 * these: the parser reports every token once, whole, however the bytes arrive.
 */
export function coalesceEvents(events: readonly ParserEvent[]): ParserEvent[] {
  const out: ParserEvent[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (
      last !== undefined &&
      (event.type === 'body' || event.type === 'tunnel') &&
      last.type === event.type &&
      last.offset + last.length === event.offset &&
      event.length > 0
    ) {
      out[out.length - 1] = {
        ...last,
        length: last.length + event.length,
        data: concatBytes([last.data, event.data]),
      };
      continue;
    }
    out.push(event);
  }
  return out;
}

function truncatedError(offset: number): ErrorEvent {
  const code = 'INVALID_EOF_STATE';
  return {
    type: 'error',
    code,
    offset,
    length: 0,
    reason: reasonForError(code),
    status: statusForError(code),
  };
}

/** The first message of `bytes`, or the error that stopped it. */
function firstMessage(
  kind: MessageKind,
  bytes: Uint8Array,
  options: ReadOptions & { final: true; limit: 1 },
): { ok: true; message: AssembledMessage } | { ok: false; error: ErrorEvent } {
  const stream = readMessages(kind, bytes, options);
  const message = stream.messages[0];
  if (message !== undefined) return { ok: true, message };
  return { ok: false, error: stream.error?.error ?? truncatedError(bytes.length) };
}

function toParts(message: AssembledMessage): ParsedMessageParts {
  return {
    version: message.head.version,
    headers: fieldPairs(message.head.fields),
    trailers: fieldPairs(message.trailers),
    body: message.body,
    framing: message.head.framing,
    length: message.span.length,
  };
}

/** Parses the first request in `bytes`. */
export function parseRequestMessage(
  bytes: Uint8Array,
  options: ParserOptions = {},
): ParseOutcome<ParsedRequest> {
  const first = firstMessage('request', bytes, { ...options, final: true, limit: 1 });
  if (!first.ok) return first;
  const { head } = first.message;
  return {
    ok: true,
    message: { method: head.method ?? '', target: head.target ?? '', ...toParts(first.message) },
  };
}

/** Parses the first response in `bytes`; `requestMethod` frames answers to HEAD and CONNECT. */
export function parseResponseMessage(
  bytes: Uint8Array,
  requestMethod?: string,
  options: ParserOptions = {},
): ParseOutcome<ParsedResponse> {
  const first = firstMessage('response', bytes, {
    ...options,
    requestMethods: requestMethod ? [requestMethod] : options.requestMethods,
    final: true,
    limit: 1,
  });
  if (!first.ok) return first;
  const { head } = first.message;
  return {
    ok: true,
    message: { status: head.status ?? 0, reason: head.reason ?? '', ...toParts(first.message) },
  };
}
