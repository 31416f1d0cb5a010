// The parser's message mode (src-main/engine/message-parser.ts) gives, push by push, what the
// message assembler gives over the token events of the same pushes: same heads with their field
// spans, same body pieces, trailers, tunnel bytes and errors with their partial heads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MessageKind, ParserOptions } from '../../src-main/engine/events';
import {
  MessageAssembler,
  type AssemblyEvent,
  type PartialHead,
} from '../../src-main/engine/message';
import { MessageParser, ParsedField, plainField } from '../../src-main/engine/message-parser';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { caseAt, createRng } from './differential';
import { ENGINE_CASES, LLHTTP_CASES, inputBytes, loadData } from './conformance-data';

function plainHead<H extends PartialHead | null>(head: H): H {
  return head === null ? head : { ...head, fields: head.fields.map(plainField) };
}

/**
 * Body and tunnel views copied (they are valid only until the next push), and fields as plain
 * objects (message mode's fields make their spans when read).
 */
function detach(events: AssemblyEvent[]): AssemblyEvent[] {
  return events.map((e): AssemblyEvent => {
    switch (e.type) {
      case 'body':
      case 'tunnel':
        return { ...e, data: e.data.slice() };
      case 'head':
        return { ...e, head: plainHead(e.head) };
      case 'message':
        return {
          ...e,
          message: {
            ...e.message,
            head: plainHead(e.message.head),
            trailers: e.message.trailers.map(plainField),
          },
        };
      case 'error':
        return { ...e, head: plainHead(e.head) };
    }
  });
}

interface Runs {
  tokens: AssemblyEvent[][];
  messages: AssemblyEvent[][];
}

function runBoth(
  kind: MessageKind,
  bytes: Uint8Array,
  cuts: number[],
  options: ParserOptions = {},
  final = true,
  body: 'stream' | 'collect' = 'stream',
): Runs {
  const parser = kind === 'request' ? new RequestParser(options) : new ResponseParser(options);
  const assembler = new MessageAssembler(kind, { body });
  const direct = new MessageParser(kind, options, { body });
  const runs: Runs = { tokens: [], messages: [] };
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const point of [...points, bytes.length]) {
    const piece = bytes.subarray(start, point);
    runs.tokens.push(detach(assembler.push(parser.push(piece))));
    runs.messages.push(detach(direct.push(piece)));
    start = point;
  }
  if (final) {
    runs.tokens.push(detach(assembler.push(parser.finish())));
    runs.messages.push(detach(direct.finish()));
  }
  return runs;
}

const kindArb = fc.constantFrom<MessageKind>('request', 'response');

describe('message mode', () => {
  it('equals assembling the token events, push by push, for generated and mutated streams', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom<'stream' | 'collect'>('stream', 'collect'),
        (seed, cuts, body) => {
          const input = caseAt(createRng(seed));
          const options = { requestMethods: input.requestMethods };
          const runs = runBoth(input.kind, input.bytes, cuts, options, true, body);
          assert.deepEqual(runs.messages, runs.tokens);
        },
      ),
      { seed: 20261201, numRuns: 1500 },
    );
  });

  it('equals assembling the token events for every conformance case, split anywhere', () => {
    for (const file of [LLHTTP_CASES, ENGINE_CASES]) {
      for (const c of loadData(file).cases) {
        if (c.kind === 'url') continue;
        const lenient: ParserOptions['lenient'] = {};
        for (const flag of c.lenient ?? []) lenient[flag] = true;
        const options: ParserOptions = { lenient };
        if (c.skipBody) options.requestMethods = Array.from({ length: 16 }, () => 'HEAD');
        const bytes = inputBytes(c);
        for (let cut = 0; cut <= bytes.length; cut += 5) {
          for (const body of ['stream', 'collect'] as const) {
            const runs = runBoth(c.kind, bytes, [cut], options, c.finish === true, body);
            assert.deepEqual(runs.messages, runs.tokens, `${c.name} (${body})`);
          }
        }
      }
    }
  });

  it('gives a pipeline’s heads, bodies and trailers, and body pieces as views of the push', () => {
    const text =
      'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc' +
      'POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n';
    const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    const events = new MessageParser('request').push(bytes);
    assert.deepEqual(
      events.map((e) => e.type),
      ['head', 'body', 'message', 'head', 'body', 'message'],
    );
    const bodies = events.filter((e) => e.type === 'body');
    for (const body of bodies) assert.equal(body.data.buffer, bytes.buffer);
    const last = events[5];
    assert.ok(last?.type === 'message');
    assert.deepEqual(
      last.message.trailers.map((f) => [f.name, f.value]),
      [['X-T', '1']],
    );
    assert.equal(last.message.head.target, '/b');
    assert.equal(last.message.bodyLength, 2);
  });

  it('keeps the body with the message in collect mode, its own memory', () => {
    const text = 'POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabcdef';
    const bytes = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    const parser = new MessageParser('request', {}, { body: 'collect' });
    const first = parser.push(bytes.subarray(0, text.length - 2));
    assert.deepEqual(
      first.map((e) => e.type),
      ['head'],
    );
    bytes.fill(0x21, text.length - 6, text.length - 2);
    const [done] = parser.push(Uint8Array.from('ef', (ch) => ch.charCodeAt(0)));
    assert.ok(done?.type === 'message');
    assert.equal(String.fromCharCode(...done.message.body), 'abcdef');
  });

  it('fails as the token mode does, with the partial head', () => {
    const parser = new MessageParser('request');
    const [error] = parser.push(
      Uint8Array.from('GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n', (c) => c.charCodeAt(0)),
    );
    assert.ok(error?.type === 'error');
    assert.equal(error.error.code, 'INVALID_HEADER_TOKEN');
    assert.deepEqual(
      error.head?.fields.map((f) => f.name),
      ['Host'],
    );
    assert.equal(parser.failed, true);
    assert.deepEqual(parser.push(new Uint8Array([0x47])), []);
  });

  it('makes a field’s spans when they are read, and gives them as plain data in JSON', () => {
    const text = 'GET / HTTP/1.1\r\nHost:  a.test \r\n\r\n';
    const [event] = new MessageParser('request').push(
      Uint8Array.from(text, (ch) => ch.charCodeAt(0)),
    );
    assert.ok(event?.type === 'head');
    const [field] = event.head.fields;
    assert.ok(field instanceof ParsedField);
    const plain = {
      name: 'Host',
      value: 'a.test',
      nameSpan: { offset: 16, length: 4 },
      valueSpan: { offset: 23, length: 6 },
      line: { offset: 16, length: 16 },
    };
    assert.deepEqual(plainField(field), plain);
    assert.deepEqual(JSON.parse(JSON.stringify(field)), plain);
    assert.notEqual(
      field.line,
      field.line,
      'a fresh span each time: callers cannot alter the field',
    );
  });

  it('is the same under random kinds of input too (any bytes)', () => {
    fc.assert(
      fc.property(
        kindArb,
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.nat()),
        (kind, bytes, cuts) => {
          const runs = runBoth(kind, bytes, cuts);
          assert.deepEqual(runs.messages, runs.tokens);
        },
      ),
      { seed: 7, numRuns: 500 },
    );
  });
});
