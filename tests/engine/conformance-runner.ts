// Runs one conformance case (tests/engine/data) against the engine and compares the two in one
// normal form: token spans that were completed, body spans (adjacent pieces merged),
// head/chunk/message boundaries by their end offset, and where an error, an upgrade or a finish
// happens. convert-corpus.ts turns llhttp's logs into the same form.
import type { ErrorEvent, ParserEvent, ParserOptions } from '../../src-main/engine/events';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { parseTarget } from '../../src-main/engine/target';
import { inputBytes, type DataCase } from './conformance-data';
import { skipReason } from './conformance-skips';

export interface CaseOutcome {
  status: 'pass' | 'fail' | 'skip';
  /** Skip reason, or the first difference of a failure. */
  reason?: string;
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

function parserFor(c: DataCase): RequestParser | ResponseParser {
  const lenient: ParserOptions['lenient'] = {};
  for (const flag of c.lenient ?? []) lenient[flag] = true;
  const options: ParserOptions = { lenient };
  if (c.kind === 'response') {
    // llhttp's "skip body" answer from on_headers_complete is what a response to HEAD gets.
    if (c.skipBody) options.requestMethods = Array.from({ length: 16 }, () => 'HEAD');
    return new ResponseParser(options);
  }
  return new RequestParser(options);
}

interface Run {
  items: string[];
  error: ErrorEvent | undefined;
}

/** Feeds the input cut at the given positions; returns the items and the first error. */
function runParser(c: DataCase, input: Uint8Array, cuts: number[]): Run {
  const parser = parserFor(c);
  const events: ParserEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    events.push(...parser.push(input.subarray(from, cut)));
    from = cut;
  }
  const finishEvents = c.finish ? parser.finish() : null;
  const error = [...events, ...(finishEvents ?? [])].find(
    (e): e is ErrorEvent => e.type === 'error',
  );
  return { items: actualItems(events, finishEvents), error };
}

function urlItems(c: DataCase): string[] {
  const parsed = parseTarget(c.input);
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

function firstDifference(expected: string[], run: Run, c: DataCase): string {
  const actual = run.items;
  const n = Math.max(expected.length, actual.length);
  for (let k = 0; k < n; k++) {
    if (expected[k] !== actual[k]) {
      return `item ${k}: expected ${expected[k] ?? '(nothing)'}, got ${actual[k] ?? '(nothing)'}`;
    }
  }
  if (c.error) {
    const got = run.error ? `${run.error.code} ${run.error.status}` : '(no error)';
    if (got !== `${c.error.code} ${c.error.status}`) {
      return `error: expected ${c.error.code} ${c.error.status}, got ${got}`;
    }
  }
  return '';
}

/** Runs one case whole and, unless `noScan`, split in two at every byte position. */
export function runCase(c: DataCase): CaseOutcome {
  const skip = skipReason(c);
  if (skip) return { status: 'skip', reason: skip };
  if (c.kind === 'url') {
    const diff = firstDifference(c.expect, { items: urlItems(c), error: undefined }, c);
    return diff ? { status: 'fail', reason: diff } : { status: 'pass' };
  }
  const input = inputBytes(c);
  const diff = firstDifference(c.expect, runParser(c, input, []), c);
  if (diff) return { status: 'fail', reason: diff };
  if (!c.noScan) {
    for (let cut = 1; cut < input.length; cut++) {
      const split = firstDifference(c.expect, runParser(c, input, [cut]), c);
      if (split) return { status: 'fail', reason: `split at ${cut}: ${split}` };
    }
    const bytewise = Array.from({ length: Math.max(input.length - 1, 0) }, (_, k) => k + 1);
    const single = firstDifference(c.expect, runParser(c, input, bytewise), c);
    if (single) return { status: 'fail', reason: `one byte at a time: ${single}` };
  }
  return { status: 'pass' };
}

/** The items the engine gives for a case (to write the expected items of a new own case). */
export function itemsOf(c: DataCase): string[] {
  return c.kind === 'url' ? urlItems(c) : runParser(c, inputBytes(c), []).items;
}
