import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import type { MessageKind, ParserOptions } from '../../src-main/engine/events';
import { MessageAssembler, type AssemblyEvent, type Field } from '../../src-main/engine/message';
import { readMessages } from '../../src-main/engine/message-parser';
import { decodeLatin1, encodeLatin1, concatBytes } from '../../src-main/engine/bytes';
import { encodeChunked, serializeRequest, type HeaderList } from '../../src-main/engine/serialize';
import { caseAt, createRng } from './differential';

const SEED = 20261201;
const RUNS = 300;

const bytesOf = (text: string): Uint8Array => encodeLatin1(text);

interface Run {
  events: AssemblyEvent[];
  /** Snapshot (JSON-safe) of every event, taken when it came out. */
  snapshot: unknown[];
}

/**
 * Feeds `bytes` split at `cuts` as a hostile caller would: each piece in a fresh buffer that is
 * zero-filled right after its push, so any view kept past its push shows up as corruption.
 */
function assemble(
  kind: MessageKind,
  bytes: Uint8Array,
  cuts: number[],
  options: ParserOptions & { body?: 'collect' | 'stream' } = {},
): Run {
  const { body, ...parserOptions } = options;
  const parser =
    kind === 'request' ? new RequestParser(parserOptions) : new ResponseParser(parserOptions);
  const assembler = new MessageAssembler(kind, { body });
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const run: Run = { events: [], snapshot: [] };
  const take = (events: AssemblyEvent[]): void => {
    for (const event of events) {
      run.events.push(event);
      run.snapshot.push(snapshot(event));
    }
  };
  let start = 0;
  for (const point of [...points, bytes.length]) {
    const piece = bytes.slice(start, point);
    take(assembler.push(parser.push(piece)));
    piece.fill(0);
    start = point;
  }
  take(assembler.push(parser.finish()));
  return run;
}

/** Body and tunnel pieces depend on the chunking: merge adjacent ones, as bytes. */
function snapshot(event: AssemblyEvent): unknown {
  switch (event.type) {
    case 'body':
    case 'tunnel':
      return { type: event.type, offset: event.offset, data: [...event.data] };
    case 'message':
      return { type: 'message', ...event.message, body: [...event.message.body] };
    default:
      return JSON.parse(JSON.stringify(event));
  }
}

function mergePieces(snapshots: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of snapshots) {
    const last = out[out.length - 1] as { type?: string; data?: number[] } | undefined;
    const next = item as { type?: string; data?: number[] };
    if ((next.type === 'body' || next.type === 'tunnel') && last?.type === next.type) {
      last.data = [...last.data!, ...next.data!];
      continue;
    }
    out.push(
      next.type === 'body' || next.type === 'tunnel' ? { ...next, data: [...next.data!] } : item,
    );
  }
  return out;
}

function text(bytes: Uint8Array, span: { offset: number; length: number }): string {
  return decodeLatin1(bytes, span.offset, span.offset + span.length);
}

describe('message assembler: heads, messages and errors', () => {
  it('gives a request head with field spans, then the message with its body', () => {
    const wire = bytesOf(
      'POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\nX-Empty:\r\n\r\nhello',
    );
    const { events } = assemble('request', wire, []);
    assert.deepEqual(
      events.map((e) => e.type),
      ['head', 'message'],
    );
    const head = events[0]!.type === 'head' ? events[0]!.head : assert.fail();
    assert.equal(head.method, 'POST');
    assert.equal(head.target, '/upload?x=1');
    assert.equal(head.version, 'HTTP/1.1');
    assert.equal(head.status, null);
    assert.equal(head.framing, 'content-length');
    assert.equal(head.contentLength, 5);
    assert.equal(head.keepAlive, true);
    assert.equal(head.upgrade, false);
    assert.equal(head.startLineEnd, 'POST /upload?x=1 HTTP/1.1\r\n'.length);
    assert.deepEqual(
      head.fields.map((f) => [f.name, f.value, text(wire, f.nameSpan), text(wire, f.valueSpan)]),
      [
        ['Host', 'example.com', 'Host', 'example.com'],
        ['Content-Length', '5', 'Content-Length', '5'],
        ['X-Empty', '', 'X-Empty', ''],
      ],
    );
    assert.deepEqual(
      head.fields.map((f) => text(wire, f.line)),
      ['Host: example.com\r\n', 'Content-Length: 5\r\n', 'X-Empty:\r\n'],
    );
    assert.equal(head.headEnd, wire.length - 5);
    const message = events[1]!.type === 'message' ? events[1]!.message : assert.fail();
    assert.equal(decodeLatin1(message.body), 'hello');
    assert.equal(message.bodyLength, 5);
    assert.deepEqual(message.span, { offset: 0, length: wire.length });
  });

  it('decodes a chunked response and keeps its trailers apart from its fields', () => {
    const wire = bytesOf(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nDigest: d1\r\nX-T: 2\r\n\r\n',
    );
    const stream = readMessages('response', wire, { requestMethods: ['GET'] });
    assert.equal(stream.error, null);
    assert.equal(stream.messages.length, 1);
    const [message] = stream.messages;
    assert.equal(message!.head.status, 200);
    assert.equal(message!.head.reason, 'OK');
    assert.equal(message!.head.framing, 'chunked');
    assert.deepEqual(
      message!.head.fields.map((f) => f.name),
      ['Transfer-Encoding'],
    );
    assert.equal(decodeLatin1(message!.body), 'abcde');
    assert.deepEqual(
      message!.trailers.map((f) => [f.name, f.value, text(wire, f.line)]),
      [
        ['Digest', 'd1', 'Digest: d1\r\n'],
        ['X-T', '2', 'X-T: 2\r\n'],
      ],
    );
    assert.equal(message!.span.length, wire.length);
  });

  it('in stream mode, gives the head before the body and keeps no body itself', () => {
    const body = 'x'.repeat(3000);
    const wire = bytesOf(
      `PUT /big HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const headEnd = wire.length - body.length;
    const parser = new RequestParser();
    const assembler = new MessageAssembler('request', { body: 'stream' });
    // The head alone: a streaming server can forward it before any body byte has arrived.
    const first = assembler.push(parser.push(wire.subarray(0, headEnd)));
    assert.deepEqual(
      first.map((e) => e.type),
      ['head'],
    );
    const received: Uint8Array[] = [];
    for (let at = headEnd; at < wire.length; at += 1000) {
      const out = assembler.push(parser.push(wire.subarray(at, Math.min(wire.length, at + 1000))));
      for (const event of out) if (event.type === 'body') received.push(event.data.slice());
      if (at + 1000 < wire.length) assert.ok(out.every((e) => e.type === 'body'));
    }
    assert.equal(decodeLatin1(concatBytes(received)), body);
    const last = assembler.push(parser.finish());
    assert.equal(last.length, 0);
  });

  it('stream mode ends the message with its length and an empty body', () => {
    const wire = bytesOf('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd');
    const run = assemble('response', wire, [20, 40], { body: 'stream', requestMethods: ['GET'] });
    const message = run.events.find((e) => e.type === 'message');
    assert.ok(message && message.type === 'message');
    assert.equal(message.message.body.length, 0);
    assert.equal(message.message.bodyLength, 4);
  });

  it('reports an error with the partial head read so far', () => {
    const wire = bytesOf('GET /a HTTP/1.1\r\nHost: x\r\nBad Name: y\r\n\r\n');
    const { events } = assemble('request', wire, []);
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.ok(event.type === 'error');
    assert.equal(event.error.code, 'INVALID_HEADER_TOKEN');
    assert.ok(event.head);
    assert.equal(event.head.method, 'GET');
    assert.equal(event.head.target, '/a');
    assert.equal(event.head.version, 'HTTP/1.1');
    assert.deepEqual(
      event.head.fields.map((f) => [f.name, f.value]),
      [['Host', 'x']],
    );
    assert.equal('framing' in event.head, false);
  });

  it('an error in the body carries the complete head', () => {
    const wire = bytesOf('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
    const stream = readMessages('request', wire);
    assert.ok(stream.error);
    assert.equal(stream.error.error.code, 'INVALID_CHUNK_SIZE');
    assert.equal(stream.error.head && 'framing' in stream.error.head, true);
  });

  it('an error keeps the body read before it, and leaves out a field cut before its value', () => {
    const chunked = bytesOf(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n',
    );
    const run = assemble('request', chunked, [50, 53]);
    const error = run.events.find((e) => e.type === 'error');
    assert.ok(error && error.type === 'error');
    assert.equal(decodeLatin1(error.body), 'abc');
    const cut = readMessages('request', bytesOf('GET / HTTP/1.1\r\nHost: x\r\nX-A: \x01\r\n'));
    assert.equal(cut.error?.error.code, 'INVALID_HEADER_VALUE');
    assert.deepEqual(
      cut.error?.head?.fields.map((f) => f.name),
      ['Host'],
    );
  });

  it('an error between messages has no head', () => {
    const wire = bytesOf(
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n',
    );
    const stream = readMessages('request', wire);
    assert.equal(stream.messages.length, 1);
    assert.equal(stream.error?.error.code, 'DATA_AFTER_CLOSE');
    assert.equal(stream.error?.head, null);
  });

  it('a truncated message is incomplete, or an error when the stream is final', () => {
    const wire = bytesOf('GET / HTTP/1.1\r\nHost: x\r\nX-A');
    const open = readMessages('request', wire);
    assert.equal(open.error, null);
    assert.equal(open.incomplete?.method, 'GET');
    const final = readMessages('request', wire, { final: true });
    assert.equal(final.error?.error.code, 'INVALID_EOF_STATE');
    assert.equal(final.incomplete, null);
  });

  it('pipelined messages come out in order, each with its own offsets', () => {
    const one = 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\n';
    const two = 'POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok';
    const stream = readMessages('request', bytesOf(one + two));
    assert.deepEqual(
      stream.messages.map((m) => [m.head.target, m.span.offset, m.span.length]),
      [
        ['/1', 0, one.length],
        ['/2', one.length, two.length],
      ],
    );
    assert.equal(stream.messages[1]!.head.fields[0]!.nameSpan.offset, one.length + 18);
  });

  it('an accepted upgrade completes the message, then gives tunnel bytes', () => {
    const wire = bytesOf(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00',
    );
    const { events } = assemble('response', wire, [5], { requestMethods: ['GET'] });
    assert.deepEqual(
      events.map((e) => e.type),
      ['head', 'message', 'tunnel'],
    );
    const head = events[0]!.type === 'head' ? events[0]!.head : assert.fail();
    assert.equal(head.upgrade, true);
    assert.equal(head.framing, 'tunnel');
  });

  it('an interim 100 response is a message of its own', () => {
    const wire = bytesOf('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
    const stream = readMessages('response', wire, { requestMethods: ['POST'] });
    assert.deepEqual(
      stream.messages.map((m) => m.head.status),
      [100, 204],
    );
  });

  it('limit stops after that many messages', () => {
    const wire = bytesOf('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(readMessages('request', wire, { limit: 1 }).messages.length, 1);
  });
});

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
const realisticArb = fc.integer({ min: 0, max: 0x7fffffff }).map((seed) => caseAt(createRng(seed)));

describe('properties: the assembler under every chunking', () => {
  it(`the same heads, messages and errors however the bytes are split (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, cutsArb, fc.boolean(), (input, cuts, streamed) => {
        const options = {
          requestMethods: input.kind === 'response' ? [...input.requestMethods] : undefined,
          body: streamed ? ('stream' as const) : ('collect' as const),
        };
        const whole = assemble(input.kind, input.bytes, [], {
          ...options,
          requestMethods: options.requestMethods && [...options.requestMethods],
        });
        const split = assemble(input.kind, input.bytes, cuts, options);
        assert.deepEqual(mergePieces(split.snapshot), mergePieces(whole.snapshot));
      }),
      { seed: SEED, numRuns: RUNS * 3 },
    );
  });

  it(`byte by byte, streamed bodies add up to the collected ones (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, (input) => {
        const methods = (): string[] | undefined =>
          input.kind === 'response' ? [...input.requestMethods] : undefined;
        const everyByte = Array.from({ length: input.bytes.length }, (_, i) => i);
        const collected = assemble(input.kind, input.bytes, [], { requestMethods: methods() });
        const streamed = assemble(input.kind, input.bytes, everyByte, {
          body: 'stream',
          requestMethods: methods(),
        });
        const bodies: number[][] = [];
        let current: number[] = [];
        for (const event of streamed.events) {
          if (event.type === 'head') current = [];
          else if (event.type === 'body') current.push(...event.data);
          else if (event.type === 'message') {
            assert.equal(event.message.bodyLength, current.length);
            bodies.push(current);
          }
        }
        // Streamed body views are zero-filled after their push: compare what was seen at the time.
        const seen = streamedBodies(streamed.snapshot);
        assert.deepEqual(
          seen,
          collected.events.flatMap((e) => (e.type === 'message' ? [[...e.message.body]] : [])),
        );
        assert.equal(seen.length, bodies.length);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`spans: names and values slice the bytes, lines tile the head (seed ${SEED})`, () => {
    fc.assert(
      fc.property(realisticArb, (input) => {
        const stream = readMessages(input.kind, input.bytes, {
          requestMethods: [...input.requestMethods],
          final: true,
        });
        for (const message of stream.messages) {
          const head = message.head;
          checkFields(input.bytes, head.fields, head.startLineEnd!);
          const last = head.fields[head.fields.length - 1];
          const emptyLineStart = last ? last.line.offset + last.line.length : head.startLineEnd!;
          assert.ok(emptyLineStart < head.headEnd);
          assert.match(
            text(input.bytes, { offset: emptyLineStart, length: head.headEnd - emptyLineStart }),
            /^\r?\n$/,
          );
          if (message.trailers.length > 0)
            checkFields(input.bytes, message.trailers, message.trailers[0]!.line.offset);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`serialised requests assemble back to what was written (seed ${SEED})`, () => {
    const tokenArb = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    const valueArb = fc.stringMatching(/^([\x21-\x7e]([\x20-\x7e\t]{0,20}[\x21-\x7e])?)?$/);
    const fieldsArb: fc.Arbitrary<HeaderList> = fc.array(
      fc.tuple(
        tokenArb.filter(
          (name) =>
            !/^(content-length|transfer-encoding|connection|upgrade|host|expect)$/i.test(name),
        ),
        valueArb,
      ),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT'),
        fieldsArb,
        fc.uint8Array({ maxLength: 300 }),
        fc.option(fc.integer({ min: 1, max: 50 })),
        cutsArb,
        (method, fields, body, chunkSize, cuts) => {
          const headers: HeaderList = [['Host', 'example.com'], ...fields];
          const wire =
            chunkSize === null
              ? serializeRequest(
                  { method, target: '/', version: 'HTTP/1.1', headers, body },
                  { contentLength: 'auto' },
                )
              : serializeRequest({
                  method,
                  target: '/',
                  version: 'HTTP/1.1',
                  headers: [...headers, ['Transfer-Encoding', 'chunked']],
                  body: encodeChunked(body, chunkSize),
                });
          const { events } = assemble('request', wire, cuts);
          const message = events.find((e) => e.type === 'message');
          assert.ok(message && message.type === 'message');
          assert.deepEqual(message.message.body, body);
          assert.deepEqual(
            message.message.head.fields
              .map((f): [string, string] => [f.name, f.value])
              .filter(([name]) => !/^(content-length|transfer-encoding)$/i.test(name)),
            headers,
          );
          assert.equal(message.message.span.length, wire.length);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

function streamedBodies(snapshots: unknown[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  for (const item of snapshots) {
    const event = item as { type: string; data?: number[] };
    if (event.type === 'head') current = [];
    else if (event.type === 'body') current.push(...event.data!);
    else if (event.type === 'message') out.push(current);
  }
  return out;
}

function checkFields(bytes: Uint8Array, fields: readonly Field[], from: number): void {
  let at = from;
  for (const field of fields) {
    assert.equal(field.line.offset, at);
    assert.equal(field.nameSpan.offset, field.line.offset);
    assert.equal(text(bytes, field.nameSpan), field.name);
    const end = field.valueSpan.offset + field.valueSpan.length;
    assert.ok(end <= field.line.offset + field.line.length);
    at = field.line.offset + field.line.length;
    assert.match(decodeLatin1(bytes, at - 1, at), /\n/);
  }
}
