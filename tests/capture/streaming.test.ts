// A response streamed back as it arrives (what a proxy needs): its pieces are written as they
// come, in request order, through the write-ahead rule; pipelined answers after it wait.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  ForwardedRequest,
  RequestHandler,
  ResponseSink,
} from '../../src-main/capture/connection';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import type { WriteAhead } from '../../src-main/capture/events';
import { Responder } from '../../src-main/capture/responder';
import { fakeConnection, statusLines } from './helpers';

const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
const RESPONSE_HEAD = {
  version: 'HTTP/1.1',
  status: 200,
  reason: 'OK',
  headers: [['Transfer-Encoding', 'chunked']] as [string, string][],
};

/** Streams `/stream` through the sink the test holds; everything else is the default site. */
function handler(): { handler: RequestHandler; sinks: ResponseSink[] } {
  const site = new Responder({
    assetsDir: defaultAssetsDir(),
    rulesDir: process.cwd(),
    tutorialExact: false,
  });
  const sinks: ResponseSink[] = [];
  return {
    sinks,
    handler: {
      respond: (request) =>
        request.target === '/stream'
          ? { stream: (sink: ResponseSink) => void sinks.push(sink) }
          : site.respond(request),
    },
  };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('streamed responses', () => {
  it('pieces go out as they arrive, and a pipelined answer waits for the end', () => {
    const { handler: respond, sinks } = handler();
    const { socket, events } = fakeConnection({}, { handler: respond });
    socket.emit('data', Buffer.from(get('/stream') + get('/')));
    assert.equal(sinks.length, 1);
    assert.equal(socket.text(), '', 'nothing yet');
    const sink = sinks[0]!;
    sink.write(Buffer.from(HEAD));
    assert.equal(socket.text(), HEAD, 'the head goes out before the body exists');
    const piece = Buffer.from('5\r\nhello\r\n');
    sink.write(piece);
    piece.fill(0x21); // the caller may reuse its buffer
    assert.equal(socket.text(), `${HEAD}5\r\nhello\r\n`);
    assert.equal(statusLines(Buffer.from(socket.text())).length, 1, 'the next answer waits');
    sink.write(Buffer.from('0\r\n\r\n'));
    sink.end({ head: RESPONSE_HEAD, ruleId: 'upstream', close: false });
    const text = socket.text();
    const streamed = `${HEAD}5\r\nhello\r\n0\r\n\r\n`;
    assert.ok(text.startsWith(streamed));
    assert.deepEqual(
      statusLines(Buffer.from(text)).map((line) => line.slice(0, 12)),
      ['HTTP/1.1 200', 'HTTP/1.1 200'],
    );
    const responses = events.filter((event) => event.type === 'response');
    assert.deepEqual(
      responses.map((event) => [event.index, event.span.offset, event.span.length, event.ruleId]),
      [
        [0, 0, streamed.length, 'upstream'],
        [1, streamed.length, text.length - streamed.length, null],
      ],
    );
    // Every byte written is recorded as outbound data, in order and without gaps.
    const out = events.flatMap((event) =>
      event.type === 'data' && event.direction === 'out' ? [event] : [],
    );
    let at = 0;
    for (const chunk of out) {
      assert.equal(chunk.offset, at);
      at += chunk.bytes.length;
    }
    assert.equal(at, text.length);
    assert.equal(Buffer.concat(out.map((chunk) => chunk.bytes)).toString('latin1'), text);
  });

  it('waits for the write-ahead rule like any response', () => {
    const waiting: (() => void)[] = [];
    const gate: WriteAhead = { afterWrite: (send) => void waiting.push(send), canKeep: () => true };
    const { handler: respond, sinks } = handler();
    const { socket } = fakeConnection({}, { handler: respond, writeAhead: gate });
    socket.emit('data', Buffer.from(get('/stream')));
    sinks[0]!.write(Buffer.from(HEAD));
    sinks[0]!.write(Buffer.from('0\r\n\r\n'));
    assert.equal(socket.text(), '', 'nothing leaves before the commit');
    for (const send of waiting.splice(0)) send();
    assert.equal(socket.text(), `${HEAD}0\r\n\r\n`);
  });

  it('an answer that asks to close ends the connection after it', () => {
    const { handler: respond, sinks } = handler();
    const { socket, events } = fakeConnection({}, { handler: respond });
    socket.emit('data', Buffer.from(get('/stream') + get('/')));
    sinks[0]!.write(Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall'));
    sinks[0]!.end({ head: null, ruleId: null, close: true });
    assert.equal(socket.ended, true);
    assert.equal(statusLines(Buffer.from(socket.text())).length, 1, 'the pipelined one is not');
    assert.equal(events.filter((event) => event.type === 'response').length, 1);
    // Writes after the end are ignored.
    sinks[0]!.write(Buffer.from('more'));
    assert.ok(!socket.text().endsWith('more'));
  });
});

// ---- Requests handed on at their head (a proxy) ----

interface Forwarded {
  request: ForwardedRequest;
  sink: ResponseSink;
  body: string;
  ended: boolean;
  aborted: string | null;
}

function forwarding(): { handler: RequestHandler; seen: Forwarded[] } {
  const site = new Responder({
    assetsDir: defaultAssetsDir(),
    rulesDir: process.cwd(),
    tutorialExact: false,
  });
  const seen: Forwarded[] = [];
  return {
    seen,
    handler: {
      respond: (request) => site.respond(request),
      forward: (request, sink) => {
        const entry: Forwarded = { request, sink, body: '', ended: false, aborted: null };
        request.body.onData = (data) => (entry.body += Buffer.from(data).toString('latin1'));
        request.body.onEnd = () => (entry.ended = true);
        request.body.onAbort = (reason) => (entry.aborted = reason);
        seen.push(entry);
      },
    },
  };
}

describe('requests handed on at their head', () => {
  const upload = 'PUT /up HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\n';

  it('the head is handed on before the body, and the answer may start before it ends', () => {
    const { handler: forward, seen } = forwarding();
    const { socket, events } = fakeConnection({}, { handler: forward });
    socket.emit('data', Buffer.from(`${upload}abc`));
    assert.equal(seen.length, 1);
    const [entry] = seen;
    assert.equal(entry!.request.head.target, '/up');
    assert.equal(entry!.body, 'abc');
    assert.equal(entry!.ended, false);
    entry!.sink.write(Buffer.from(HEAD));
    assert.equal(socket.text(), HEAD, 'answering while the body still arrives');
    socket.emit('data', Buffer.from(`def${get('/')}`));
    assert.equal(entry!.body, 'abcdef');
    assert.equal(entry!.ended, true);
    assert.equal(seen.length, 2, 'the pipelined request is handed on too');
    seen[1]!.sink.write(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'));
    seen[1]!.sink.end({ head: null, ruleId: null, close: false });
    assert.equal(socket.text(), HEAD, 'its answer waits for the first');
    entry!.sink.write(Buffer.from('0\r\n\r\n'));
    entry!.sink.end({ head: RESPONSE_HEAD, ruleId: 'proxy', close: false });
    assert.equal(socket.text(), `${HEAD}0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n`);
    const request = events.find((event) => event.type === 'request');
    assert.ok(request?.type === 'request');
    assert.equal(Buffer.from(request.body).toString(), 'abcdef', 'still recorded');
  });

  it('100 Continue goes out before the forwarded answer', () => {
    const { handler: forward, seen } = forwarding();
    const { socket } = fakeConnection({}, { handler: forward });
    socket.emit(
      'data',
      Buffer.from('PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n'),
    );
    assert.equal(socket.text(), 'HTTP/1.1 100 Continue\r\n\r\n');
    seen[0]!.sink.write(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    assert.match(socket.text(), /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  it('a request refused in the middle of its body aborts, and the error is answered', () => {
    const { handler: forward, seen } = forwarding();
    const { socket } = fakeConnection({ maxBodyBytes: 10 }, { handler: forward });
    socket.emit(
      'data',
      Buffer.from('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n'),
    );
    assert.equal(seen[0]!.body, 'abcde');
    socket.emit('data', Buffer.from('9\r\nfghijklmn\r\n'));
    assert.match(seen[0]!.aborted ?? '', /.+/);
    assert.equal(seen[0]!.ended, false);
    assert.deepEqual(statusLines(Buffer.from(socket.text())), ['HTTP/1.1 413 Content Too Large']);
    assert.equal(socket.ended, true);
  });
});
