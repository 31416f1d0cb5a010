// The fast paths (src-main/engine/parser-fast.ts) checked against the graph: every input gives
// the same events with the fast paths on and off, pushed whole, split and at every alignment.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LenientFlags, ParserEvent, ParserOptions } from '../../src-main/engine/events';
import { HttpParser } from '../../src-main/engine/parser-core';
import { ENGINE_CASES, LLHTTP_CASES, inputBytes, loadData } from './conformance-data';
import { createRng, generateCase, mutateCase } from './differential';

/** Events with body and tunnel views as text, so that deepEqual compares contents. */
function plain(events: ParserEvent[]): object[] {
  return events.map((e) => {
    if (e.type === 'body' || e.type === 'tunnel') {
      const { data, ...rest } = e;
      return { ...rest, text: String.fromCharCode(...data) };
    }
    return e;
  });
}

function run(
  fast: boolean,
  kind: 'request' | 'response',
  input: Uint8Array,
  cuts: number[],
  options?: ParserOptions,
): object[] {
  const parser = new HttpParser(kind === 'request', options, fast);
  const events: ParserEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    events.push(...parser.push(input.subarray(from, cut)));
    from = cut;
  }
  events.push(...parser.finish());
  return plain(events);
}

function same(
  kind: 'request' | 'response',
  input: Uint8Array,
  cuts: number[],
  what: string,
  options?: ParserOptions,
): void {
  assert.deepEqual(
    run(true, kind, input, cuts, options),
    run(false, kind, input, cuts, options),
    what,
  );
}

/** `bytes` copied to offset `shift` of a fresh buffer: the word scan sees other alignments. */
function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const buffer = new Uint8Array(bytes.length + 8);
  buffer.set(bytes, shift);
  return buffer.subarray(shift, shift + bytes.length);
}

describe('fast paths against the graph', () => {
  it('give the events of the graph for every conformance case, whole and split once', () => {
    for (const file of [LLHTTP_CASES, ENGINE_CASES]) {
      for (const c of loadData(file).cases) {
        if (c.kind === 'url') continue;
        const lenient: Partial<LenientFlags> = {};
        for (const flag of c.lenient ?? []) lenient[flag] = true;
        const options: ParserOptions = { lenient };
        if (c.skipBody) options.requestMethods = Array.from({ length: 16 }, () => 'HEAD');
        const input = inputBytes(c);
        same(c.kind, input, [], c.name, options);
        for (let cut = 1; cut < input.length; cut += 7) same(c.kind, input, [cut], c.name, options);
      }
    }
  });

  it('give the events of the graph for generated and mutated messages, at every alignment', () => {
    const rng = createRng(0x9a57);
    for (let k = 0; k < 3000; k++) {
      const generated = generateCase(rng, k % 2 ? 'request' : 'response');
      const input = k % 3 === 0 ? generated : mutateCase(rng, generated);
      const options = { requestMethods: input.requestMethods };
      const bytes = shifted(input.bytes, k % 4);
      same(input.kind, bytes, [], `case ${k}`, options);
      same(input.kind, bytes, [Math.floor(bytes.length / 2)], `case ${k} split`, options);
    }
  });

  it('give the events of the graph for long pipelines of varied heads in one push', () => {
    const messages: string[] = [];
    for (let k = 0; k < 120; k++) {
      const value = k % 5 === 2 ? 'caf\xe9 \xff\t end' : 'v'.repeat((k * 13) % 90);
      messages.push(
        `GET /item/${k}?q=${'p'.repeat((k * 37) % 200)} HTTP/1.1\r\nHost: example.test\r\n` +
          `X-Value: ${value}  \r\nConnection: keep-alive\r\nX-Long: ${'L'.repeat((k * 53) % 400)}\r\n\r\n`,
      );
    }
    const whole = Uint8Array.from(messages.join(''), (ch) => ch.charCodeAt(0));
    for (let shift = 0; shift < 4; shift++) {
      same('request', shifted(whole, shift), [], `shift ${shift}`);
      same('request', shifted(whole, shift), [whole.length >> 1], `shift ${shift} split`, {
        limits: { maxHeadBytes: 600 },
      });
    }
  });

  it('give the events of the graph for every byte at every place of a value, at every alignment', () => {
    // The word scan of field values flags bytes outside SP..~ four at a time: each byte value,
    // at each place in a word, must end the value, pass or fail where the graph says.
    const head = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: 0123456789abcdef0123456789\r\nX-Test: ';
    for (let byte = 0; byte < 256; byte++) {
      for (let at = 0; at < 9; at++) {
        const value = 'v'.repeat(at) + String.fromCharCode(byte) + 'w'.repeat(12 - at);
        const text = `${head}${value}\r\nX-After: z\r\n\r\n`;
        const input = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
        for (let shift = 0; shift < 4; shift++) {
          same('request', shifted(input, shift), [], `byte ${byte} at ${at}, shift ${shift}`);
        }
      }
    }
  });

  it('give the events of the graph for every byte at every place of a name, at every alignment', () => {
    // The word scan of field names passes letters, digits and '-' four at a time: each byte
    // value, at each place in a word, must pass, end the name or fail where the graph says.
    const head = 'GET / HTTP/1.1\r\nHost: a\r\nX-Pad: 0123456789abcdef0123456789\r\n';
    for (let byte = 0; byte < 256; byte++) {
      for (let at = 0; at < 10; at++) {
        const name = 'N'.repeat(at) + String.fromCharCode(byte) + 'm-9'.repeat(4 - (at % 4));
        const text = `${head}${name}: value\r\nX-After: z\r\n\r\n`;
        const input = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
        for (let shift = 0; shift < 4; shift++) {
          same('request', shifted(input, shift), [], `byte ${byte} at ${at}, shift ${shift}`);
        }
      }
    }
  });

  it('give the events of the graph for every byte at every place of a target, at every alignment', () => {
    // The word scan of request-targets flags bytes outside !..~ four at a time.
    const rest =
      ' HTTP/1.1\r\nHost: a\r\nX-Pad: 0123456789abcdef0123456789abcdef0123456789\r\n\r\n';
    for (let byte = 0; byte < 256; byte++) {
      for (let at = 0; at < 9; at++) {
        const target = '/' + 't'.repeat(at) + String.fromCharCode(byte) + 'u'.repeat(12 - at);
        const input = Uint8Array.from(`GET ${target}${rest}`, (ch) => ch.charCodeAt(0));
        for (let shift = 0; shift < 4; shift++) {
          same('request', shifted(input, shift), [], `byte ${byte} at ${at}, shift ${shift}`);
        }
      }
    }
  });

  it('give the events of the graph for Content-Length lines of every form, at every split', () => {
    const values = [
      '0',
      '7',
      '007',
      '12',
      '999999999999999',
      '1000000000000000',
      '18446744073709551615',
      '18446744073709551616',
      '',
      ' 5',
      '5 ',
      '5\t',
      '+5',
      '-1',
      '5x',
      '0x5',
      '5,5',
      '1 2',
    ];
    const heads = [
      (v: string) => `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${v}\r\n\r\n`,
      (v: string) => `POST / HTTP/1.1\r\ncontent-length:${v}\r\nX-A: b\r\n\r\n`,
      (v: string) => `POST / HTTP/1.1\r\nContent-Length: ${v}\r\nContent-Length: ${v}\r\n\r\n`,
      (v: string) =>
        `POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: ${v}\r\n\r\n`,
      (v: string) =>
        `POST / HTTP/1.1\r\nContent-Length: ${v}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      (v: string) => `POST / HTTP/1.1\r\nContent-Length: ${v}\r\n folded\r\n\r\n`,
      (v: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${v}\r\n\r\n`,
    ];
    for (const value of values) {
      for (const [k, head] of heads.entries()) {
        const text = head(value) + 'abcdefghij'.repeat(2);
        const input = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
        const kind = text.startsWith('HTTP/') ? 'response' : 'request';
        for (let cut = 0; cut < input.length; cut++) {
          same(kind, input, cut > 0 ? [cut] : [], `head ${k}, value ${JSON.stringify(value)}`);
        }
        same(kind, input, [], `head ${k}, value ${JSON.stringify(value)}, limited`, {
          limits: { maxHeaders: 1 },
        });
      }
    }
  });

  it('give the events of the graph with lenient flags and obs-fold replacement', () => {
    const text =
      'HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nX-B: b\nContent-Length: 3\r\n\r\nabc' +
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 ; a = "b"\r\nxyz\r\n0\r\nT: v\r\n\r\n';
    const input = Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    for (const options of [
      { replaceObsFold: true, lenient: { optionalCrBeforeLf: true } },
      { lenient: { headers: true, optionalCrBeforeLf: true } },
    ]) {
      for (let cut = 0; cut <= input.length; cut += 3) {
        same('response', input, cut > 0 ? [cut] : [], JSON.stringify(options), options);
      }
    }
  });
});
