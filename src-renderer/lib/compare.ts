// What the repeater's diff view compares of two messages: the head (start line and fields) and
// the body (chunked coding removed), each as lines of text or as lines of hex.

import type { MessageKind } from '../../src-main/engine/events';
import { diffLines, type LineDiff } from './diff';
import { parseMessage } from './message';
import { hex2, latin1 } from './bytes';

export type CompareMode = 'text' | 'hex';

/** Bytes of a head or body compared at most; the rest is left out, and said so. */
export const MAX_COMPARED_BYTES = 256 * 1024;
/** Lines of a head or body compared at most (the diff's time grows with them). */
export const MAX_COMPARED_LINES = 20_000;
/** Bytes per line of hex. */
export const HEX_LINE_BYTES = 16;

export interface MessageLines {
  head: string[];
  body: string[];
  /** The head or body was longer than MAX_COMPARED_BYTES or MAX_COMPARED_LINES, and cut there. */
  cut: boolean;
}

export interface MessageDiff {
  head: LineDiff;
  body: LineDiff;
  cut: boolean;
}

/** One line per 16 bytes: the bytes in hex, then the printable ones (others as '.'). */
export function hexLines(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += HEX_LINE_BYTES) {
    const row = bytes.subarray(at, at + HEX_LINE_BYTES);
    let hex = '';
    let text = '';
    for (let i = 0; i < HEX_LINE_BYTES; i++) {
      hex += i < row.length ? `${hex2(row[i])} ` : '   ';
      if (i === 7) hex += ' ';
      if (i < row.length)
        text += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.';
    }
    lines.push(`${hex} |${text}|`);
  }
  return lines;
}

function textLines(bytes: Uint8Array): string[] {
  if (bytes.length === 0) return [];
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).split(/\r?\n/);
}

/** The lines of a message to compare; bytes that are not a message are all head. */
export function messageLines(
  bytes: Uint8Array,
  kind: MessageKind,
  mode: CompareMode,
  requestMethod?: string,
): MessageLines {
  const parsed = parseMessage(bytes, kind, requestMethod);
  const whole = parsed.bodyOffset === null;
  const head = whole ? bytes : bytes.subarray(0, parsed.bodyOffset ?? 0);
  const body = whole ? new Uint8Array(0) : parsed.body;
  let cut = false;
  const bounded = (part: Uint8Array): Uint8Array => {
    if (part.length <= MAX_COMPARED_BYTES) return part;
    cut = true;
    return part.subarray(0, MAX_COMPARED_BYTES);
  };
  const lines = (list: string[]): string[] => {
    if (list.length <= MAX_COMPARED_LINES) return list;
    cut = true;
    return list.slice(0, MAX_COMPARED_LINES);
  };
  if (mode === 'hex') {
    const result = { head: lines(hexLines(bounded(head))), body: lines(hexLines(bounded(body))) };
    return { ...result, cut };
  }
  const headLines = whole
    ? latin1(bounded(head)).split(/\r?\n/)
    : [parsed.startLine, ...parsed.headers.map((h) => `${h.name}: ${h.value}`)];
  const result = { head: lines(headLines), body: lines(textLines(bounded(body))) };
  return { ...result, cut };
}

/** The diff of two messages of one kind, head and body apart. */
export function compareMessages(
  a: Uint8Array,
  b: Uint8Array,
  kind: MessageKind,
  mode: CompareMode,
  methods: { a?: string; b?: string } = {},
): MessageDiff {
  const left = messageLines(a, kind, mode, methods.a);
  const right = messageLines(b, kind, mode, methods.b);
  return {
    head: diffLines(left.head, right.head),
    body: diffLines(left.body, right.body),
    cut: left.cut || right.cut,
  };
}
