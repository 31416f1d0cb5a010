// Every response read twice: tables of bytes → the browser's reading and its deviations, each row
// also read from every prefix of its bytes (a response still arriving) and with the connection
// still open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import {
  DEVIATION_CODES,
  DEVIATION_RFC,
  deviationExplanationKey,
  readResponse,
  type ReadingEnd,
  type ResponseReading,
} from '../../src-main/engine/browser-reading';
import { explain, explainDeviation } from '../../src-main/engine/explanations';

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (data: Uint8Array): string => String.fromCharCode(...data);
const spans = (reading: ResponseReading): string[] =>
  reading.deviations.map((d) => `${d.code}@${d.offset}+${d.length}`);

interface Row {
  name: string;
  input: string;
  method?: string;
  /** Default true: the connection closed after the bytes. */
  complete?: boolean;
  end: ReadingEnd;
  strictOk: boolean;
  deviations: string[];
  /** The browser's reading: version, status, fields as name=value, body. */
  browser?: { version: string; status: number; fields: string[]; body: string };
  missing?: number | null;
  refused?: string;
}

const PAGE = '<p>hi</p>';
const JPEG = '\xff\xd8\xff\xe0jpeg';

const rows: Row[] = [
  {
    name: 'conformant response: no deviation',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n${PAGE}`,
    end: 'complete',
    strictOk: true,
    deviations: [],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['Content-Type=text/html', 'Content-Length=9'],
      body: PAGE,
    },
  },
  {
    name: 'conformant and kept alive: complete while the connection is open',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n${PAGE}`,
    complete: false,
    end: 'complete',
    strictOk: true,
    deviations: [],
  },
  {
    name: 'tutorial page: HTTP/1.x, bare LF everywhere, close-delimited',
    input: `HTTP/1.x 200 OK\nContent-Type: text/html\n\n${PAGE}`,
    end: 'complete',
    strictOk: false,
    deviations: [
      'MALFORMED_VERSION@0+8',
      'BARE_LF@15+1',
      'BARE_LF@39+1',
      'BARE_LF@40+1',
      'CLOSE_DELIMITED@41+9',
    ],
    browser: { version: 'HTTP/1.0', status: 200, fields: ['Content-Type=text/html'], body: PAGE },
  },
  {
    name: 'tutorial image: a leading empty line too',
    input: `\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n${JPEG}`,
    end: 'complete',
    strictOk: false,
    deviations: [
      'LEADING_EMPTY_LINE@0+1',
      'MALFORMED_VERSION@1+8',
      'BARE_LF@16+1',
      'BARE_LF@40+1',
      'BARE_LF@41+1',
      'CLOSE_DELIMITED@42+8',
    ],
    browser: { version: 'HTTP/1.0', status: 200, fields: ['Content-Type=image/jpg'], body: JPEG },
  },
  {
    name: 'tutorial page, connection still open: the browser waits for the close',
    input: `HTTP/1.x 200 OK\nContent-Type: text/html\n\n${PAGE}`,
    complete: false,
    end: 'waiting',
    strictOk: false,
    deviations: ['MALFORMED_VERSION@0+8', 'BARE_LF@15+1', 'BARE_LF@39+1', 'BARE_LF@40+1'],
  },
  {
    name: 'lower-case http: read with its digits',
    input: 'http/1.1 204 No Content\r\n\r\n',
    end: 'complete',
    strictOk: false,
    deviations: ['MALFORMED_VERSION@0+8'],
    browser: { version: 'HTTP/1.1', status: 204, fields: [], body: '' },
  },
  {
    name: 'HTTP/3.0 on an HTTP/1 connection: read as 1.1',
    input: 'HTTP/3.0 204 No Content\r\n\r\n',
    end: 'complete',
    strictOk: false,
    deviations: ['UNSUPPORTED_VERSION@0+8'],
    browser: { version: 'HTTP/1.1', status: 204, fields: [], body: '' },
  },
  {
    name: 'junk before the status line (within 4 bytes)',
    input: 'ab\r\nHTTP/1.1 204 No Content\r\n\r\n',
    end: 'complete',
    strictOk: false,
    deviations: ['JUNK_BEFORE_STATUS_LINE@0+4'],
    browser: { version: 'HTTP/1.1', status: 204, fields: [], body: '' },
  },
  {
    name: 'two empty lines first: within the slop',
    input: '\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
    end: 'complete',
    strictOk: true,
    deviations: ['LEADING_EMPTY_LINE@0+4'],
  },
  {
    name: 'three empty lines first: the status line is too far, HTTP/0.9, refused',
    input: '\r\n\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
    end: 'refused',
    strictOk: true,
    deviations: [],
    refused: 'NOT_HTTP@0',
  },
  {
    name: 'bare LF only after the status line',
    input: 'HTTP/1.1 200 OK\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
    end: 'complete',
    strictOk: false,
    deviations: ['BARE_LF@15+1'],
  },
  {
    name: 'bare LF as the empty line only',
    input: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\nok',
    end: 'complete',
    strictOk: false,
    deviations: ['BARE_LF@62+1'],
  },
  {
    name: 'bare LF in chunk lines',
    input:
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\n0\n\n',
    end: 'complete',
    strictOk: false,
    deviations: ['BARE_LF@74+1', 'BARE_LF@77+1', 'BARE_LF@79+1', 'BARE_LF@80+1'],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['Content-Type=text/plain', 'Transfer-Encoding=chunked'],
      body: 'ok',
    },
  },
  {
    name: 'a folded field value: read as spaces',
    input:
      'HTTP/1.1 200 OK\r\nX-A: one\r\n  two\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
    end: 'complete',
    strictOk: false,
    deviations: ['OBS_FOLD@25+4'],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['X-A=one    two', 'Content-Type=text/plain', 'Content-Length=2'],
      body: 'ok',
    },
  },
  {
    name: 'a folded field value with bare LF',
    input: 'HTTP/1.1 200 OK\nX-A: one\n\ttwo\nContent-Length: 0\n\n',
    end: 'complete',
    strictOk: false,
    deviations: [
      'BARE_LF@15+1',
      'BARE_LF@24+1',
      'OBS_FOLD@24+2',
      'BARE_LF@29+1',
      'BARE_LF@47+1',
      'BARE_LF@48+1',
    ],
  },
  {
    name: 'Content-Length larger than the body, then the close: truncated',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n${PAGE}`,
    end: 'truncated',
    strictOk: false,
    missing: 11,
    deviations: ['CONTENT_LENGTH_TOO_LARGE@58+2'],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['Content-Type=text/html', 'Content-Length=20'],
      body: PAGE,
    },
  },
  {
    name: 'Content-Length larger than the body, connection open: the browser waits',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n${PAGE}`,
    complete: false,
    end: 'waiting',
    strictOk: true,
    deviations: [],
  },
  {
    name: 'Content-Length smaller than the body: the rest is dropped',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 4\r\n\r\n${PAGE}`,
    end: 'complete',
    strictOk: false,
    deviations: ['DATA_AFTER_MESSAGE@67+5'],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['Content-Type=text/html', 'Content-Length=4'],
      body: '<p>h',
    },
  },
  {
    name: 'chunked body cut by the close',
    input:
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nok',
    end: 'truncated',
    strictOk: false,
    missing: null,
    deviations: ['BODY_TRUNCATED@78+0'],
  },
  {
    name: 'no empty line: the body lines are ignored, the head is cut by the close',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n<html>\r\n${PAGE}\r\n`,
    end: 'truncated',
    strictOk: false,
    deviations: ['INVALID_FIELD_LINE@42+6', 'INVALID_FIELD_LINE@50+9', 'HEAD_NOT_TERMINATED@61+0'],
    browser: { version: 'HTTP/1.1', status: 200, fields: ['Content-Type=text/html'], body: '' },
  },
  {
    name: 'no empty line, connection open: the browser waits for it',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n<html>\r\n${PAGE}\r\n`,
    complete: false,
    end: 'waiting',
    strictOk: false,
    deviations: ['INVALID_FIELD_LINE@42+6', 'INVALID_FIELD_LINE@50+9'],
  },
  {
    name: 'no status line: HTTP/0.9, refused',
    input: `<html>${PAGE}</html>`,
    end: 'refused',
    strictOk: false,
    deviations: [],
    refused: 'INVALID_CONSTANT@0',
  },
  {
    name: 'garbage after HTTP: refused',
    input: 'HTTPS 200 OK\r\n\r\n',
    end: 'refused',
    strictOk: false,
    deviations: [],
    refused: 'INVALID_CONSTANT@4',
  },
  {
    name: 'no Content-Type',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    end: 'complete',
    strictOk: true,
    deviations: ['NO_CONTENT_TYPE@36+2'],
  },
  {
    name: 'an image sent as text/html',
    input: `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 8\r\n\r\n${JPEG}`,
    end: 'complete',
    strictOk: true,
    deviations: ['CONTENT_TYPE_MISMATCH@31+9'],
  },
  {
    name: 'HEAD: no body whatever the Content-Length',
    input: 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n',
    method: 'HEAD',
    end: 'complete',
    strictOk: true,
    deviations: [],
  },
  {
    name: 'an interim 100 Continue is skipped',
    input:
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok',
    end: 'complete',
    strictOk: true,
    deviations: [],
    browser: {
      version: 'HTTP/1.1',
      status: 200,
      fields: ['Content-Type=text/plain', 'Content-Length=2'],
      body: 'ok',
    },
  },
];

function check(row: Row, reading: ResponseReading): void {
  assert.equal(reading.end, row.end);
  assert.equal(reading.strict.ok, row.strictOk);
  assert.equal(reading.strict.ok, reading.strict.error === null);
  assert.deepEqual(spans(reading), row.deviations);
  for (const d of reading.deviations) assert.equal(d.rfc, DEVIATION_RFC[d.code]);
  if (row.missing !== undefined) assert.equal(reading.missing, row.missing);
  if (row.end === 'refused') {
    assert.equal(reading.browser, null);
    assert.ok(reading.refused !== null);
    if (row.refused) assert.equal(`${reading.refused.code}@${reading.refused.offset}`, row.refused);
  } else {
    assert.equal(reading.refused, null);
  }
  if (row.end === 'waiting') assert.equal(reading.browser, null);
  if (row.browser) {
    const browser = reading.browser;
    assert.ok(browser !== null);
    assert.equal(browser.head.version, row.browser.version);
    assert.equal(browser.head.status, row.browser.status);
    assert.deepEqual(
      browser.head.fields.map((f) => `${f.name}=${f.value}`),
      row.browser.fields,
    );
    assert.equal(text(browser.body), row.browser.body);
  }
}

for (const row of rows) {
  test(`readResponse: ${row.name}`, () => {
    const input = bytes(row.input);
    const copy = input.slice();
    const options = { requestMethod: row.method ?? 'GET', complete: row.complete ?? true };
    check(row, readResponse(input, options));
    assert.deepEqual(input, copy, 'the bytes given are never changed');
  });

  test(`readResponse: ${row.name}, every prefix still arriving`, () => {
    const input = bytes(row.input);
    const method = row.method ?? 'GET';
    const whole = readResponse(input, { requestMethod: method, complete: true });
    const full = new Map(whole.deviations.map((d) => [`${d.code}@${d.offset}`, d.length]));
    for (let k = 0; k < input.length; k++) {
      const reading = readResponse(input.subarray(0, k), {
        requestMethod: method,
        complete: false,
      });
      const at = `prefix of ${k} bytes`;
      if (row.end !== 'refused') {
        assert.notEqual(reading.end, 'refused', `${at}: ${JSON.stringify(reading.refused)}`);
      }
      if (reading.end !== 'complete') assert.equal(reading.browser, null, at);
      // What a prefix shows is what the whole shows (bar what only the close can tell).
      for (const d of reading.deviations) {
        const length = full.get(`${d.code}@${d.offset}`);
        assert.ok(length !== undefined && d.length <= length, `${at}: ${JSON.stringify(d)}`);
      }
    }
  });
}

test('readResponse: a Buffer given is never changed either (its slice is a view)', () => {
  const input = Buffer.from(rows[3]!.input, 'latin1');
  const copy = Buffer.from(input);
  const reading = readResponse(input, { requestMethod: 'GET', complete: true });
  assert.equal(reading.browser?.head.version, 'HTTP/1.0');
  assert.deepEqual(input, copy);
});

test('readResponse: bad input never throws', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const base = bytes(rows[2]!.input);
  for (let i = 0; i < 2000; i++) {
    const data = base.slice(0, random() % (base.length + 1));
    for (let j = 0; j < 3; j++) if (data.length > 0) data[random() % data.length] = random() & 0xff;
    for (const complete of [true, false]) {
      const reading = readResponse(data, { requestMethod: 'GET', complete });
      assert.ok(['complete', 'truncated', 'waiting', 'refused'].includes(reading.end));
      for (const d of reading.deviations) {
        assert.ok(d.offset >= 0 && d.offset + d.length <= data.length, JSON.stringify(d));
      }
    }
  }
});

test('every deviation code has an explanation in both locales, naming its section', () => {
  for (const code of DEVIATION_CODES) {
    for (const locale of ['en', 'zh-CN'] as const) {
      const found = explainDeviation(code, locale);
      assert.ok(found.title.length > 0 && found.rfcSays.length > 0 && found.browsersDo.length > 0);
      assert.equal(found.rfc, DEVIATION_RFC[code]);
      const flat = explain(deviationExplanationKey(code), locale);
      assert.ok(flat !== null && flat.text.includes(found.browsersDo));
    }
    assert.ok(explainDeviation(code).rfcSays.includes(DEVIATION_RFC[code].replace('RFC ', '')));
  }
});
