// Turns raw message bytes into what the message view shows, through the engine's assembler.
import type { ErrorCode, MessageKind } from '../../src-main/engine/events';
import { fieldPairs, readMessages, type Field } from '../../src-main/engine/message';
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
  };
}

/** The header whose field line contains `offset`, or null. */
export function headerAt(message: ParsedMessage, offset: number): ParsedHeader | null {
  for (const h of message.headers) if (offset >= h.offset && offset < h.end) return h;
  return null;
}
