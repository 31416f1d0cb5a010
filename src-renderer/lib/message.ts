// Turns raw message bytes into what the message view shows, using the engine's parser events.
import type { ErrorCode, MessageKind, ParserEvent } from '../../src-main/engine/events';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { concatBytes } from '../../src-main/engine/serialize';
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

/** Parses the first message in `bytes`; never throws (errors come back in `error`). */
export function parseMessage(
  bytes: Uint8Array,
  kind: MessageKind,
  requestMethod?: string,
): ParsedMessage {
  const result: ParsedMessage = {
    kind,
    startLine: '',
    startLineEnd: 0,
    headers: [],
    bodyOffset: null,
    body: new Uint8Array(0),
    contentType: null,
    error: null,
  };
  let events: ParserEvent[] = [];
  try {
    const parser =
      kind === 'request'
        ? new RequestParser()
        : new ResponseParser(requestMethod ? { requestMethods: [requestMethod] } : {});
    events = [...parser.push(bytes)];
    if (!events.some((e) => e.type === 'messageComplete' || e.type === 'error'))
      events.push(...parser.finish());
  } catch {
    // The engine never throws by contract; if it does, show what was collected.
  }
  const bodyParts: Uint8Array[] = [];
  let pendingName: { name: string; offset: number; trailer: boolean } | null = null;
  for (const event of events) {
    if (event.type === 'messageComplete') break;
    switch (event.type) {
      case 'method':
      case 'status':
        result.startLineEnd = lineEnd(bytes, event.offset);
        result.startLine = latin1(bytes.subarray(0, result.startLineEnd)).replace(/\r?\n$/, '');
        break;
      case 'headerName':
        pendingName = { name: event.value, offset: event.offset, trailer: event.trailer };
        break;
      case 'headerValue':
        if (pendingName) {
          const end = lineEnd(bytes, event.offset + event.length);
          result.headers.push({
            index: result.headers.length,
            name: pendingName.name,
            value: event.value,
            offset: pendingName.offset,
            end,
            trailer: pendingName.trailer,
          });
          if (pendingName.name.toLowerCase() === 'content-type' && !pendingName.trailer) {
            result.contentType = event.value;
          }
          pendingName = null;
        }
        break;
      case 'headersComplete':
        result.bodyOffset = event.offset + event.length;
        break;
      case 'body':
        bodyParts.push(event.data.slice());
        break;
      case 'error':
        result.error = {
          code: event.code,
          offset: event.offset,
          reason: event.reason,
          status: event.status,
        };
        break;
      default:
        break;
    }
    if (result.error) break;
  }
  if (!result.startLine) {
    result.startLineEnd = lineEnd(bytes, 0);
    result.startLine = latin1(bytes.subarray(0, result.startLineEnd)).replace(/\r?\n$/, '');
  }
  result.body = concatBytes(bodyParts);
  return result;
}

/** The header whose field line contains `offset`, or null. */
export function headerAt(message: ParsedMessage, offset: number): ParsedHeader | null {
  for (const h of message.headers) if (offset >= h.offset && offset < h.end) return h;
  return null;
}
