// The server conversation as tables of bytes → actions, with no sockets: the Host rule, versions,
// 100-continue, keep-alive and close, pipelining, limits, TLS sniffing and tunnels. Each row is
// also fed in two pieces split at every byte, and one byte at a time: the actions are the same.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ServerConversation,
  TLS_REASON,
  type ServerAction,
  type ServerConversationOptions,
} from '../../src-main/engine/server-conversation';
import {
  ClientConversation,
  requestMethods,
  type ClientAction,
} from '../../src-main/engine/client-conversation';

const LIMITS = { maxHeadBytes: 2048, maxTargetLength: 512, maxBodyBytes: 1000 };

const bytes = (text: string | number[]): Uint8Array =>
  typeof text === 'string' ? Buffer.from(text, 'latin1') : Uint8Array.from(text);

/**
 * Actions as short lines. Body and tunnel bytes are joined per request (their pieces depend on
 * how the bytes arrived); `continue` is left out (it depends on it too) and tested on its own.
 */
function summary(actions: ServerAction[]): string[] {
  const lines: string[] = [];
  let body: { index: number; text: string } | null = null;
  let tunnel = '';
  const flushBody = (): void => {
    if (body !== null) lines.push(`body ${body.index} ${JSON.stringify(body.text)}`);
    body = null;
  };
  for (const action of actions) {
    if (action.type !== 'body') flushBody();
    if (action.type !== 'tunnel' && tunnel !== '') {
      lines.push(`tunnel ${JSON.stringify(tunnel)}`);
      tunnel = '';
    }
    switch (action.type) {
      case 'begin':
        lines.push(`begin ${action.index} @${action.offset}`);
        break;
      case 'head':
        lines.push(
          `head ${action.index} ${action.head.method} ${action.head.target} ${action.head.version}${action.hasBody ? ' +body' : ''}`,
        );
        break;
      case 'body': {
        const text = Buffer.from(action.data).toString('latin1');
        if (body === null) body = { index: action.index, text };
        else body.text += text;
        break;
      }
      case 'continue':
        break;
      case 'request':
        lines.push(
          `request ${action.index} ${action.span.offset}+${action.span.length} ${action.keepAlive ? 'keep-alive' : 'close'}${action.tunnel ? ' tunnel' : ''}`,
        );
        break;
      case 'reject':
        lines.push(
          `reject ${action.index} ${action.error.status} ${action.error.code} @${action.error.offset} from ${action.requestOffset}`,
        );
        break;
      case 'truncated':
        lines.push(`truncated ${action.index} ${action.error.code} from ${action.requestOffset}`);
        break;
      case 'tunnel':
        tunnel += Buffer.from(action.data).toString('latin1');
        break;
      case 'close':
        lines.push(action.error ? 'close error' : 'close');
        break;
    }
  }
  flushBody();
  if (tunnel !== '') lines.push(`tunnel ${JSON.stringify(tunnel)}`);
  return lines;
}

interface Row {
  name: string;
  input: string | number[];
  /** The client ends its side after the bytes. */
  end?: boolean;
  options?: ServerConversationOptions;
  expect: string[];
}

function run(row: Row, pieces: Uint8Array[]): ServerAction[] {
  const conversation = new ServerConversation(row.options ?? { limits: LIMITS });
  const actions: ServerAction[] = [];
  for (const piece of pieces) actions.push(...conversation.receive(piece));
  if (row.end) actions.push(...conversation.end());
  return actions;
}

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

const ROWS: Row[] = [
  {
    name: 'a GET',
    input: GET,
    expect: ['begin 0 @0', 'head 0 GET / HTTP/1.1', 'request 0 0+27 keep-alive'],
  },
  {
    name: 'HTTP/1.0 without Host closes after its answer',
    input: 'GET / HTTP/1.0\r\n\r\n',
    expect: ['begin 0 @0', 'head 0 GET / HTTP/1.0', 'request 0 0+18 close', 'close'],
  },
  {
    name: 'HTTP/1.0 with keep-alive stays open',
    input: 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    expect: ['begin 0 @0', 'head 0 GET / HTTP/1.0', 'request 0 0+42 keep-alive'],
  },
  {
    name: 'Connection: close',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    expect: ['begin 0 @0', 'head 0 GET / HTTP/1.1', 'request 0 0+46 close', 'close'],
  },
  {
    name: 'pipelined requests in order; bytes after a close are not read',
    input: `${GET}GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n${GET}`,
    expect: [
      'begin 0 @0',
      'head 0 GET / HTTP/1.1',
      'request 0 0+27 keep-alive',
      'begin 1 @27',
      'head 1 GET /b HTTP/1.1',
      'request 1 27+47 close',
      'close',
    ],
  },
  {
    name: 'a body by Content-Length',
    input: 'POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
    expect: [
      'begin 0 @0',
      'head 0 POST /f HTTP/1.1 +body',
      'body 0 "hello"',
      'request 0 0+53 keep-alive',
    ],
  },
  {
    name: 'a chunked body with a trailer',
    input:
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX: y\r\n\r\n',
    expect: [
      'begin 0 @0',
      'head 0 POST / HTTP/1.1 +body',
      'body 0 "abcde"',
      'request 0 0+82 keep-alive',
    ],
  },
  {
    name: 'HTTP/1.1 without Host: 400 MISSING_HOST, not served',
    input: 'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n',
    expect: ['begin 0 @0', 'reject 0 400 MISSING_HOST @0 from 0', 'close error'],
  },
  {
    name: 'two Host fields: 400',
    input: 'GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n',
    expect: ['begin 0 @0', 'reject 0 400 MISSING_HOST @0 from 0', 'close error'],
  },
  {
    name: 'an invalid Host value, when the caller checks values',
    input: 'GET / HTTP/1.1\r\nHost: {\r\n\r\n',
    options: { limits: LIMITS, isValidHost: (value) => /^[a-z0-9.:-]+$/i.test(value) },
    expect: ['begin 0 @0', 'reject 0 400 MISSING_HOST @0 from 0', 'close error'],
  },
  {
    name: 'HTTP/2.0: 505 as soon as the version is read',
    input: 'GET / HTTP/2.0\r\nHost: x\r\n\r\n',
    expect: ['begin 0 @0', 'reject 0 505 UNSUPPORTED_VERSION @6 from 0', 'close error'],
  },
  {
    name: 'a malformed request line: 400',
    input: 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n',
    expect: ['begin 0 @0', 'reject 0 400 INVALID_CONSTANT @7 from 0', 'close error'],
  },
  {
    name: 'binary garbage: 400 at the first bad byte',
    input: [0x47, 0x45, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a],
    expect: ['begin 0 @0', 'reject 0 400 INVALID_METHOD @2 from 0', 'close error'],
  },
  {
    name: 'obs-fold: 400 OBS_FOLD',
    input: 'GET / HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n  b\r\n\r\n',
    expect: ['begin 0 @0', 'reject 0 400 OBS_FOLD @36 from 0', 'close error'],
  },
  {
    name: 'Content-Length with Transfer-Encoding: 400 (smuggling)',
    input:
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    expect: [
      'begin 0 @0',
      'reject 0 400 CONTENT_LENGTH_WITH_TRANSFER_ENCODING @63 from 0',
      'close error',
    ],
  },
  {
    name: 'a head over the limit: 431',
    input: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4000)}\r\n\r\n`,
    expect: ['begin 0 @0', 'reject 0 431 HEADER_TOO_LARGE @2048 from 0', 'close error'],
  },
  {
    name: 'a target over the limit: 414',
    input: `GET /${'t'.repeat(2000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    expect: ['begin 0 @0', 'reject 0 414 TARGET_TOO_LONG @516 from 0', 'close error'],
  },
  {
    name: 'a declared body over the limit: 413 at the end of the head',
    input: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n',
    expect: [
      'begin 0 @0',
      'head 0 POST / HTTP/1.1 +body',
      'reject 0 413 BODY_TOO_LARGE @50 from 0',
      'close error',
    ],
  },
  {
    name: 'a chunked body over the limit: 413 at the chunk that passes it',
    input: `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n${'c'.repeat(600)}\r\n258\r\n${'c'.repeat(600)}\r\n0\r\n\r\n`,
    expect: [
      'begin 0 @0',
      'head 0 POST / HTTP/1.1 +body',
      `body 0 "${'c'.repeat(600)}"`,
      'reject 0 413 BODY_TOO_LARGE @663 from 0',
      'close error',
    ],
  },
  {
    name: 'an error after a good pipelined request: answer it, then refuse the next',
    input: `${GET}GET /a b HTTP/1.1\r\nHost: x\r\n\r\n`,
    expect: [
      'begin 0 @0',
      'head 0 GET / HTTP/1.1',
      'request 0 0+27 keep-alive',
      'begin 1 @27',
      'reject 1 400 INVALID_CONSTANT @34 from 27',
      'close error',
    ],
  },
  {
    name: 'a TLS ClientHello on the plain port: named, nothing to answer',
    input: [0x16, 0x03, 0x01, 0x00, 0x3a, 0x01, 0x00, 0x00, 0x36, 0x03, 0x03],
    expect: ['reject 0 0 TLS_ON_PLAIN_PORT @0 from 0', 'close error'],
  },
  {
    name: 'a 0x16 that is not a TLS record is parsed as HTTP',
    input: [0x16, 0x41, 0x0d, 0x0a],
    expect: ['begin 0 @0', 'reject 0 400 INVALID_METHOD @0 from 0', 'close error'],
  },
  {
    name: 'an accepted Upgrade: answer, then the bytes are a tunnel',
    input:
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00',
    expect: [
      'begin 0 @0',
      'head 0 GET /ws HTTP/1.1',
      'request 0 0+70 close tunnel',
      'tunnel "\x81\\u0000"',
    ],
  },
  {
    name: 'CONNECT: a tunnel after the head',
    input: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01',
    expect: [
      'begin 0 @0',
      'head 0 CONNECT example.com:443 HTTP/1.1',
      'request 0 0+59 close tunnel',
      'tunnel "\\u0016\\u0003\\u0001"',
    ],
  },
  {
    name: 'the client ends in the middle of a head: truncated, nothing to answer',
    input: 'GET / HTTP/1.1\r\nHost:',
    end: true,
    expect: ['begin 0 @0', 'truncated 0 INVALID_EOF_STATE from 0'],
  },
  {
    name: 'the client ends in the middle of a body',
    input: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nabc',
    end: true,
    expect: [
      'begin 0 @0',
      'head 0 POST / HTTP/1.1 +body',
      'body 0 "abc"',
      'truncated 0 INVALID_EOF_STATE from 0',
    ],
  },
  {
    name: 'the client ends between requests: nothing more',
    input: GET,
    end: true,
    expect: ['begin 0 @0', 'head 0 GET / HTTP/1.1', 'request 0 0+27 keep-alive'],
  },
];

describe('server conversation: bytes → actions', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const input = bytes(row.input);
      assert.deepEqual(summary(run(row, [input])), row.expect, 'in one piece');
      for (let cut = 1; cut < input.length; cut++) {
        const split = [input.subarray(0, cut), input.subarray(cut)];
        assert.deepEqual(summary(run(row, split)), row.expect, `split at ${cut}`);
      }
      const single = Array.from(input, (byte) => Uint8Array.of(byte));
      assert.deepEqual(summary(run(row, single)), row.expect, 'one byte at a time');
    });
  }

  it('the TLS error carries its reason', () => {
    const [reject] = new ServerConversation().receive(bytes([0x16, 0x03, 0x03, 0x00]));
    assert.ok(reject?.type === 'reject');
    assert.equal(reject.error.reason, TLS_REASON);
    assert.equal(reject.error.status, 0);
  });

  it('reports what the client is in the middle of, for deadlines', () => {
    const conversation = new ServerConversation();
    assert.equal(conversation.phase, 'idle');
    conversation.receive(bytes('POST / HTTP/1.1\r\nHost'));
    assert.equal(conversation.phase, 'head');
    assert.equal(conversation.requestOffset, 0);
    conversation.receive(bytes(': x\r\nContent-Length: 2\r\n\r\na'));
    assert.equal(conversation.phase, 'body');
    conversation.receive(bytes('b'));
    assert.equal(conversation.phase, 'idle');
    assert.equal(conversation.requestOffset, -1);
    assert.equal(conversation.requestIndex, 1);
  });

  it('a head is an action before its body arrives (streaming)', () => {
    const conversation = new ServerConversation();
    const first = conversation.receive(
      bytes('PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nab'),
    );
    assert.deepEqual(
      first.map((action) => action.type),
      ['begin', 'head', 'body'],
    );
    const head = first[1]!;
    assert.ok(head.type === 'head');
    assert.equal(head.head.contentLength, 6);
    const rest = conversation.receive(bytes('cdef'));
    assert.deepEqual(
      rest.map((action) => action.type),
      ['body', 'request'],
    );
  });
});

describe('server conversation: pipelines under any chunking', () => {
  const requests = [
    GET,
    'POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
    'PUT / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    'GET /q?a=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
    'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n',
  ];
  const bad = ['GET / HTTP/1.1\r\n\r\n', 'GET / HTTP/2.0\r\n', 'GET /a b HTTP/1.1\r\n', 'G\x00T'];

  it('a pipeline split anywhere gives the actions of the whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(requests.length - 1), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(bad.length - 1)),
        fc.array(fc.nat(), { maxLength: 8 }),
        (picks, badPick, cuts) => {
          const text =
            picks.map((i) => requests[i]).join('') + (badPick === null ? '' : bad[badPick]);
          const input = bytes(text);
          const row: Row = { name: '', input: text, expect: [] };
          const whole = summary(run(row, [input]));
          const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort(
            (a, b) => a - b,
          );
          const pieces: Uint8Array[] = [];
          let from = 0;
          for (const point of points) {
            pieces.push(input.subarray(from, point));
            from = point;
          }
          pieces.push(input.subarray(from));
          assert.deepEqual(summary(run(row, pieces)), whole);
          // Every good request is served in order before the bad one is refused.
          const served = whole.filter((line) => line.startsWith('request ')).length;
          assert.equal(served, picks.length);
          assert.equal(
            whole.some((line) => line.startsWith('reject ')),
            badPick !== null,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('server conversation: 100-continue', () => {
  const head = 'PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n';

  it('a client waiting for 100 Continue is told to send its body, once', () => {
    const conversation = new ServerConversation();
    const actions = conversation.receive(bytes(head));
    assert.deepEqual(
      actions.map((action) => action.type),
      ['begin', 'head', 'continue'],
    );
    const more = conversation.receive(bytes('ab'));
    assert.deepEqual(
      more.map((action) => action.type),
      ['body'],
    );
    assert.deepEqual(
      conversation.receive(bytes('c')).map((action) => action.type),
      ['body', 'request'],
    );
  });

  it('no 100 Continue when the body came with the head', () => {
    const actions = new ServerConversation().receive(bytes(`${head}abc`));
    assert.ok(!actions.some((action) => action.type === 'continue'));
  });

  it('no 100 Continue for HTTP/1.0, for a request without a body, or for a refused one', () => {
    for (const text of [
      'PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n',
      'PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
    ]) {
      const actions = new ServerConversation().receive(bytes(text));
      assert.ok(!actions.some((action) => action.type === 'continue'), text);
    }
  });
});

// ---- The client side ----

function clientSummary(actions: ClientAction[]): string[] {
  return actions.flatMap((action) => {
    switch (action.type) {
      case 'head':
        return [`head ${action.index} ${action.head.status}${action.interim ? ' interim' : ''}`];
      case 'response':
        return [
          `response ${action.index} ${action.message.head.status} ${JSON.stringify(Buffer.from(action.message.body).toString('latin1'))}`,
        ];
      case 'error':
        return [`error ${action.error.code}`];
      case 'done':
        return ['done'];
      case 'tunnel':
        return [`tunnel ${action.data.length}`];
      default:
        return [];
    }
  });
}

describe('client conversation: response bytes → actions', () => {
  it('counts the requests sent and says when every final answer is in', () => {
    const requests = bytes(`${GET}HEAD / HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.deepEqual(requestMethods(requests), ['GET', 'HEAD']);
    const conversation = new ClientConversation(requests);
    assert.equal(conversation.expected, 2);
    const reply = bytes(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi' +
        // The answer to HEAD has no body, whatever its Content-Length says.
        'HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n',
    );
    const actions: ClientAction[] = [];
    for (const byte of reply) actions.push(...conversation.receive(Uint8Array.of(byte)));
    assert.deepEqual(clientSummary(actions), [
      'head 0 100 interim',
      'response 0 100 ""',
      'head 1 200',
      'response 1 200 "hi"',
      'head 2 200',
      'response 2 200 ""',
      'done',
    ]);
    assert.equal(conversation.complete, true);
  });

  it('takes the methods sent instead of the request bytes (a proxy has them parsed)', () => {
    const conversation = new ClientConversation(new Uint8Array(0), {
      methods: ['HEAD'],
      body: 'stream',
    });
    assert.equal(conversation.expected, 1);
    // Framed as the answer to HEAD: no body, whatever its Content-Length says.
    const actions = conversation.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n'));
    assert.deepEqual(clientSummary(actions), ['head 0 200', 'response 0 200 ""', 'done']);
  });

  it('a close-delimited body ends when the server closes', () => {
    const conversation = new ClientConversation(bytes(GET));
    const actions = [
      ...conversation.receive(bytes('HTTP/1.0 200 OK\r\n\r\nall of it')),
      ...conversation.end(),
    ];
    assert.deepEqual(clientSummary(actions), ['head 0 200', 'response 0 200 "all of it"', 'done']);
  });

  it('obs-fold in a response is replaced by SP (RFC 9112 §5.2)', () => {
    const conversation = new ClientConversation(bytes(GET));
    const actions = conversation.receive(
      bytes('HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 0\r\n\r\n'),
    );
    const response = actions.find((action) => action.type === 'response');
    assert.ok(response?.type === 'response');
    const field = response.message.head.fields.find((f) => f.name === 'X-Long');
    assert.match(field?.value ?? '', /^a +b$/);
  });

  it('bytes that are not HTTP are an error, and nothing more is parsed', () => {
    const conversation = new ClientConversation(bytes(GET));
    assert.deepEqual(clientSummary(conversation.receive(bytes('SSH-2.0-OpenSSH\r\n'))), [
      'error INVALID_CONSTANT',
    ]);
    assert.equal(conversation.broken, true);
    assert.deepEqual(conversation.receive(bytes('HTTP/1.1 200 OK\r\n\r\n')), []);
    assert.deepEqual(conversation.end(), []);
  });

  it('a cut response is an error at the end', () => {
    const conversation = new ClientConversation(bytes(GET));
    conversation.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    assert.deepEqual(clientSummary(conversation.end()), ['error INVALID_EOF_STATE']);
  });

  it('streams a body as it arrives', () => {
    const conversation = new ClientConversation(bytes(GET), { body: 'stream' });
    const first = conversation.receive(bytes('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'));
    assert.deepEqual(
      first.map((action) => action.type),
      ['head', 'body'],
    );
    const rest = conversation.receive(bytes('cd'));
    assert.deepEqual(
      rest.map((action) => action.type),
      ['body', 'response', 'done'],
    );
  });

  it('101 Switching Protocols is final, and what follows is a tunnel', () => {
    const ws = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n';
    const conversation = new ClientConversation(bytes(ws));
    const actions = conversation.receive(
      bytes(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00',
      ),
    );
    assert.deepEqual(clientSummary(actions), [
      'head 0 101',
      'response 0 101 ""',
      'done',
      'tunnel 2',
    ]);
  });
});
