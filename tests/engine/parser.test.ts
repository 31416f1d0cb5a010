// Behaviours of the parser that llhttp's corpus does not pin: exact events and spans, limits,
// end of stream, keep-alive, tunnels, bodiless responses, target components.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ChunkExtensionEvent,
  ErrorEvent,
  ParserEvent,
  ParserOptions,
} from '../../src-main/engine/events';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { statusForError } from '../../src-main/engine/errors';
import { parseTarget } from '../../src-main/engine/target';

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const text = (data: Uint8Array): string => String.fromCharCode(...data);

/** Events without the `data` views, comparable with deepEqual. */
function plain(events: ParserEvent[]): object[] {
  return events.map((e) => {
    if (e.type === 'body' || e.type === 'tunnel') {
      const { data, ...rest } = e;
      return { ...rest, text: text(data) };
    }
    return e;
  });
}

function parseRequest(input: string, options?: ParserOptions): ParserEvent[] {
  return new RequestParser(options).push(bytes(input));
}

function only<T extends ParserEvent['type']>(
  events: ParserEvent[],
  type: T,
): Extract<ParserEvent, { type: T }>[] {
  return events.filter((e): e is Extract<ParserEvent, { type: T }> => e.type === type);
}

function errorOf(events: ParserEvent[]): ErrorEvent {
  const error = only(events, 'error')[0];
  assert.ok(error, `expected an error in ${JSON.stringify(plain(events))}`);
  return error;
}

/** The same input fed one byte at a time, body pieces merged. */
function bytewise(parser: RequestParser | ResponseParser, input: string): object[] {
  const events: ParserEvent[] = [];
  const all = bytes(input);
  for (let k = 0; k < all.length; k++) events.push(...parser.push(all.subarray(k, k + 1)));
  const merged: object[] = [];
  for (const e of plain(events)) {
    const last = merged[merged.length - 1] as { type?: string; length: number; text: string };
    const cur = e as { type: string; length: number; text: string };
    if (cur.type === 'body' && last?.type === 'body') {
      last.length += cur.length;
      last.text += cur.text;
    } else merged.push({ ...e });
  }
  return merged;
}

const BROWSER_GET =
  'GET /search?q=http%2F1.1&lang=en HTTP/1.1\r\n' +
  'Host: example.test:8080\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n' +
  'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n' +
  'Accept-Language: en-GB,en;q=0.5\r\n' +
  'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
  'Connection: keep-alive\r\n' +
  'Upgrade-Insecure-Requests: 1\r\n' +
  'Sec-Fetch-Dest: document\r\n' +
  'Cookie: session=abc123; theme=dark  \r\n' +
  '\r\n';

describe('a browser GET', () => {
  const events = parseRequest(BROWSER_GET);

  it('gives the start line, one name/value pair per field, then the end of the head', () => {
    const types = events.map((e) => e.type);
    const fields = BROWSER_GET.split('\r\n').slice(1, -2).length;
    assert.deepEqual(types, [
      'messageBegin',
      'method',
      'target',
      'version',
      ...Array.from({ length: fields }, () => ['headerName', 'headerValue']).flat(),
      'headersComplete',
      'messageComplete',
    ]);
  });

  it('gives each token the span of its bytes and the decoded value', () => {
    const input = bytes(BROWSER_GET);
    for (const e of events) {
      if (
        e.type === 'method' ||
        e.type === 'target' ||
        e.type === 'headerName' ||
        e.type === 'headerValue'
      ) {
        assert.equal(text(input.subarray(e.offset, e.offset + e.length)), e.value);
      }
    }
    const [method] = only(events, 'method');
    assert.deepEqual([method.offset, method.length, method.value], [0, 3, 'GET']);
    const [target] = only(events, 'target');
    assert.equal(target.value, '/search?q=http%2F1.1&lang=en');
    const [version] = only(events, 'version');
    assert.equal(text(input.subarray(version.offset, version.offset + version.length)), 'HTTP/1.1');
    assert.deepEqual([version.major, version.minor], [1, 1]);
  });

  it('leaves the whitespace around a field value out of its span', () => {
    const cookie = only(events, 'headerValue').find((e) => e.value.startsWith('session'));
    assert.equal(cookie?.value, 'session=abc123; theme=dark');
    assert.equal(cookie?.offset, BROWSER_GET.indexOf('session'));
  });

  it('ends the head on the empty line, with framing and keep-alive', () => {
    const [head] = only(events, 'headersComplete');
    assert.equal(head.offset, BROWSER_GET.length - 2);
    assert.equal(head.length, 2);
    assert.equal(head.framing, 'none');
    assert.equal(head.keepAlive, true);
    assert.equal(head.upgrade, false);
    assert.equal(head.method, 'GET');
    const [done] = only(events, 'messageComplete');
    assert.equal(done.offset, BROWSER_GET.length);
  });

  it('gives the same events fed one byte at a time', () => {
    assert.deepEqual(bytewise(new RequestParser(), BROWSER_GET), plain(events));
  });
});

describe('a chunked body with extensions and trailers', () => {
  const input =
    'POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n' +
    '5;name="v 1"\r\nhello\r\n' +
    '6\r\n world\r\n' +
    '0\r\nDigest: sha-256=x\r\n\r\n';

  it('reports chunk headers, views of the data, trailers and the end', () => {
    const chunk = bytes(input);
    const events = new RequestParser().push(chunk);
    const head = only(events, 'headersComplete')[0];
    assert.equal(head.framing, 'chunked');
    const headers = only(events, 'chunkHeader');
    assert.deepEqual(
      headers.map((h) => h.size),
      [5, 6, 0],
    );
    assert.equal(headers[0].sizeOffset, input.indexOf('5;'));
    assert.equal(headers[0].sizeLength, 1);
    assert.equal(headers[0].offset + headers[0].length, input.indexOf('hello'));
    const bodies = only(events, 'body');
    assert.equal(bodies.map((b) => text(b.data)).join(''), 'hello world');
    for (const b of bodies) {
      assert.equal(b.data.buffer, chunk.buffer, 'body data is a view into the pushed chunk');
      assert.equal(text(chunk.subarray(b.offset, b.offset + b.length)), text(b.data));
    }
    const extensions = events.filter(
      (e): e is ChunkExtensionEvent =>
        e.type === 'chunkExtensionName' || e.type === 'chunkExtensionValue',
    );
    assert.deepEqual(
      extensions.map((e) => [e.type, e.value, e.offset]),
      [
        ['chunkExtensionName', 'name', input.indexOf('name=')],
        ['chunkExtensionValue', '"v 1"', input.indexOf('"v 1"')],
      ],
    );
    const headEnd = events.findIndex((e) => e.type === 'headersComplete');
    const trailerNames = only(events.slice(headEnd), 'headerName');
    assert.deepEqual(
      trailerNames.map((e) => e.value),
      ['Digest'],
    );
    const completes = only(events, 'chunkComplete');
    assert.equal(completes.length, 3);
    assert.equal(completes[2].offset + completes[2].length, input.length);
    assert.deepEqual(events[events.length - 1], {
      type: 'messageComplete',
      offset: input.length,
      length: 0,
    });
  });

  it('gives the same events fed one byte at a time', () => {
    assert.deepEqual(
      bytewise(new RequestParser(), input),
      plain(new RequestParser().push(bytes(input))),
    );
  });

  it('rejects a chunk size that overflows 64 bits', () => {
    const error = errorOf(
      parseRequest('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\n'),
    );
    assert.equal(error.code, 'INVALID_CHUNK_SIZE');
  });
});

describe('pipelined and keep-alive requests', () => {
  const first = 'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc';
  const second = 'GET /b HTTP/1.1\r\n\r\n';

  it('continue the offsets across messages and pushes', () => {
    const parser = new RequestParser();
    const events = [
      ...parser.push(bytes(first + second.slice(0, 7))),
      ...parser.push(bytes(second.slice(7))),
    ];
    const begins = only(events, 'messageBegin').map((e) => e.offset);
    assert.deepEqual(begins, [0, first.length]);
    const targets = only(events, 'target');
    assert.deepEqual(
      targets.map((t) => [t.value, t.offset]),
      [
        ['/a', 5],
        ['/b', first.length + 4],
      ],
    );
    const completes = only(events, 'messageComplete').map((e) => e.offset);
    assert.deepEqual(completes, [first.length, first.length + second.length]);
  });

  /** Message k of a long pipeline (`shape` varies sizes): a few values hold obs-text. */
  function pipelineMessage(k: number, shape = 0): string {
    const value = k % 7 === 3 ? 'caf\xe9 \xff' : 'v'.repeat((k + shape) % 23);
    return (
      `GET /item/${k}?pad=${'p'.repeat((k * 37 + shape * 11) % 300)} HTTP/1.1\r\n` +
      `Host: example.test\r\nX-Index: ${k}\r\nX-Value: ${value}\r\n` +
      `X-Long: ${'L'.repeat((k * 53 + shape * 7) % 700)}\r\n\r\n`
    );
  }

  it('give each message of a long pipeline in one push the events it gives alone', () => {
    // Each shape puts the ends of the stretches decoded at once at other bytes of the tokens.
    for (let shape = 0; shape < 40; shape++) {
      const messages = Array.from({ length: 90 }, (_, k) => pipelineMessage(k, shape));
      const whole = messages.join('');
      assert.ok(whole.length > 40000);
      const together = plain(new RequestParser().push(bytes(whole)));
      const expected: object[] = [];
      let start = 0;
      for (const message of messages) {
        for (const e of new RequestParser().push(bytes(message)))
          expected.push({ ...e, offset: e.offset + start });
        start += message.length;
      }
      assert.equal(only(together as ParserEvent[], 'messageComplete').length, messages.length);
      assert.deepEqual(together, expected, `shape ${shape}`);
    }
  });

  it('count the head limit from the start of each message, not of the push', () => {
    const messages = Array.from({ length: 40 }, (_, k) => pipelineMessage(k));
    const whole = messages.join('');
    const maxHeadBytes = Math.max(...messages.map((m) => m.length));
    assert.ok(whole.length > 10 * maxHeadBytes);
    const events = parseRequest(whole, { limits: { maxHeadBytes } });
    assert.equal(only(events, 'error').length, 0);
    assert.equal(only(events, 'messageComplete').length, messages.length);
    const tooSmall = parseRequest(whole, { limits: { maxHeadBytes: maxHeadBytes - 1 } });
    assert.equal(errorOf(tooSmall).code, 'HEADER_TOO_LARGE');
  });

  it('restart at zero after reset()', () => {
    const parser = new RequestParser();
    parser.push(bytes(first));
    parser.reset();
    const events = parser.push(bytes(second));
    assert.equal(only(events, 'target')[0].offset, 4);
  });
});

describe('limits', () => {
  it('answers 431 when the head is larger than maxHeadBytes', () => {
    const input = 'GET / HTTP/1.1\r\nX-Long: ' + 'a'.repeat(200) + '\r\n\r\n';
    const error = errorOf(parseRequest(input, { limits: { maxHeadBytes: 100 } }));
    assert.deepEqual([error.code, error.status, error.offset], ['HEADER_TOO_LARGE', 431, 100]);
  });

  it('answers 414 when the target is longer than maxTargetLength', () => {
    const input = 'GET /' + 'x'.repeat(50) + ' HTTP/1.1\r\n\r\n';
    const error = errorOf(parseRequest(input, { limits: { maxTargetLength: 20 } }));
    assert.deepEqual([error.code, error.status, error.offset], ['TARGET_TOO_LONG', 414, 4 + 20]);
  });

  it('answers 431 on the field after maxHeaders', () => {
    const input = 'GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n';
    const error = errorOf(parseRequest(input, { limits: { maxHeaders: 2 } }));
    assert.deepEqual(
      [error.code, error.status, error.offset],
      ['TOO_MANY_HEADERS', 431, input.indexOf('C:')],
    );
  });

  it('answers 413 at the head when Content-Length exceeds maxBodyBytes', () => {
    const input = 'POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world';
    const events = parseRequest(input, { limits: { maxBodyBytes: 10 } });
    assert.equal(only(events, 'headersComplete').length, 1);
    const error = errorOf(events);
    assert.deepEqual([error.code, error.status], ['BODY_TOO_LARGE', 413]);
    assert.equal(only(events, 'body').length, 0);
  });

  it('answers 413 when chunked data goes beyond maxBodyBytes', () => {
    const input =
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n8\r\nefghijkl\r\n0\r\n\r\n';
    const error = errorOf(parseRequest(input, { limits: { maxBodyBytes: 10 } }));
    assert.deepEqual(
      [error.code, error.status, error.offset],
      ['BODY_TOO_LARGE', 413, input.indexOf('8\r\n')],
    );
  });

  it('stops a close-delimited response body at maxBodyBytes, however the bytes arrive', () => {
    const head = 'HTTP/1.1 200 OK\r\n\r\n';
    const input = head + 'a'.repeat(25);
    const options = { limits: { maxBodyBytes: 10 } };
    const whole = new ResponseParser(options).push(bytes(input));
    const error = errorOf(whole);
    assert.deepEqual(
      [error.code, error.status, error.offset],
      ['BODY_TOO_LARGE', 413, head.length + 10],
    );
    const bodyBytes = only(whole, 'body').reduce((sum, e) => sum + e.length, 0);
    assert.equal(bodyBytes, 10);
    assert.deepEqual(bytewise(new ResponseParser(options), input), plain(whole));
    const atLimit = new ResponseParser(options);
    const events = [...atLimit.push(bytes(head + 'a'.repeat(10))), ...atLimit.finish()];
    assert.equal(only(events, 'error').length, 0);
    assert.equal(only(events, 'messageComplete').length, 1);
  });

  it('accepts a message exactly at each limit', () => {
    const input = 'GET /abc HTTP/1.1\r\nA: 1\r\n\r\n';
    const events = parseRequest(input, {
      limits: { maxHeadBytes: input.length, maxTargetLength: 4, maxHeaders: 1 },
    });
    assert.equal(only(events, 'error').length, 0);
    assert.equal(only(events, 'messageComplete').length, 1);
  });
});

describe('errors', () => {
  // The table of error codes per input lives in tests/engine/data/engine-cases.json.
  it('gives each error its status and a reason', () => {
    const error = errorOf(parseRequest('GET / HTTP/3.0\r\n\r\n'));
    assert.deepEqual([error.code, error.status], ['UNSUPPORTED_VERSION', 505]);
    assert.equal(statusForError(error.code), error.status);
    assert.ok(error.reason.length > 0);
  });

  it('reports the exact offset of an invalid name character', () => {
    const input = 'GET / HTTP/1.1\r\nGood: 1\r\nBa{d: 2\r\n\r\n';
    assert.equal(errorOf(parseRequest(input)).offset, input.indexOf('{'));
  });

  it('stays failed after an error', () => {
    const parser = new RequestParser();
    assert.ok(only(parser.push(bytes('GET / HTTP/1.1\r\nA : b\r\n')), 'error').length === 1);
    assert.equal(parser.failed, true);
    assert.deepEqual(parser.push(bytes('GET / HTTP/1.1\r\n\r\n')), []);
    assert.deepEqual(parser.finish(), []);
  });

  it('accepts any token as a method and leaves 501 to the server', () => {
    const events = parseRequest('BREW /pot HTTP/1.1\r\n\r\n');
    assert.equal(only(events, 'method')[0].value, 'BREW');
    assert.equal(only(events, 'error').length, 0);
    assert.equal(statusForError('METHOD_NOT_IMPLEMENTED'), 501);
  });

  it('accepts the same input with the matching lenient flag', () => {
    const events = parseRequest('GET / HTTP/1.1\r\nA: 1\r\n 2\r\n\r\n', {
      lenient: { headers: true },
    });
    assert.equal(only(events, 'error').length, 0);
    assert.equal(only(events, 'headerValue')[0].value, '1\r\n 2');
  });

  it('keeps offsets and values exact after UTF-8 bytes in a value', () => {
    const input = 'GET / HTTP/1.1\r\nX-Name: Jos\xc3\xa9 \xe2\x82\xac\r\nHost: a\r\n\r\n';
    const events = parseRequest(input);
    const values = only(events, 'headerValue');
    assert.deepEqual(
      values.map((v) => [v.value, v.offset, v.length]),
      [
        ['Jos\u00c3\u00a9 \u00e2\u0082\u00ac', input.indexOf('Jos'), 9],
        ['a', input.indexOf('a\r\n\r\n'), 1],
      ],
    );
    assert.equal(only(events, 'headerName')[1].value, 'Host');
  });

  it('does not take NBSP (0xA0) for whitespace around a list element', () => {
    const events = parseRequest('GET / HTTP/1.1\r\nConnection: \xa0close\r\n\r\n');
    assert.equal(only(events, 'headersComplete')[0].keepAlive, true);
  });

  it('decodes obs-text bytes as latin1, 0x80–0x9F included', () => {
    const events = parseRequest('GET / HTTP/1.1\r\nX: \x80\x9f\xe9\xff\r\n\r\n');
    assert.equal(only(events, 'headerValue')[0].value, '\u0080\u009f\u00e9\u00ff');
  });
});

describe('finish()', () => {
  it('reports a truncated request as INVALID_EOF_STATE', () => {
    const parser = new RequestParser();
    parser.push(bytes('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'));
    const error = errorOf(parser.finish());
    assert.equal(error.code, 'INVALID_EOF_STATE');
    assert.equal(error.offset, 'POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'.length);
  });

  it('returns nothing between messages', () => {
    const parser = new RequestParser();
    parser.push(bytes('GET / HTTP/1.1\r\n\r\n'));
    assert.deepEqual(parser.finish(), []);
    assert.deepEqual(new RequestParser().finish(), []);
  });

  it('completes a close-delimited response body', () => {
    const parser = new ResponseParser();
    const input = 'HTTP/1.1 200 OK\r\n\r\nall of it';
    const events = parser.push(bytes(input));
    assert.equal(only(events, 'headersComplete')[0].framing, 'close-delimited');
    assert.equal(only(events, 'headersComplete')[0].keepAlive, false);
    assert.deepEqual(parser.finish(), [
      { type: 'messageComplete', offset: input.length, length: 0 },
    ]);
  });
});

describe('keep-alive (RFC 9112 §9.3)', () => {
  const keepAlive = (head: string): boolean =>
    only(parseRequest(head + '\r\n'), 'headersComplete')[0].keepAlive;

  it('decides from the version and Connection', () => {
    assert.equal(keepAlive('GET / HTTP/1.1\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.1\r\nConnection: close\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.0\r\n'), false);
    assert.equal(keepAlive('GET / HTTP/1.0\r\nConnection: keep-alive\r\n'), true);
  });

  it('reads a higher minor version as HTTP/1.1 (RFC 9110 §2.5), reporting the version sent', () => {
    assert.equal(keepAlive('GET / HTTP/1.2\r\n'), true);
    assert.equal(keepAlive('GET / HTTP/1.9\r\nConnection: close\r\n'), false);
    const events = parseRequest('GET / HTTP/1.2\r\nHost: a\r\n\r\n');
    assert.equal(only(events, 'error').length, 0);
    const [version] = only(events, 'version');
    assert.deepEqual([version.major, version.minor], [1, 2]);
    const response = new ResponseParser().push(
      bytes('HTTP/1.3 200 OK\r\nContent-Length: 0\r\n\r\n'),
    );
    assert.equal(only(response, 'headersComplete')[0]?.keepAlive, true);
  });

  it('treats data after a closing message as an error', () => {
    const parser = new RequestParser();
    const events = parser.push(bytes('GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n'));
    assert.equal(only(events, 'messageComplete').length, 1);
    assert.equal(errorOf(events).code, 'DATA_AFTER_CLOSE');
  });
});

describe('tunnels', () => {
  it('hands everything after a CONNECT head over as tunnel bytes', () => {
    const head = 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n';
    const parser = new RequestParser();
    const events = [
      ...parser.push(bytes(head + '\x16\x03\x01')),
      ...parser.push(bytes('GET / HTTP/1.1')),
    ];
    const done = only(events, 'headersComplete')[0];
    assert.deepEqual([done.framing, done.upgrade], ['tunnel', true]);
    const tunnel = only(events, 'tunnel');
    assert.deepEqual(
      tunnel.map((t) => [t.offset, text(t.data)]),
      [
        [head.length, '\x16\x03\x01'],
        [head.length + 3, 'GET / HTTP/1.1'],
      ],
    );
    assert.deepEqual(parser.finish(), []);
  });

  it('reads an Upgrade request body first, then tunnels', () => {
    const head =
      'POST /ws HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n\r\n';
    const events = parseRequest(head + 'hi\x81\x00');
    assert.equal(only(events, 'headersComplete')[0].upgrade, true);
    assert.equal(
      only(events, 'body')
        .map((b) => text(b.data))
        .join(''),
      'hi',
    );
    assert.deepEqual(
      only(events, 'tunnel').map((t) => [t.offset, text(t.data)]),
      [[head.length + 2, '\x81\x00']],
    );
  });

  it('does not upgrade on an Upgrade header without Connection: upgrade', () => {
    const events = parseRequest(
      'GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET / HTTP/1.1\r\n\r\n',
    );
    assert.equal(only(events, 'tunnel').length, 0);
    assert.equal(only(events, 'messageComplete').length, 2);
  });

  it('switches a 101 response with Upgrade to a tunnel', () => {
    const head =
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';
    const events = new ResponseParser().push(bytes(head + '\x81\x05'));
    assert.equal(only(events, 'headersComplete')[0].framing, 'tunnel');
    assert.deepEqual(
      only(events, 'tunnel').map((t) => t.offset),
      [head.length],
    );
  });
});

describe('responses without a body', () => {
  const next = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

  it('reads no body after a response to HEAD', () => {
    const parser = new ResponseParser();
    parser.expectResponseTo('HEAD');
    parser.expectResponseTo('GET');
    const first = 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n';
    const events = parser.push(bytes(first + next));
    const heads = only(events, 'headersComplete');
    assert.deepEqual(
      heads.map((h) => [h.framing, h.contentLength]),
      [
        ['none', 1234],
        ['content-length', 2],
      ],
    );
    assert.deepEqual(
      only(events, 'messageComplete').map((e) => e.offset),
      [first.length, first.length + next.length],
    );
  });

  for (const status of ['204 No Content', '304 Not Modified', '100 Continue']) {
    it(`reads no body after ${status}`, () => {
      const first = `HTTP/1.1 ${status}\r\nContent-Length: 99\r\n\r\n`;
      const events = new ResponseParser().push(bytes(first + next));
      assert.equal(only(events, 'headersComplete')[0].framing, 'none');
      assert.equal(
        only(events, 'body')
          .map((b) => text(b.data))
          .join(''),
        'ok',
      );
      assert.equal(only(events, 'messageComplete').length, 2);
    });
  }

  for (const status of ['000', '099', '600']) {
    it(`reads the body of a response with status ${status}: only 1xx is informational`, () => {
      const parser = new ResponseParser();
      const events = [...parser.push(bytes(`HTTP/1.1 ${status} X\r\n\r\nabc`)), ...parser.finish()];
      assert.equal(only(events, 'headersComplete')[0].framing, 'close-delimited');
      assert.equal(
        only(events, 'body')
          .map((b) => text(b.data))
          .join(''),
        'abc',
      );
    });
  }

  it('tunnels after a 2xx answer to CONNECT given through requestMethods', () => {
    const head = 'HTTP/1.1 200 Connection Established\r\n\r\n';
    const events = new ResponseParser({ requestMethods: ['CONNECT'] }).push(bytes(head + 'xyz'));
    assert.equal(only(events, 'headersComplete')[0].framing, 'tunnel');
    assert.deepEqual(
      only(events, 'tunnel').map((t) => text(t.data)),
      ['xyz'],
    );
  });

  it('lets Transfer-Encoding win over Content-Length in a response (RFC 9112 §6.3)', () => {
    const input =
      'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n';
    const events = new ResponseParser().push(bytes(input));
    assert.equal(only(events, 'headersComplete')[0].framing, 'chunked');
    assert.equal(only(events, 'messageComplete')[0].offset, input.length);
  });

  it('reads to the end when chunked is not the last coding of a response', () => {
    const events = new ResponseParser().push(
      bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nxx'),
    );
    assert.equal(only(events, 'headersComplete')[0].framing, 'close-delimited');
  });
});

describe('request-target components', () => {
  it('splits an absolute-form target', () => {
    const t = parseTarget('http://user:pw@example.test:8080/p/a?q=1#frag');
    assert.equal(t.form, 'absolute');
    assert.deepEqual(
      [
        t.scheme?.value,
        t.userinfo?.value,
        t.host?.value,
        t.port?.value,
        t.path?.value,
        t.query?.value,
        t.fragment?.value,
      ],
      ['http', 'user:pw', 'example.test', '8080', '/p/a', 'q=1', 'frag'],
    );
    assert.equal(t.host?.offset, 'http://user:pw@'.length);
  });

  it('recognises origin, authority and asterisk forms', () => {
    assert.equal(parseTarget('/x?y').form, 'origin');
    const authority = parseTarget('[::1]:443', { connect: true });
    assert.deepEqual(
      [authority.form, authority.host?.value, authority.port?.value],
      ['authority', '[::1]', '443'],
    );
    assert.equal(parseTarget('*').form, 'asterisk');
  });

  it('reports where a target is invalid', () => {
    assert.equal(parseTarget('http:/x').error?.offset, 6);
    assert.ok(parseTarget('/a b').error);
    assert.equal(parseTarget('/a?b').error, null);
  });
});

describe('request-target forms (RFC 9112 §3.2)', () => {
  // Each form with each method, accepted or rejected at its byte: tests/engine/data/engine-cases.json.
  it('reports the same error whatever the chunking', () => {
    for (const input of ['GET a/b HTTP/1.1\r\n\r\n', 'CONNECT example.test HTTP/1.1\r\n\r\n']) {
      const whole = plain(new RequestParser().push(bytes(input)));
      assert.deepEqual(bytewise(new RequestParser(), input), whole);
    }
  });
});

describe('field lines read in one loop', () => {
  /** `input` pushed whole from a buffer starting at byte offset `shift` (0–3) of its ArrayBuffer. */
  function pushedAt(shift: number, input: string, options?: ParserOptions): object[] {
    const data = bytes(input);
    const buffer = new Uint8Array(data.length + 8);
    buffer.set(data, shift);
    return plain(new RequestParser(options).push(buffer.subarray(shift, shift + data.length)));
  }

  const MIXED =
    'GET /x HTTP/1.1\r\n' +
    'Host: example.test\r\n' +
    'X-Tabs: a\tb\t c\r\n' +
    'X-Latin1: caf\xe9 \x80\x9f\xa0\xff end\r\n' +
    'X-Empty:\r\n' +
    'X-Blank:  \t \r\n' +
    'X-Trailing-Ws: value \t \r\n' +
    'X-Long: ' +
    'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(4) +
    '\r\n' +
    'Connection: keep-alive\r\n' +
    '\r\n';

  it('gives the events of the byte-by-byte state machine at every buffer alignment', () => {
    const expected = bytewise(new RequestParser(), MIXED);
    for (let shift = 0; shift < 4; shift++) assert.deepEqual(pushedAt(shift, MIXED), expected);
    const values = (expected as ParserEvent[])
      .filter((e) => e.type === 'headerValue')
      .map((e) => (e as { value: string }).value);
    assert.deepEqual(values.slice(1, 5), ['a\tb\t c', 'caf\xe9 \x80\x9f\xa0\xff end', '', '']);
    assert.equal(values[5], 'value');
  });

  it('rejects a control byte or DEL at any position of a value, at its offset', () => {
    const prefix = 'GET / HTTP/1.1\r\nHost: a\r\nX-Value: ';
    for (const bad of ['\x01', '\x7f', '\x1f', '\x00']) {
      // Short values are read byte by byte, long ones four bytes at a time: both are covered.
      for (const at of [0, 1, 2, 3, 5, 8, 13, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 60]) {
        const value =
          'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2).slice(0, at) + bad + 'qrstuvwxyz';
        const input = prefix + value + '\r\nX-Pad: ' + 'p'.repeat(64) + '\r\n\r\n';
        for (let shift = 0; shift < 4; shift++) {
          const events = pushedAt(shift, input) as ParserEvent[];
          const error = errorOf(events);
          assert.equal(error.code, bad === '\x00' ? 'NUL_BYTE' : 'INVALID_HEADER_VALUE');
          assert.equal(error.offset, prefix.length + at);
          assert.deepEqual(events, bytewise(new RequestParser(), input));
        }
      }
    }
  });

  it('stops at the head limit wherever it falls, as the state machine does', () => {
    for (let limit = 20; limit < MIXED.length; limit += 7) {
      const options = { limits: { maxHeadBytes: limit } };
      const expected = bytewise(new RequestParser(options), MIXED);
      assert.equal(errorOf(expected as ParserEvent[]).code, 'HEADER_TOO_LARGE');
      for (let shift = 0; shift < 4; shift++) {
        assert.deepEqual(pushedAt(shift, MIXED, options), expected);
      }
    }
  });

  it('applies Connection and Upgrade read on the fast path', () => {
    const closing = parseRequest('GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(only(closing, 'headersComplete')[0]?.keepAlive, false);
    const upgrading = parseRequest(
      'GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nrest',
    );
    assert.equal(only(upgrading, 'headersComplete')[0]?.upgrade, true);
    assert.equal(only(upgrading, 'tunnel')[0]?.length, 4);
  });

  it('leaves a folded line to the state machine (obs-fold is an error unless lenient)', () => {
    const input = 'GET / HTTP/1.1\r\nX-A: one\r\n two\r\nHost: a\r\n\r\n';
    assert.equal(errorOf(parseRequest(input)).code, 'OBS_FOLD');
    const lenient = parseRequest(input, { lenient: { headers: true } });
    assert.equal(only(lenient, 'headerValue')[0]?.value, 'one\r\n two');
  });
});

describe('request line read in one pass', () => {
  // Its events and errors against the state machine: the request line cases of
  // tests/engine/data/engine-cases.json run whole, split at every byte and byte by byte.
  it('keeps the target and head limits at their exact bytes', () => {
    const input = 'GET /abcdef HTTP/1.1\r\nHost: a\r\n\r\n';
    for (let max = 5; max <= 8; max++) {
      const options = { limits: { maxTargetLength: max } };
      const whole = plain(new RequestParser(options).push(bytes(input)));
      assert.deepEqual(whole, bytewise(new RequestParser(options), input));
      const error = only(whole as ParserEvent[], 'error')[0];
      assert.equal(error?.code, max < 7 ? 'TARGET_TOO_LONG' : undefined);
    }
    for (let max = 15; max <= 24; max++) {
      const options = { limits: { maxHeadBytes: max } };
      const whole = plain(new RequestParser(options).push(bytes(input)));
      assert.deepEqual(whole, bytewise(new RequestParser(options), input));
      assert.equal(only(whole as ParserEvent[], 'error')[0]?.code, 'HEADER_TOO_LARGE');
    }
  });
});

describe('lists and chunk extensions where llhttp parts ways (docs/differential.md)', () => {
  const parseResponse = (input: string): ParserEvent[] => new ResponseParser().push(bytes(input));

  it('reads a tab before a comma in Transfer-Encoding as OWS (RFC 9110 §5.6.1)', () => {
    const twice =
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\t, gzip\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n';
    const error = errorOf(parseRequest(twice));
    assert.equal(error.code, 'INVALID_TRANSFER_ENCODING');
    assert.equal(error.offset, twice.indexOf(' gzip'));
    assert.equal(errorOf(parseRequest(twice.replace('\t', ' '))).offset, error.offset);

    const body = '\r\n\r\n1\r\nx\r\n0\r\n\r\n';
    const notLast = parseResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t, gzip' + body);
    assert.equal(only(notLast, 'headersComplete')[0]?.framing, 'close-delimited');
    const last = parseResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\t, chunked' + body);
    assert.equal(only(last, 'headersComplete')[0]?.framing, 'chunked');
    // RFC 9110 §5.6.1.2: empty list elements are ignored.
    const trailingComma = parseResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t,' + body);
    assert.equal(only(trailingComma, 'headersComplete')[0]?.framing, 'chunked');
  });

  it('rejects a chunk extension with an empty name before "=" (RFC 9112 §7.1.1)', () => {
    for (const extension of [';=value', ';nam;=value', ';a=b;=c', ';=']) {
      const input =
        'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `1${extension}\r\nx\r\n0\r\n\r\n`;
      const error = errorOf(parseRequest(input));
      assert.equal(error.code, 'INVALID_CHUNK_EXTENSION', extension);
      assert.equal(error.offset, input.indexOf(';=') + 1, extension);
    }
  });
});

describe('obs-fold replaced with SP (RFC 9112 §5.2, the replay client)', () => {
  const options = { replaceObsFold: true };

  it('replaces each fold, its whitespace included, with as many SP as bytes', () => {
    const input =
      'HTTP/1.1 200 OK\r\nX-A: one \t\r\n\t two\r\n  three\r\nX-B: a\tb\r\nContent-Length: 2\r\n\r\nok';
    const events = new ResponseParser(options).push(bytes(input));
    assert.equal(only(events, 'error').length, 0);
    const values = only(events, 'headerValue');
    assert.equal(values[0]?.value, 'one' + ' '.repeat(6) + 'two' + ' '.repeat(4) + 'three');
    assert.equal(values[0]?.length, values[0]?.value.length);
    assert.equal(values[0]?.offset, input.indexOf('one'));
    assert.equal(values[1]?.value, 'a\tb', 'a tab inside a value stays');
    assert.equal(only(events, 'body')[0]?.length, 2);
    assert.deepEqual(bytewise(new ResponseParser(options), input), plain(events));
  });

  it('reads a value that starts on the folded line', () => {
    const events = new ResponseParser(options).push(
      bytes('HTTP/1.1 204 No Content\r\nX-A:\r\n value\r\n\r\n'),
    );
    assert.equal(only(events, 'headerValue')[0]?.value, 'value');
  });

  it('is off by default: a fold is an error', () => {
    const input = 'HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n\r\n';
    assert.equal(errorOf(new ResponseParser().push(bytes(input))).code, 'OBS_FOLD');
  });
});
