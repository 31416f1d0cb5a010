import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  annotate,
  annotationKeys,
  fieldKey,
  type Annotation,
} from '../../src-main/engine/annotate';
import {
  ERROR_CODES,
  EXPLAINED_FIELDS,
  explain,
  explanations,
} from '../../src-main/engine/explanations';
import type { ErrorCode } from '../../src-main/engine/events';
import {
  ERROR_TABLE,
  PARSER_ERROR_CODES,
  errorExplanationKey,
  reasonForError,
  statusForError,
} from '../../src-main/engine/errors';
import { en } from '../../src-renderer/lib/locales/en';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';

const bytesOf = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Every byte in exactly one span, in order, no gaps, no overlaps, no empty spans. */
export function assertCovers(bytes: Uint8Array, spans: readonly Annotation[]): void {
  let at = 0;
  for (const span of spans) {
    assert.equal(span.offset, at, `span ${JSON.stringify(span)} should start at ${at}`);
    assert.ok(span.length > 0, `empty span ${JSON.stringify(span)}`);
    at += span.length;
  }
  assert.equal(at, bytes.length, 'spans should end at the last byte');
}

/** `kind:text` for each span, for readable assertions. */
function shape(bytes: Uint8Array, spans: readonly Annotation[]): string[] {
  const decode = (a: Annotation): string =>
    String.fromCharCode(...bytes.subarray(a.offset, a.offset + a.length))
      .replace(/\r/g, '\\r')
      .replace(/\n/g, '\\n');
  return spans.map((a) => `${a.kind}:${decode(a)}`);
}

describe('annotate: requests', () => {
  it('labels every part of a simple GET', () => {
    const bytes = bytesOf('GET / HTTP/1.1\r\nHost:  a \r\n\r\n');
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    assert.deepEqual(shape(bytes, spans), [
      'method:GET',
      'sp: ',
      'request-target:/',
      'sp: ',
      'version:HTTP/1.1',
      'crlf:\\r\\n',
      'field-name:Host',
      'colon::',
      'ows:  ',
      'field-value:a',
      'ows: ',
      'crlf:\\r\\n',
      'empty-line:\\r\\n',
    ]);
    const byKind = new Map(spans.map((a) => [a.kind, a]));
    assert.equal(byKind.get('field-name')?.key, 'header.host');
    assert.equal(byKind.get('field-value')?.field, 'host');
    assert.equal(byKind.get('version')?.key, 'version.1.1');
    assert.equal(byKind.get('request-target')?.key, 'request-target.origin');
    assert.equal(spans[5].key, 'crlf.start-line');
    assert.equal(byKind.get('empty-line')?.rfc, 'RFC 9112 §2.1');
    assert.ok(spans.every((a) => a.messageIndex === 0));
  });

  it('explains Content-Length and the body it frames', () => {
    const bytes = bytesOf('POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc');
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    const cl = spans.find((a) => a.kind === 'field-name' && a.field === 'content-length');
    assert.equal(cl?.key, 'header.content-length');
    assert.equal(cl?.rfc, 'RFC 9112 §6.2');
    assert.deepEqual(shape(bytes, spans).slice(-2), ['empty-line:\\r\\n', 'body:abc']);
  });

  it('labels chunk sizes, data, the last chunk and trailers', () => {
    const bytes = bytesOf(
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n',
    );
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    const kinds = shape(bytes, spans);
    const head = kinds.indexOf('empty-line:\\r\\n');
    assert.deepEqual(kinds.slice(head + 1, head + 4), [
      'chunk-size:5',
      'chunk-extension:;',
      'chunk-extension:a',
    ]);
    assert.ok(kinds.includes('chunk-data:hello'), kinds.join(' '));
    assert.ok(kinds.includes('chunk-crlf:\\r\\n'), kinds.join(' '));
    assert.ok(kinds.includes('last-chunk:0'), kinds.join(' '));
    assert.ok(kinds.includes('trailer-field-name:X-Sum'), kinds.join(' '));
    assert.ok(kinds.includes('trailer-field-value:1'), kinds.join(' '));
    assert.equal(spans[spans.length - 1].key, 'chunked.end');
  });

  it('numbers pipelined messages', () => {
    const first = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n';
    const bytes = bytesOf(first + 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    for (const span of spans)
      assert.equal(span.messageIndex, span.offset < first.length ? 0 : 1, JSON.stringify(span));
  });

  it('numbers a long keep-alive stream, leading empty lines belonging to the next message', () => {
    const one = '\r\nGET /p HTTP/1.1\r\nHost: x\r\n\r\n';
    const bytes = bytesOf(one.repeat(2000));
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    for (const span of spans) assert.equal(span.messageIndex, Math.floor(span.offset / one.length));
  });

  it('marks the interrupted token and everything after it as invalid, with the error code and offset', () => {
    const bytes = bytesOf('GET / HTTP/1.x\r\nHost: a\r\n\r\n');
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    const last = spans[spans.length - 1];
    assert.equal(last.kind, 'invalid');
    assert.equal(last.key, 'error.INVALID_VERSION');
    assert.equal(last.error, 'INVALID_VERSION');
    assert.equal(last.offset, 6, 'starts with the version token');
    assert.equal(last.errorOffset, 13, 'the parser stopped at the "x"');
    assert.equal(last.offset + last.length, bytes.length);
    assert.deepEqual(shape(bytes, spans).slice(0, 4), [
      'method:GET',
      'sp: ',
      'request-target:/',
      'sp: ',
    ]);
  });

  it('keeps the separators before an interrupted field value and marks the whole value invalid', () => {
    const bytes = bytesOf('GET / HTTP/1.1\r\nUser-Agent: my client\x00x\r\n\r\n');
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    const kinds = shape(bytes, spans);
    assert.deepEqual(kinds.slice(-4, -1), ['field-name:User-Agent', 'colon::', 'ows: ']);
    const last = spans[spans.length - 1];
    assert.equal(last.kind, 'invalid');
    assert.equal(
      kinds[kinds.length - 1].startsWith('invalid:my client'),
      true,
      kinds[kinds.length - 1],
    );
    assert.equal(last.errorOffset, bytes.indexOf(0));
  });

  it('labels the colon of a trailer field', () => {
    const bytes = bytesOf(
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Sum: 1\r\n\r\n',
    );
    const kinds = shape(bytes, annotate(bytes, 'request'));
    const name = kinds.indexOf('trailer-field-name:X-Sum');
    assert.deepEqual(kinds.slice(name, name + 4), [
      'trailer-field-name:X-Sum',
      'colon::',
      'ows: ',
      'trailer-field-value:1',
    ]);
  });

  it('marks an incomplete message as unparsed, or as an end-of-stream error when the stream is final', () => {
    const bytes = bytesOf('GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HT');
    const open = annotate(bytes, 'request');
    assertCovers(bytes, open);
    const cut = bytesOf('GET / HTTP/1.1\r\nUser-Agent: my cli');
    assert.deepEqual(shape(cut, annotate(cut, 'request')).slice(-2), ['ows: ', 'unparsed:my cli']);
    assert.deepEqual(
      open.slice(-2).map((a) => [a.kind, a.messageIndex]),
      [
        ['sp', 1],
        ['unparsed', 1],
      ],
    );
    const final = annotate(bytes, 'request', { final: true });
    assertCovers(bytes, final);
    const last = final[final.length - 1];
    assert.deepEqual(
      [last.kind, last.key, last.offset],
      ['invalid', 'error.INVALID_EOF_STATE', bytes.length - 2],
    );
  });

  it('shows bare LF line ends when the parser is lenient about them', () => {
    const bytes = bytesOf('GET / HTTP/1.1\nHost: a\n\n');
    const strict = annotate(bytes, 'request');
    assertCovers(bytes, strict);
    assert.ok(
      strict.some((a) => a.kind === 'invalid'),
      'strict parsing rejects bare LF',
    );
    const lenient = annotate(bytes, 'request', { lenient: { optionalCrBeforeLf: true } });
    assertCovers(bytes, lenient);
    const kinds = shape(bytes, lenient);
    assert.ok(kinds.includes('lf:\\n'), kinds.join(' '));
    assert.equal(lenient[lenient.length - 1].key, 'empty-line.lf');
  });

  it('marks tunnel bytes after CONNECT', () => {
    const bytes = bytesOf(
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01',
    );
    const spans = annotate(bytes, 'request');
    assertCovers(bytes, spans);
    assert.equal(spans.find((a) => a.kind === 'request-target')?.key, 'request-target.authority');
    assert.equal(spans[spans.length - 1].kind, 'tunnel');
  });
});

describe('annotate: responses', () => {
  it('labels the status line and a close-delimited body', () => {
    const bytes = bytesOf('HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>no</p>');
    const spans = annotate(bytes, 'response');
    assertCovers(bytes, spans);
    assert.deepEqual(shape(bytes, spans).slice(0, 6), [
      'version:HTTP/1.1',
      'sp: ',
      'status-code:404',
      'sp: ',
      'reason-phrase:Not Found',
      'crlf:\\r\\n',
    ]);
    assert.equal(spans[2].key, 'status-code.4xx');
    assert.equal(spans[spans.length - 1].kind, 'body');
  });

  it('explains what is wrong with the naive tutorial answer', () => {
    const bytes = bytesOf('HTTP/1.x 200 OK\nContent-Type: text/html\n\n<h1>hi</h1>');
    const spans = annotate(bytes, 'response');
    assertCovers(bytes, spans);
    const invalid = spans.find((a) => a.kind === 'invalid');
    assert.equal(invalid?.key, 'error.INVALID_VERSION');
  });
});

describe('explanation catalogue', () => {
  it('has both languages and an RFC section for every key annotate can produce', () => {
    for (const key of annotationKeys()) {
      const entry = explanations[key];
      assert.ok(entry, `missing explanation for ${key}`);
      assert.ok(entry.rfc.length > 0, `${key}: rfc`);
      for (const locale of ['en', 'zh-CN'] as const) {
        assert.ok(entry[locale].title.trim().length > 0, `${key}: ${locale} title`);
        assert.ok(entry[locale].text.trim().length > 20, `${key}: ${locale} text`);
      }
      assert.match(entry['zh-CN'].text, /[\u4e00-\u9fff]/, `${key}: zh-CN text is Chinese`);
      assert.notEqual(entry['zh-CN'].text, entry.en.text, `${key}: translated`);
    }
  });

  it('covers every ErrorCode of the engine contract', () => {
    // A Record over ErrorCode: the type checker fails here when a code is added to events.ts.
    const every: Record<ErrorCode, true> = {
      INVALID_METHOD: true,
      INVALID_TARGET: true,
      INVALID_VERSION: true,
      UNSUPPORTED_VERSION: true,
      INVALID_STATUS: true,
      INVALID_REASON: true,
      INVALID_CONSTANT: true,
      INVALID_HEADER_TOKEN: true,
      INVALID_HEADER_VALUE: true,
      OBS_FOLD: true,
      WHITESPACE_BEFORE_COLON: true,
      BARE_CR: true,
      BARE_LF: true,
      NUL_BYTE: true,
      INVALID_CONTENT_LENGTH: true,
      CONFLICTING_CONTENT_LENGTH: true,
      CONTENT_LENGTH_WITH_TRANSFER_ENCODING: true,
      INVALID_TRANSFER_ENCODING: true,
      UNSUPPORTED_TRANSFER_ENCODING: true,
      INVALID_CHUNK_SIZE: true,
      INVALID_CHUNK_EXTENSION: true,
      INVALID_CHUNK_DATA_END: true,
      INVALID_EOF_STATE: true,
      DATA_AFTER_CLOSE: true,
      HEADER_TOO_LARGE: true,
      TOO_MANY_HEADERS: true,
      TARGET_TOO_LONG: true,
      BODY_TOO_LARGE: true,
      METHOD_NOT_IMPLEMENTED: true,
      CLOSED_CONNECTION: true,
    };
    assert.deepEqual([...PARSER_ERROR_CODES].sort(), Object.keys(every).sort());
    for (const code of PARSER_ERROR_CODES) {
      assert.ok(explain(`error.${code}`, 'zh-CN')?.title, code);
      assert.ok(explain(`error.${code}`, 'en')?.title, code);
    }
  });

  it('only produces keys the catalogue knows, on a varied sample', () => {
    const known = new Set(annotationKeys());
    const samples: [string, 'request' | 'response'][] = [
      [
        'OPTIONS * HTTP/1.0\r\nUser-Agent: x\r\nSec-Fetch-Site: none\r\nX-Other: 1\r\n\r\n',
        'request',
      ],
      [
        'GET http://a/b HTTP/1.1\r\nHost: a\r\nCookie: a=1\r\nReferer: /\r\nConnection: close\r\n\r\n',
        'request',
      ],
      [
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x00',
        'response',
      ],
      ['HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n', 'response'],
      ['HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n', 'response'],
      ['G\x00T / HTTP/1.1\r\n\r\n', 'request'],
    ];
    for (const [text, kind] of samples) {
      const bytes = bytesOf(text);
      const spans = annotate(bytes, kind);
      assertCovers(bytes, spans);
      for (const span of spans)
        assert.ok(known.has(span.key), `${span.key} unknown (from ${JSON.stringify(text)})`);
    }
  });
});

describe('one error table', () => {
  it("gives every code, the capture layer's included, a status, a reason and an explanation", () => {
    for (const code of ['MISSING_HOST', 'TLS_ON_PLAIN_PORT', 'TIMEOUT', 'NOT_HTTP'] as const) {
      assert.equal(ERROR_TABLE[code].layer, 'capture', code);
    }
    assert.equal(statusForError('MISSING_HOST'), 400);
    assert.equal(statusForError('TIMEOUT'), 408);
    assert.equal(statusForError('UNSUPPORTED_VERSION'), 505);
    assert.equal(statusForError('TLS_ON_PLAIN_PORT'), 0);
    for (const code of ERROR_CODES) {
      assert.ok(reasonForError(code).length > 0, code);
      const key = errorExplanationKey(code);
      const entry = explanations[key];
      assert.ok(entry, `${code}: explanation ${key}`);
      assert.ok(entry.rfc.startsWith('RFC '), `${code}: rfc`);
      assert.match(entry['zh-CN'].text, /[\u4e00-\u9fff]/, `${code}: zh-CN text is Chinese`);
      assert.ok(entry.en.text.length > 20, `${code}: en text`);
      // The short sentence the UI shows next to the explanation, in both catalogues.
      assert.ok(Object.hasOwn(en, key), `${key} in en.ts`);
      assert.ok(Object.hasOwn(zhCN, key), `${key} in zh-CN.ts`);
    }
  });

  it('explains a missing Host in the byte view (the key the Inspector asks for)', () => {
    assert.equal(explain('error.MISSING_HOST', 'en')?.rfc, 'RFC 9112 §3.2');
    assert.ok(explain('error.MISSING_HOST', 'zh-CN')?.title);
  });
});

describe('explained fields come from the catalogue', () => {
  it('every field with an explanation of its own is annotated with it, and no other', () => {
    assert.ok(EXPLAINED_FIELDS.length > 20);
    for (const name of EXPLAINED_FIELDS) {
      assert.equal(name, name.toLowerCase(), `${name} is lower-case`);
      assert.equal(fieldKey(name), `header.${name}`);
      const bytes = bytesOf(`GET / HTTP/1.1\r\n${name}: v\r\n\r\n`);
      const spans = annotate(bytes, 'request', { lenient: { headers: true } });
      const nameSpan = spans.find((span) => span.kind === 'field-name');
      assert.equal(nameSpan?.key, `header.${name}`, name);
    }
    assert.equal(fieldKey('x-unknown'), 'header.other');
    assert.equal(fieldKey('sec-fetch-future'), 'header.sec-fetch');
    assert.equal(fieldKey('sec-ch-ua-arch'), 'header.sec-ch');
    // What Chromium, Firefox and curl send unasked has an explanation of its own.
    for (const name of [
      'host',
      'connection',
      'cache-control',
      'sec-ch-ua',
      'sec-ch-ua-mobile',
      'sec-ch-ua-platform',
      'upgrade-insecure-requests',
      'user-agent',
      'accept',
      'sec-fetch-site',
      'sec-fetch-mode',
      'sec-fetch-user',
      'sec-fetch-dest',
      'referer',
      'accept-encoding',
      'accept-language',
      'cookie',
      'priority',
      'dnt',
      'sec-gpc',
      'te',
      'pragma',
      'if-none-match',
      'if-modified-since',
      'sec-purpose',
      'expect',
      'content-type',
      'content-length',
    ]) {
      assert.equal(fieldKey(name), `header.${name}`, name);
    }
    const headerKeys = Object.keys(explanations).filter((key) => key.startsWith('header.'));
    assert.deepEqual(
      headerKeys.sort(),
      [
        'header.other',
        'header.sec-fetch',
        'header.sec-ch',
        ...EXPLAINED_FIELDS.map((n) => `header.${n}`),
      ].sort(),
    );
  });
});
