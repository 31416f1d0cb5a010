import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import type { LenientFlags, ParserEvent, ParserOptions } from '../../src-main/engine/events';
import {
  coalesceEvents,
  encodeChunked,
  parseRequestMessage,
  parseResponseMessage,
  serializeRequest,
  serializeResponse,
  type HeaderList,
} from '../../src-main/engine/serialize';
import { annotate } from '../../src-main/engine/annotate';
import { caseAt, createRng } from './differential';

const SEED = 20261125;
const RUNS = 300;

type Kind = 'request' | 'response';

/** Copies each event (body views are only valid until the next push). */
function detach(events: readonly ParserEvent[]): ParserEvent[] {
  return events.map((event) =>
    event.type === 'body' || event.type === 'tunnel'
      ? { ...event, data: event.data.slice() }
      : { ...event },
  );
}

/** Feeds `bytes` split at `cuts`, then finish(); returns the coalesced events. */
function parseSplit(
  kind: Kind,
  bytes: Uint8Array,
  cuts: number[],
  options: ParserOptions = {},
): ParserEvent[] {
  const parser = kind === 'request' ? new RequestParser(options) : new ResponseParser(options);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: ParserEvent[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point < start) continue;
    events.push(...detach(parser.push(bytes.subarray(start, point))));
    start = point;
  }
  events.push(...detach(parser.finish()));
  return normalise(events);
}

/**
 * The documented coalescing: a body split across pushes arrives as several adjacent pieces
 * (tokens never are: each comes whole); merged, they must equal the single-push events. Events
 * after the first error are dropped (a parser in the error state may report nothing more, or
 * repeat the error).
 */
function normalise(events: ParserEvent[]): ParserEvent[] {
  const merged = coalesceEvents(events);
  const error = merged.findIndex((event) => event.type === 'error');
  return error >= 0 ? merged.slice(0, error + 1) : merged;
}

const LENIENT_NAMES: (keyof LenientFlags)[] = [
  'headers',
  'chunkedLength',
  'keepAlive',
  'transferEncoding',
  'version',
  'dataAfterClose',
  'optionalLfAfterCr',
  'optionalCrlfAfterChunk',
  'optionalCrBeforeLf',
  'spacesAfterChunkSize',
  'headerValueRelaxed',
];

const lenientArb = fc
  .subarray(LENIENT_NAMES)
  .map((names) => Object.fromEntries(names.map((name) => [name, true])) as Partial<LenientFlags>);

/** Realistic (and, 60 % of the time, mutated) streams from the differential generator. */
const realisticArb = fc.integer({ min: 0, max: 0x7fffffff }).map((seed) => caseAt(createRng(seed)));

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

describe('properties: chunking invariance', () => {
  it(`same normalised events however the bytes are split (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, cutsArb, (input, cuts) => {
        const options: ParserOptions =
          input.kind === 'response' ? { requestMethods: input.requestMethods } : {};
        const whole = parseSplit(input.kind, input.bytes, [], options);
        const split = parseSplit(input.kind, input.bytes, cuts, options);
        assert.deepEqual(split, whole);
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  it(`same events byte by byte as in one push, with lenient flags (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, lenientArb, (input, lenient) => {
        const options: ParserOptions = { lenient, requestMethods: [...input.requestMethods] };
        const whole = parseSplit(input.kind, input.bytes, [], options);
        const everyByte = Array.from({ length: input.bytes.length }, (_, i) => i);
        assert.deepEqual(
          parseSplit(input.kind, input.bytes, everyByte, {
            ...options,
            requestMethods: [...input.requestMethods],
          }),
          whole,
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('properties: robustness', () => {
  it(`never throws on arbitrary bytes, any split, any flags (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('request', 'response'),
        fc.uint8Array({ maxLength: 300 }),
        cutsArb,
        lenientArb,
        (kind, bytes, cuts, lenient) => {
          const events = parseSplit(kind, bytes, cuts, { lenient });
          for (const event of events) {
            assert.ok(
              event.offset >= 0 && event.offset + event.length <= bytes.length,
              JSON.stringify(event),
            );
          }
        },
      ),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  it(`never throws on text-like bytes made of HTTP punctuation (seed ${SEED})`, () => {
    const alphabet = fc.constantFrom(
      ...'GET /HTP1.0\r\n:;-chunkedContent-Length0123456789aF \t\x00\x80'.split(''),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('request', 'response'),
        fc.array(alphabet, { maxLength: 200 }),
        (kind, chars) => {
          const bytes = Uint8Array.from(chars.join(''), (c) => c.charCodeAt(0));
          parseSplit(kind, bytes, []);
        },
      ),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });
});

const tokenArb = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValueArb = fc.stringMatching(
  /^([\x21-\x7e\x80-\xff]([\x20-\x7e\x80-\xff\t]{0,20}[\x21-\x7e\x80-\xff])?)?$/,
);
const FRAMING_NAMES = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'upgrade',
  'expect',
  'host',
  'te',
  'trailer',
]);
const headersArb: fc.Arbitrary<HeaderList> = fc.array(
  fc.tuple(
    tokenArb.filter((name) => !FRAMING_NAMES.has(name.toLowerCase())),
    fieldValueArb,
  ),
  { maxLength: 8 },
);
const bodyArb = fc.uint8Array({ maxLength: 400 });

describe('properties: serialise → parse round trip', () => {
  it(`requests with Content-Length or chunked bodies come back unchanged (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.stringMatching(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]{0,40}$/),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
        headersArb,
        bodyArb,
        fc.option(fc.integer({ min: 1, max: 64 })),
        (method, target, version, fields, body, chunkSize) => {
          const headers: HeaderList = [['Host', 'example.com'], ...fields];
          const chunked = chunkSize !== null && version === 'HTTP/1.1';
          const wire = chunked
            ? serializeRequest({
                method,
                target,
                version,
                headers: [...headers, ['Transfer-Encoding', 'chunked']],
                body: encodeChunked(body, chunkSize),
              })
            : serializeRequest(
                { method, target, version, headers, body },
                { contentLength: 'auto' },
              );
          const parsed = parseRequestMessage(wire);
          assert.ok(parsed.ok, JSON.stringify(parsed));
          assert.equal(parsed.message.method, method);
          assert.equal(parsed.message.target, target);
          assert.equal(parsed.message.version, version);
          assert.deepEqual(parsed.message.body, body);
          assert.deepEqual(
            parsed.message.headers.filter(
              ([name]) => !/^(content-length|transfer-encoding)$/i.test(name),
            ),
            headers,
          );
          assert.equal(parsed.message.length, wire.length);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`responses come back unchanged (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 599 }).filter((status) => status !== 204 && status !== 304),
        fc.stringMatching(/^[A-Za-z][A-Za-z \t]{0,20}$/),
        headersArb,
        bodyArb,
        (status, reason, headers, body) => {
          const wire = serializeResponse(
            { version: 'HTTP/1.1', status, reason, headers, body },
            { contentLength: 'auto' },
          );
          const parsed = parseResponseMessage(wire, 'GET');
          assert.ok(parsed.ok, JSON.stringify(parsed));
          assert.equal(parsed.message.status, status);
          assert.equal(parsed.message.reason, reason);
          assert.deepEqual(parsed.message.body, body);
          assert.deepEqual(parsed.message.headers.slice(0, headers.length), headers);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

function assertCovers(bytes: Uint8Array, offsets: { offset: number; length: number }[]): void {
  let at = 0;
  for (const span of offsets) {
    assert.equal(span.offset, at, `gap or overlap at ${at}: ${JSON.stringify(span)}`);
    assert.ok(span.length > 0);
    at += span.length;
  }
  assert.equal(at, bytes.length);
}

describe('properties: annotations cover every byte exactly once', () => {
  it(`on realistic and mutated streams, with lenient flags (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, lenientArb, fc.boolean(), (input, lenient, final) => {
        const spans = annotate(input.bytes, input.kind, {
          lenient,
          final,
          requestMethods: [...input.requestMethods],
        });
        assertCovers(input.bytes, spans);
        for (let i = 1; i < spans.length; i++)
          assert.ok(spans[i].messageIndex >= spans[i - 1].messageIndex);
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it(`on arbitrary bytes (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>('request', 'response'),
        fc.uint8Array({ maxLength: 300 }),
        (kind, bytes) => {
          assertCovers(bytes, annotate(bytes, kind));
          assertCovers(bytes, annotate(bytes, kind, { final: true }));
        },
      ),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });
});
