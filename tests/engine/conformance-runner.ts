// Runs one llhttp corpus case against the engine and compares the two in one normal form:
// token spans that were completed, body spans (adjacent pieces merged), head/chunk/message
// boundaries by their end offset, and where an error, an upgrade or a finish happens.
import type { LenientFlags, ParserEvent, ParserOptions } from '../../src-main/engine/events';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { parseTarget } from '../../src-main/engine/target';
import type { CorpusCase } from './corpus';
import { skipReason } from './conformance-skips';

export interface CaseOutcome {
  status: 'pass' | 'fail' | 'skip';
  /** Skip reason, or the first difference of a failure. */
  reason?: string;
}

const LENIENT_NAMES: Record<string, keyof LenientFlags> = {
  headers: 'headers',
  'chunked-length': 'chunkedLength',
  'keep-alive': 'keepAlive',
  'transfer-encoding': 'transferEncoding',
  version: 'version',
  'data-after-close': 'dataAfterClose',
  'optional-lf-after-cr': 'optionalLfAfterCr',
  'optional-crlf-after-chunk': 'optionalCrlfAfterChunk',
  'optional-cr-before-lf': 'optionalCrBeforeLf',
  'spaces-after-chunk-size': 'spacesAfterChunkSize',
  'header-value-relaxed': 'headerValueRelaxed',
};

interface Mode {
  kind: 'request' | 'response' | 'url';
  finish: boolean;
  lenient: Partial<LenientFlags>;
}

function modeOf(c: CorpusCase): Mode | string {
  if (c.block === 'url') return { kind: 'url', finish: false, lenient: {} };
  const type = c.meta.type ?? 'request';
  const m = /^(request|response)(?:-(finish|lenient-(.+)))?$/.exec(type);
  if (!m) return `unknown case type ${type}`;
  const lenient: Partial<LenientFlags> = {};
  if (m[3] === 'all') {
    for (const flag of Object.values(LENIENT_NAMES)) lenient[flag] = true;
  } else if (m[3] !== undefined) {
    const flag = LENIENT_NAMES[m[3]];
    if (!flag) return `unknown lenient flag ${m[3]}`;
    lenient[flag] = true;
  }
  return { kind: m[1] as 'request' | 'response', finish: m[2] === 'finish', lenient };
}

// ---- llhttp's log → normal form ----

const TOKEN_KINDS = new Set([
  'method',
  'url',
  'protocol',
  'version',
  'header_field',
  'header_value',
  'status',
  'chunk_extension_name',
  'chunk_extension_value',
]);

/** The expected items of an llhttp log. */
export function expectedItems(log: string[], input: Uint8Array): string[] {
  const items: string[] = [];
  const open = new Map<string, { start: number; end: number }>();
  let protocolStart = -1;
  for (const line of log) {
    const m = /^off=(\d+|NULL) (.*)$/.exec(line.trim());
    if (!m) continue;
    const off = m[1] === 'NULL' ? -1 : Number(m[1]);
    const rest = m[2];
    const span = /^len=(\d+) span\[([\w.]+)\]=/.exec(rest);
    if (span) {
      const kind = span[2];
      const len = Number(span[1]);
      if (kind === 'body') {
        const last = items[items.length - 1];
        const prev = last && /^body (\d+) (\d+)$/.exec(last);
        if (prev && Number(prev[1]) + Number(prev[2]) === off) {
          items[items.length - 1] = `body ${prev[1]} ${Number(prev[2]) + len}`;
        } else {
          items.push(`body ${off} ${len}`);
        }
      } else if (kind.startsWith('url.')) {
        items.push(`${kind} ${off} ${len}`);
      } else {
        const cur = open.get(kind);
        if (cur) cur.end = off + len;
        else open.set(kind, { start: off, end: off + len });
      }
      continue;
    }
    const complete = /^(\w+) complete$/.exec(rest);
    if (complete && TOKEN_KINDS.has(complete[1])) {
      const kind = complete[1];
      const cur = open.get(kind);
      open.delete(kind);
      if (kind === 'protocol') {
        protocolStart = cur ? cur.start : -1;
      } else if (kind === 'version') {
        if (cur && protocolStart >= 0)
          items.push(`version ${protocolStart} ${cur.end - protocolStart}`);
      } else if (cur && cur.end > cur.start) {
        let end = cur.end;
        // The engine's field name and value exclude trailing whitespace (RFC 9110 §5.5); llhttp's spans do not.
        if (kind === 'header_value' || kind === 'header_field') {
          while (end > cur.start && (input[end - 1] === 0x20 || input[end - 1] === 0x09)) end--;
        }
        items.push(`${kind} ${cur.start} ${end - cur.start}`);
      }
      continue;
    }
    if (rest === 'message begin') {
      items.push(`begin ${off}`);
      protocolStart = -1;
      continue;
    }
    const head =
      /^headers complete (?:method=\d+|status=(\d+)) v=(\d+)\/(\d+) flags=\w+ content_length=(\d+)$/.exec(
        rest,
      );
    if (head) {
      const status = head[1] ? ` status=${head[1]}` : '';
      items.push(`headers ${off} v=${head[2]}/${head[3]}${status} cl=${head[4]}`);
      continue;
    }
    const chunk = /^chunk header len=(\d+)$/.exec(rest);
    if (chunk) {
      items.push(`chunk ${off} size=${chunk[1]}`);
      continue;
    }
    if (rest === 'chunk complete') {
      items.push(`chunkComplete ${off}`);
      continue;
    }
    if (rest === 'message complete') {
      items.push(`complete ${off}`);
      continue;
    }
    const error = /^error code=(\d+) /.exec(rest);
    if (error) {
      items.push(error[1] === '22' ? `upgrade ${off}` : `error ${off}`);
      break;
    }
    const finish = /^finish=(\d+)$/.exec(rest);
    if (finish) items.push(`finish=${finish[1]}`);
  }
  return items;
}

// ---- engine events → normal form ----

const SPAN_NAMES: Partial<Record<ParserEvent['type'], string>> = {
  method: 'method',
  target: 'url',
  headerName: 'header_field',
  headerValue: 'header_value',
  reason: 'status',
  chunkExtensionName: 'chunk_extension_name',
  chunkExtensionValue: 'chunk_extension_value',
};

export function actualItems(events: ParserEvent[], finishEvents: ParserEvent[] | null): string[] {
  const items: string[] = [];
  let upgrade = false;
  for (const e of events) {
    const name = SPAN_NAMES[e.type];
    if (name) {
      if (e.length > 0) items.push(`${name} ${e.offset} ${e.length}`);
      continue;
    }
    switch (e.type) {
      case 'messageBegin':
        items.push(`begin ${e.offset}`);
        break;
      case 'version':
        items.push(`version ${e.offset} ${e.length}`);
        break;
      case 'headersComplete': {
        const status = e.statusCode !== null ? ` status=${e.statusCode}` : '';
        const v = `v=${e.versionMajor}/${e.versionMinor}`;
        items.push(`headers ${e.offset + e.length} ${v}${status} cl=${e.contentLength ?? 0}`);
        upgrade = e.upgrade;
        break;
      }
      case 'body': {
        const last = items[items.length - 1];
        const prev = last && /^body (\d+) (\d+)$/.exec(last);
        if (prev && Number(prev[1]) + Number(prev[2]) === e.offset) {
          items[items.length - 1] = `body ${prev[1]} ${Number(prev[2]) + e.length}`;
        } else if (e.length > 0) {
          items.push(`body ${e.offset} ${e.length}`);
        }
        break;
      }
      case 'chunkHeader':
        items.push(`chunk ${e.offset + e.length} size=${e.size}`);
        break;
      case 'chunkComplete':
        items.push(`chunkComplete ${e.offset + e.length}`);
        break;
      case 'messageComplete':
        items.push(`complete ${e.offset}`);
        if (upgrade) items.push(`upgrade ${e.offset}`);
        break;
      case 'error':
        items.push(`error ${e.offset}`);
        break;
      default:
        break;
    }
    if (upgrade && e.type === 'messageComplete') break;
  }
  if (finishEvents) {
    const done = finishEvents.find((e) => e.type === 'error' || e.type === 'messageComplete');
    const code = !done ? 0 : done.type === 'messageComplete' ? 1 : 2;
    items.push(`finish=${code}`);
  }
  return items;
}

function parserFor(mode: Mode, c: CorpusCase): RequestParser | ResponseParser {
  const options: ParserOptions = { lenient: mode.lenient };
  if (mode.kind === 'response') {
    // llhttp's "skip body" answer from on_headers_complete is what a response to HEAD gets.
    if (c.meta.skipBody) options.requestMethods = Array.from({ length: 16 }, () => 'HEAD');
    return new ResponseParser(options);
  }
  return new RequestParser(options);
}

/** Feeds `input` cut at the given positions; returns the items. */
function runParser(mode: Mode, c: CorpusCase, cuts: number[]): string[] {
  const parser = parserFor(mode, c);
  const events: ParserEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, c.input.length]) {
    events.push(...parser.push(c.input.subarray(from, cut)));
    from = cut;
  }
  return actualItems(events, mode.finish ? parser.finish() : null);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function urlItems(c: CorpusCase): string[] {
  const parsed = parseTarget(latin1(c.input));
  const items: string[] = [];
  if (parsed.scheme) items.push(`url.schema ${parsed.scheme.offset} ${parsed.scheme.length}`);
  if (parsed.error) {
    items.push(`error ${parsed.error.offset}`);
    return items;
  }
  const first = parsed.userinfo ?? parsed.host;
  const last = parsed.port ?? parsed.host;
  if (first && last) {
    items.push(`url.host ${first.offset} ${last.offset + last.length - first.offset}`);
  }
  for (const [name, p] of [
    ['path', parsed.path],
    ['query', parsed.query],
    ['fragment', parsed.fragment],
  ] as const) {
    if (p) items.push(`url.${name} ${p.offset} ${p.length}`);
  }
  return items;
}

function firstDifference(expected: string[], actual: string[]): string {
  const n = Math.max(expected.length, actual.length);
  for (let k = 0; k < n; k++) {
    if (expected[k] !== actual[k]) {
      return `item ${k}: expected ${expected[k] ?? '(nothing)'}, got ${actual[k] ?? '(nothing)'}`;
    }
  }
  return '';
}

/** Runs one case whole and, unless `noScan`, split in two at every byte position. */
export function runCase(c: CorpusCase): CaseOutcome {
  const skip = skipReason(c);
  if (skip) return { status: 'skip', reason: skip };
  const mode = modeOf(c);
  if (typeof mode === 'string') return { status: 'fail', reason: mode };
  const expected = expectedItems(c.log, c.input);
  if (mode.kind === 'url') {
    const diff = firstDifference(expected, urlItems(c));
    return diff ? { status: 'fail', reason: diff } : { status: 'pass' };
  }
  const whole = runParser(mode, c, []);
  const diff = firstDifference(expected, whole);
  if (diff) return { status: 'fail', reason: diff };
  if (!c.meta.noScan) {
    for (let cut = 1; cut < c.input.length; cut++) {
      const split = firstDifference(expected, runParser(mode, c, [cut]));
      if (split) return { status: 'fail', reason: `split at ${cut}: ${split}` };
    }
    const bytewise = Array.from({ length: Math.max(c.input.length - 1, 0) }, (_, k) => k + 1);
    const single = firstDifference(expected, runParser(mode, c, bytewise));
    if (single) return { status: 'fail', reason: `one byte at a time: ${single}` };
  }
  return { status: 'pass' };
}
