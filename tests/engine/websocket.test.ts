// The RFC 6455 frame parser: header fields and their byte spans, unmasking, 16- and 64-bit
// lengths, fragmentation with control frames between fragments, Close codes and reasons, every
// protocol error by name and byte, and a property that every chunking gives the same events.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  WebSocketParser,
  frameParts,
  type WebSocketParserOptions,
  type WsErrorCode,
  type WsEvent,
  type WsFrame,
  type WsMessage,
} from '../../src-main/engine/websocket';
import { isUtf8 } from '../../src-main/engine/websocket-utf8';
import { WS_ERROR_CODES, wsErrorKey } from '../../src-main/engine/websocket-errors';
import { explain } from '../../src-main/engine/explanations';
import { isSendableCloseCode } from '../../src-main/engine/websocket-close';
import { bytesOf, closePayload, concat, encodeFrame, type FrameSpec } from './websocket-encode';

const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function parse(
  bytes: Uint8Array,
  options: WebSocketParserOptions = { from: 'server' },
  end = false,
): WsEvent[] {
  const parser = new WebSocketParser(options);
  const events = parser.push(bytes);
  return end ? [...events, ...parser.end()] : events;
}

const framesOf = (events: WsEvent[]): WsFrame[] =>
  events.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
const messagesOf = (events: WsEvent[]): WsMessage[] =>
  events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
const errorOf = (events: WsEvent[]) => events.find((e) => e.type === 'error');

function expectError(
  bytes: Uint8Array,
  code: WsErrorCode,
  offset: number,
  options: WebSocketParserOptions = { from: 'server' },
  end = false,
): void {
  const found = errorOf(parse(bytes, options, end));
  assert.ok(found && found.type === 'error', `expected ${code}`);
  assert.equal(found.error.code, code, found.error.reason);
  assert.equal(found.error.offset, offset, `${code} offset`);
  assert.ok(found.error.reason.length > 10);
  assert.match(found.error.rfc, /^RFC 6455 §/);
}

describe('WebSocket frames', () => {
  it('reads a masked client text frame: every header span, unmasked payload', () => {
    // The example of RFC 6455 §5.7: a masked "Hello".
    const bytes = new Uint8Array([
      0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ]);
    const events = parse(bytes, { from: 'client', offset: 100 });
    const [frame] = framesOf(events);
    assert.ok(frame);
    assert.equal(frame.fin, true);
    assert.equal(frame.opcode, 1);
    assert.equal(frame.kind, 'text');
    assert.equal(frame.masked, true);
    assert.deepEqual([...frame.maskingKey!], [...KEY]);
    assert.equal(frame.payloadLength, 5);
    assert.deepEqual(frame.spans, {
      first: { offset: 100, length: 1 },
      second: { offset: 101, length: 1 },
      extendedLength: null,
      maskingKey: { offset: 102, length: 4 },
      payload: { offset: 106, length: 5 },
    });
    const [message] = messagesOf(events);
    assert.equal(message?.kind, 'text');
    assert.equal(message?.text, 'Hello');
    assert.equal(message?.offset, 100);
    assert.equal(message?.end, 111);
    assert.equal(errorOf(events), undefined);
  });

  it('reads 16-bit and 64-bit lengths (a 70 KB binary message), masked and not', () => {
    const small = new Uint8Array(200).map((_, i) => i & 0xff);
    const big = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    for (const mask of [null, KEY]) {
      const from = mask ? 'client' : 'server';
      const bytes = concat([
        encodeFrame({ opcode: 2, payload: small, mask }),
        encodeFrame({ opcode: 2, payload: big, mask }),
      ]);
      const events = parse(bytes, { from });
      const [a, b] = framesOf(events);
      assert.equal(a?.spans.extendedLength?.length, 2);
      assert.equal(a?.payloadLength, 200);
      assert.equal(b?.spans.extendedLength?.length, 8);
      assert.equal(b?.spans.extendedLength?.offset, a!.length + 2);
      assert.equal(b?.payloadLength, 70_000);
      assert.equal(b?.spans.payload.offset, a!.length + 2 + 8 + (mask ? 4 : 0));
      const [m1, m2] = messagesOf(events);
      assert.deepEqual(m1?.data, small);
      assert.deepEqual(m2?.data, big);
      assert.equal(m2?.truncated, false);
    }
  });

  it('joins fragments into one message, with a ping between them kept apart', () => {
    const bytes = concat([
      encodeFrame({ opcode: 1, fin: false, payload: 'frag', mask: KEY }),
      encodeFrame({ opcode: 9, payload: 'are you there', mask: KEY }),
      encodeFrame({ opcode: 0, fin: false, payload: 'men', mask: KEY }),
      encodeFrame({ opcode: 0, fin: true, payload: 'ted ✓', mask: KEY }),
    ]);
    const events = parse(bytes, { from: 'client' });
    assert.deepEqual(
      events.map((e) => e.type),
      ['frame', 'frame', 'message', 'frame', 'frame', 'message'],
    );
    const [ping, text] = messagesOf(events);
    assert.equal(ping?.kind, 'ping');
    assert.equal(new TextDecoder().decode(ping?.data), 'are you there');
    assert.equal(text?.kind, 'text');
    assert.equal(text?.text, 'fragmented ✓');
    assert.deepEqual(text?.frames, [0, 2, 3]);
    assert.equal(text?.offset, 0);
    assert.equal(text?.end, bytes.length);
  });

  it('accepts a UTF-8 character split across two fragments', () => {
    const check = new TextEncoder().encode('€');
    const bytes = concat([
      encodeFrame({ opcode: 1, fin: false, payload: check.subarray(0, 1) }),
      encodeFrame({ opcode: 0, payload: check.subarray(1) }),
    ]);
    assert.equal(messagesOf(parse(bytes))[0]?.text, '€');
  });

  it('reads a Close with code and reason, an empty Close, and pong', () => {
    const events = parse(
      concat([
        encodeFrame({ opcode: 10, payload: 'p' }),
        encodeFrame({ opcode: 8, payload: closePayload(1000, 'bye ✓') }),
      ]),
    );
    const [pong, close] = messagesOf(events);
    assert.equal(pong?.kind, 'pong');
    assert.deepEqual(close?.close, { code: 1000, reason: 'bye ✓' });
    const empty = messagesOf(parse(encodeFrame({ opcode: 8 })))[0];
    assert.deepEqual(empty?.close, { code: null, reason: '' });
  });

  it('keeps only keepBytes of a message but counts all of it', () => {
    const payload = new Uint8Array(5000).fill(0x41);
    const [message] = messagesOf(
      parse(encodeFrame({ opcode: 1, payload, mask: KEY }), { from: 'client', keepBytes: 64 }),
    );
    assert.equal(message?.length, 5000);
    assert.equal(message?.data.length, 64);
    assert.equal(message?.truncated, true);
    assert.equal(message?.text, 'A'.repeat(64));
  });

  it('marks a permessage-deflate message compressed, and RSV1 only where the extension allows it', () => {
    const frame = encodeFrame({ opcode: 2, rsv: 4, payload: new Uint8Array([1, 2, 3]) });
    const [message] = messagesOf(parse(frame, { from: 'server', perMessageDeflate: true }));
    assert.equal(message?.compressed, true);
    expectError(frame, 'RSV_WITHOUT_EXTENSION', 0);
    const onContinuation = concat([
      encodeFrame({ opcode: 1, fin: false, rsv: 4, payload: 'a' }),
      encodeFrame({ opcode: 0, rsv: 4, payload: 'b' }),
    ]);
    expectError(onContinuation, 'RSV_WITHOUT_EXTENSION', 3, {
      from: 'server',
      perMessageDeflate: true,
    });
  });

  it('frameParts covers every byte of each frame once, with a Close split into code and reason', () => {
    const bytes = concat([
      encodeFrame({ opcode: 1, payload: 'x'.repeat(300), mask: KEY }),
      encodeFrame({ opcode: 8, payload: closePayload(1001, 'away'), mask: KEY }),
    ]);
    const frames = framesOf(parse(bytes, { from: 'client' }));
    let at = 0;
    for (const frame of frames) {
      for (const part of frameParts(frame)) {
        assert.equal(part.offset, at);
        at += part.length;
      }
    }
    assert.equal(at, bytes.length);
    assert.deepEqual(
      frameParts(frames[1]!).map((p) => p.key),
      ['ws.first-byte', 'ws.second-byte', 'ws.masking-key', 'ws.close-code', 'ws.close-reason'],
    );
    assert.deepEqual(
      frameParts(frames[0]!).map((p) => p.key),
      ['ws.first-byte', 'ws.second-byte', 'ws.length-16', 'ws.masking-key', 'ws.payload.text'],
    );
  });
});

describe('WebSocket protocol errors, each named at its byte', () => {
  const text = (spec: Partial<FrameSpec> = {}) =>
    encodeFrame({ opcode: 1, payload: 'hi', ...spec });

  it('RSV bits without an extension', () => {
    expectError(text({ rsv: 2 }), 'RSV_WITHOUT_EXTENSION', 0);
    expectError(text({ rsv: 1 }), 'RSV_WITHOUT_EXTENSION', 0);
  });
  it('reserved opcodes, data and control', () => {
    expectError(encodeFrame({ opcode: 3 }), 'RESERVED_OPCODE', 0);
    expectError(concat([text(), encodeFrame({ opcode: 0xb })]), 'RESERVED_OPCODE', 4);
  });
  it('a control frame over 125 bytes, or fragmented', () => {
    expectError(encodeFrame({ opcode: 9, payload: new Uint8Array(126) }), 'CONTROL_TOO_LONG', 1);
    expectError(encodeFrame({ opcode: 10, fin: false }), 'CONTROL_FRAGMENTED', 0);
  });
  it('masking: a client frame must be masked, a server frame must not', () => {
    expectError(text(), 'CLIENT_NOT_MASKED', 1, { from: 'client' });
    expectError(text({ mask: KEY }), 'SERVER_MASKED', 1, { from: 'server' });
  });
  it('lengths: minimal encoding, and the 64-bit MSB', () => {
    expectError(text({ lengthBits: 16 }), 'LENGTH_NOT_MINIMAL', 2);
    expectError(
      encodeFrame({ opcode: 2, payload: new Uint8Array(300), lengthBits: 64 }),
      'LENGTH_NOT_MINIMAL',
      2,
    );
    expectError(
      encodeFrame({ opcode: 2, rawLength64: new Uint8Array([0x80, 0, 0, 0, 0, 0, 0, 1]) }),
      'LENGTH_MSB_SET',
      2,
    );
    expectError(
      encodeFrame({ opcode: 2, rawLength64: new Uint8Array([0x7f, 0xff, 0, 0, 0, 0, 0, 0]) }),
      'LENGTH_TOO_LARGE',
      2,
    );
  });
  it('invalid UTF-8 in text, at the offending byte, across fragments and at the end', () => {
    expectError(
      encodeFrame({ opcode: 1, payload: new Uint8Array([0x61, 0xc0, 0x80]) }),
      'INVALID_UTF8_TEXT',
      3,
    );
    // Masked: the byte is found after unmasking.
    expectError(
      encodeFrame({
        opcode: 1,
        payload: new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]),
        mask: KEY,
      }),
      'INVALID_UTF8_TEXT',
      9,
      { from: 'client' },
    );
    // A character cut by the message's end: named at its lead byte.
    expectError(
      encodeFrame({ opcode: 1, payload: new Uint8Array([0x61, 0xe2, 0x82]) }),
      'INVALID_UTF8_TEXT',
      3,
    );
    const split = concat([
      encodeFrame({ opcode: 1, fin: false, payload: new Uint8Array([0xf0, 0x9f]) }),
      encodeFrame({ opcode: 0, payload: new Uint8Array([0x41]) }),
    ]);
    expectError(split, 'INVALID_UTF8_TEXT', 6);
    // Binary is never checked.
    assert.equal(
      errorOf(parse(encodeFrame({ opcode: 2, payload: new Uint8Array([0xff]) }))),
      undefined,
    );
  });
  it('Close bodies: one byte, a code that may not be sent, a reason that is not UTF-8', () => {
    expectError(encodeFrame({ opcode: 8, payload: new Uint8Array([3]) }), 'CLOSE_BODY_ONE_BYTE', 2);
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000])
      expectError(encodeFrame({ opcode: 8, payload: closePayload(code) }), 'BAD_CLOSE_CODE', 2);
    const badReason = concat([closePayload(1000), new Uint8Array([0x62, 0xff])]);
    expectError(encodeFrame({ opcode: 8, payload: badReason }), 'INVALID_UTF8_REASON', 5);
  });
  it('fragmentation: a continuation without a start, a new message inside one', () => {
    expectError(encodeFrame({ opcode: 0, payload: 'x' }), 'CONTINUATION_WITHOUT_START', 0);
    const overlap = concat([text({ fin: false }), text()]);
    expectError(overlap, 'MESSAGE_NOT_FINISHED', 4);
  });
  it('bytes after the Close frame', () => {
    expectError(
      concat([encodeFrame({ opcode: 8, payload: closePayload(1000) }), text()]),
      'DATA_AFTER_CLOSE',
      4,
    );
  });
  it('the end inside a frame or a fragmented message', () => {
    expectError(text().subarray(0, 3), 'TRUNCATED_FRAME', 0, { from: 'server' }, true);
    expectError(new Uint8Array([0x81]), 'TRUNCATED_FRAME', 0, { from: 'server' }, true);
    expectError(
      concat([text(), text({ fin: false })]),
      'UNFINISHED_MESSAGE',
      4,
      { from: 'server' },
      true,
    );
    assert.deepEqual(
      parse(text(), { from: 'server' }, true).map((e) => e.type),
      ['frame', 'message'],
    );
  });
  it('nothing is read after the first error', () => {
    const parser = new WebSocketParser({ from: 'server' });
    assert.equal(parser.push(encodeFrame({ opcode: 3 })).length, 1);
    assert.deepEqual(parser.push(text()), []);
    assert.equal(parser.error?.code, 'RESERVED_OPCODE');
  });
});

describe('UTF-8 and close codes', () => {
  it('UTF-8: overlongs, surrogates and code points above U+10FFFF are refused', () => {
    assert.ok(isUtf8(new TextEncoder().encode('héllo €𝄞 中文')));
    for (const bad of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5],
      [0x80],
    ])
      assert.equal(isUtf8(new Uint8Array(bad)), false, JSON.stringify(bad));
  });
  it('close codes: defined ones and 3000–4999 may be sent', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1011, 1012, 1014, 3000, 4999])
      assert.equal(isSendableCloseCode(code), true, String(code));
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000])
      assert.equal(isSendableCloseCode(code), false, String(code));
  });
});

// ---- Chunking invariance ----

const frameSpec = (client: boolean): fc.Arbitrary<FrameSpec[]> => {
  const mask = client ? fc.uint8Array({ minLength: 4, maxLength: 4 }) : fc.constant(null);
  const payload = fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 126, maxLength: 400 }) },
    {
      weight: 1,
      // 64-bit lengths: generated from a seed (65 K random bytes each would be slow to make).
      arbitrary: fc
        .tuple(fc.integer({ min: 65_536, max: 65_600 }), fc.nat(255))
        .map(([n, seed]) => new Uint8Array(n).map((_, i) => (i * 31 + seed) & 0xff)),
    },
  );
  const text = fc.string({ unit: 'grapheme', maxLength: 30 });
  const control = fc.record({
    opcode: fc.constantFrom(9, 10),
    payload: fc.uint8Array({ maxLength: 125 }),
    mask,
  });
  // A message: one frame or several fragments, with control frames between them.
  const message = fc
    .record({
      binary: fc.boolean(),
      parts: fc.array(payload, { minLength: 1, maxLength: 4 }),
      texts: fc.array(text, { minLength: 1, maxLength: 20 }),
      controls: fc.array(fc.option(control, { nil: undefined }), { minLength: 4, maxLength: 4 }),
      masks: fc.array(mask, { minLength: 4, maxLength: 4 }),
    })
    .map(({ binary, parts, texts, controls, masks }) => {
      // Text fragments are cut from valid UTF-8 as a whole, anywhere, even inside a character.
      const whole = new TextEncoder().encode(texts.join(''));
      const specs: FrameSpec[] = [];
      const cuts = parts.length;
      const size = Math.ceil(whole.length / cuts);
      for (let i = 0; i < cuts; i++) {
        const piece = binary
          ? parts[i]!
          : whole.subarray(i * size, Math.min(whole.length, (i + 1) * size));
        specs.push({
          opcode: i === 0 ? (binary ? 2 : 1) : 0,
          fin: i === cuts - 1,
          payload: piece,
          mask: masks[i]!,
        });
        const between = controls[i];
        if (between && i < cuts - 1) specs.push(between);
      }
      return specs;
    });
  return fc.array(message, { maxLength: 5 }).map((all) => all.flat());
};

function detachAll(events: WsEvent[]): unknown[] {
  return events.map((e) =>
    JSON.parse(
      JSON.stringify(e, (_k, v: unknown) =>
        v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
      ),
    ),
  );
}

describe('WebSocket chunking invariance', () => {
  it('every chunking gives the same frames, messages and errors', () => {
    fc.assert(
      fc.property(
        fc
          .boolean()
          .chain((client) =>
            fc.tuple(
              fc.constant(client),
              frameSpec(client),
              fc.array(fc.nat(), { maxLength: 12 }),
              fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
            ),
          ),
        ([client, specs, cutSeeds, flip]) => {
          const options: WebSocketParserOptions = { from: client ? 'client' : 'server', offset: 7 };
          const bytes = concat([
            ...specs.map(encodeFrame),
            encodeFrame({
              opcode: 8,
              payload: closePayload(1000, 'ok'),
              mask: client ? KEY : null,
            }),
          ]);
          // Sometimes one byte is flipped: the error, too, must not depend on the chunking.
          if (flip && bytes.length > 0) bytes[flip[0] % bytes.length]! ^= flip[1];
          const whole = detachAll(parse(bytes, options, true));
          const cuts = [...new Set(cutSeeds.map((s) => s % (bytes.length + 1)))].sort(
            (a, b) => a - b,
          );
          const parser = new WebSocketParser(options);
          const split: WsEvent[] = [];
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            split.push(...parser.push(bytes.subarray(from, cut)));
            from = cut;
          }
          split.push(...parser.end());
          assert.deepEqual(detachAll(split), whole);
          if (!flip) {
            // Unflipped, the messages are exactly those sent, in order, and nothing is wrong.
            const got = messagesOf(parse(bytes, options, true));
            assert.deepEqual(
              got.map((m) => [m.kind, Buffer.from(m.data).toString('hex')]),
              [
                ...expectedMessages(specs),
                ['close', Buffer.from(closePayload(1000, 'ok')).toString('hex')],
              ],
            );
            assert.equal(errorOf(parse(bytes, options, true)), undefined);
          }
        },
      ),
      { numRuns: 200, seed: 20261201 },
    );
  });
});

/** The messages a list of valid frames carries: control frames alone, fragments joined. */
function expectedMessages(specs: FrameSpec[]): [string, string][] {
  const names: Record<number, string> = {
    1: 'text',
    2: 'binary',
    8: 'close',
    9: 'ping',
    10: 'pong',
  };
  const out: [string, string][] = [];
  let current: { kind: string; data: number[] } | null = null;
  for (const spec of specs) {
    const data = [...bytesOf(spec.payload)];
    if (spec.opcode >= 8) {
      out.push([names[spec.opcode]!, Buffer.from(data).toString('hex')]);
      continue;
    }
    if (spec.opcode !== 0) current = { kind: names[spec.opcode]!, data: [] };
    current!.data.push(...data);
    if (spec.fin ?? true) {
      out.push([current!.kind, Buffer.from(current!.data).toString('hex')]);
      current = null;
    }
  }
  return out;
}

describe('WebSocket parser on any bytes', () => {
  it('never throws, reports at most one error and reads nothing after it', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        fc.boolean(),
        (bytes, client, deflate) => {
          const parser = new WebSocketParser({
            from: client ? 'client' : 'server',
            perMessageDeflate: deflate,
          });
          const events = [...parser.push(bytes), ...parser.end()];
          const errors = events.filter((e) => e.type === 'error');
          assert.ok(errors.length <= 1);
          if (errors.length === 1) assert.equal(events.at(-1)?.type, 'error');
        },
      ),
      { numRuns: 500, seed: 20261202 },
    );
  });
});

describe('WebSocket explanations', () => {
  it('every frame part and every error has an explanation in English and Chinese, with its RFC section', () => {
    const keys = [
      'ws.first-byte',
      'ws.second-byte',
      'ws.length-16',
      'ws.length-64',
      'ws.masking-key',
      'ws.close-code',
      'ws.close-reason',
      ...(['text', 'binary', 'continuation', 'ping', 'pong', 'close'] as const).map(
        (kind) => `ws.payload.${kind}`,
      ),
      ...WS_ERROR_CODES.map(wsErrorKey),
    ];
    for (const key of keys) {
      const en = explain(key, 'en');
      const zh = explain(key, 'zh-CN');
      assert.ok(en && zh, key);
      assert.match(en.rfc, /^RFC 6455 §\d/, key);
      assert.ok(en.title.length > 3 && en.text.length > 20, key);
      assert.match(zh.title + zh.text, /[\u4e00-\u9fff]/, key);
    }
    assert.equal(explain('ws.error.BAD_CLOSE_CODE')?.rfc, 'RFC 6455 §7.4');
  });
});
