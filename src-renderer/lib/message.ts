// Turns raw message bytes into what the message view shows, through the engine's assembler.
import type { ErrorCode, MessageKind } from '../../src-main/engine/events';
import { fieldPairs, type AssembledMessage, type Field } from '../../src-main/engine/message';
import { readMessages } from '../../src-main/engine/message-parser';
import {
  readResponse,
  type Deviation,
  type ReadError,
  type ReadingEnd,
} from '../../src-main/engine/browser-reading';
import { headerValue } from '../../src-main/engine/semantics';
import { latin1 } from './bytes';

export interface ParsedHeader {
  index: number;
  name: string;
  value: string;
  /** First byte of the field line. */
  offset: number;
  /** One past the last byte of the field line, its line end included. */
  end: number;
  trailer: boolean;
}

export interface ParsedMessage {
  kind: MessageKind;
  startLine: string;
  startLineEnd: number;
  headers: ParsedHeader[];
  /** Offset of the first body byte (the end of the head), or null when the head is incomplete. */
  bodyOffset: number | null;
  /** The decoded body (chunked coding removed). */
  body: Uint8Array;
  contentType: string | null;
  error: { code: ErrorCode; offset: number; reason: string; status: number } | null;
  /** Responses: how a browser reads them (null for requests). */
  browser: BrowserView | null;
}

/** A response as a browser reads it, beside the strict reading. */
export interface BrowserView {
  /** The browser's message (null when it refuses the response or still waits for more). */
  message: AssembledMessage | null;
  /** Departures from the RFC the browser reads past, in byte order. */
  deviations: Deviation[];
  /** What a strict RFC 9112 reader says (null: nothing wrong). */
  strictError: ReadError | null;
  end: ReadingEnd;
  /** Body bytes a Content-Length promised that never came. */
  missing: number | null;
}

function toView(
  kind: MessageKind,
  bytes: Uint8Array,
  message: AssembledMessage,
  browser: BrowserView,
): ParsedMessage {
  const head = message.head;
  return {
    kind,
    startLine: latin1(bytes.subarray(head.offset, head.startLineEnd ?? head.offset)).replace(
      /\r?\n$/,
      '',
    ),
    startLineEnd: head.startLineEnd ?? head.offset,
    headers: [
      ...head.fields.map((field, i) => toHeader(field, i, false)),
      ...message.trailers.map((field, i) => toHeader(field, head.fields.length + i, true)),
    ],
    bodyOffset: head.headEnd,
    body: message.body,
    contentType: headerValue(fieldPairs(head.fields), 'content-type'),
    error: null,
    browser,
  };
}

/**
 * Parses a response strictly and as a browser reads it. When the browser's reading departs from
 * the RFC, the view shows the browser's reading (its headers, its body); a response the browser
 * refuses too stays an error. `complete`: the connection closed after these bytes.
 */
export function parseResponse(
  bytes: Uint8Array,
  requestMethod = 'GET',
  complete = true,
): ParsedMessage {
  const strict = parseMessage(bytes, 'response', requestMethod);
  const reading = readResponse(bytes, { requestMethod, complete });
  const browser: BrowserView = {
    message: reading.browser,
    deviations: reading.deviations,
    strictError: reading.strict.error,
    end: reading.end,
    missing: reading.missing,
  };
  if (reading.browser && (reading.deviations.length > 0 || strict.error))
    return toView('response', bytes, reading.browser, browser);
  return { ...strict, browser };
}

function lineEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length && bytes[i] !== 0x0a) i++;
  return Math.min(i + 1, bytes.length);
}

function toHeader(field: Field, index: number, trailer: boolean): ParsedHeader {
  return {
    index,
    name: field.name,
    value: field.value,
    offset: field.line.offset,
    end: field.line.offset + field.line.length,
    trailer,
  };
}

/** Parses the first message in `bytes`; never throws (errors come back in `error`). */
export function parseMessage(
  bytes: Uint8Array,
  kind: MessageKind,
  requestMethod?: string,
): ParsedMessage {
  const stream = readMessages(kind, bytes, {
    final: true,
    limit: 1,
    requestMethods: requestMethod ? [requestMethod] : undefined,
  });
  const message = stream.messages[0];
  const head = message?.head ?? stream.error?.head ?? stream.incomplete;
  const fields = head?.fields ?? [];
  const trailers = message?.trailers ?? [];
  const error = message === undefined ? (stream.error?.error ?? null) : null;
  const start = head?.offset ?? 0;
  const startLineEnd = head?.startLineEnd ?? lineEnd(bytes, start);
  return {
    kind,
    startLine: latin1(bytes.subarray(start, startLineEnd)).replace(/\r?\n$/, ''),
    startLineEnd,
    headers: [
      ...fields.map((field, i) => toHeader(field, i, false)),
      ...trailers.map((field, i) => toHeader(field, fields.length + i, true)),
    ],
    bodyOffset: head && 'headEnd' in head ? head.headEnd : null,
    body: message?.body ?? stream.error?.body ?? new Uint8Array(0),
    contentType: headerValue(fieldPairs(fields), 'content-type'),
    error: error && {
      code: error.code,
      offset: error.offset,
      reason: error.reason,
      status: error.status,
    },
    browser: null,
  };
}

/** The header whose field line contains `offset`, or null. */
export function headerAt(message: ParsedMessage, offset: number): ParsedHeader | null {
  for (const h of message.headers) if (offset >= h.offset && offset < h.end) return h;
  return null;
}
