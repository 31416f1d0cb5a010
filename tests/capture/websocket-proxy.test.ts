// A WebSocket echo through the reverse proxy, through the forward proxy, and as wss:// through
// the intercepting forward proxy: a real `ws` server on 127.0.0.1 as the upstream and a `ws`
// client. The echo must arrive, and the tunnel bytes
// recorded after the 101, read by the engine's frame parser, must be exactly the frames each
// side sent (text, binary, a 70 KB message with a 64-bit length, a fragmented message, ping and
// pong, close), masked from the client and not from the server, with no byte left over.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { LocalCa } from '../../src-main/capture/ca';
import { MessageInflater } from '../../src-renderer/lib/websocket-inflate';
import {
  WebSocketParser,
  type WsEvent,
  type WsFrame,
  type WsMessage,
} from '../../src-main/engine/websocket';
import { startServer, waitFor, type TestServer } from './helpers';

interface Echo {
  server: WebSocketServer;
  port: number;
  /** Each message the upstream received: kind and bytes. */
  received: [string, Buffer][];
  close(): Promise<void>;
}

const home = mkdtempSync(join(tmpdir(), 'socketscope-ws-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** A ws echo server, on plain TCP or (with `tls`) on an https server of its own CA. */
async function echoServer(tls?: { key: string; cert: string }, deflate = false): Promise<Echo> {
  // With deflate, every message is compressed, however short (ws's threshold is 1 KiB).
  const perMessageDeflate = deflate ? { threshold: 0 } : false;
  const https = tls ? createHttps(tls) : null;
  const server = https
    ? new WebSocketServer({ server: https, perMessageDeflate })
    : new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  if (https) await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', () => resolve()));
  else await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const echo: Echo = {
    server,
    port: ((https ?? server).address() as { port: number }).port,
    received: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => (https ? https.close(() => resolve()) : resolve()));
      }),
  };
  server.on('connection', (socket) => {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBuffer(data);
      echo.received.push([isBinary ? 'binary' : 'text', bytes]);
      socket.send(bytes, { binary: isBinary });
    });
  });
  return echo;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

const TEXT = 'hello, 世界';
const BINARY = Buffer.from([0, 1, 2, 0xfe, 0xff]);
/** Over 65,535 bytes: its length takes the 64-bit form. */
const LARGE = Buffer.from(Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff));
const FRAGMENTS = ['frag', 'men', 'ted ✓'];
const PING = 'are you there?';

/** Runs the script against an open client; resolves with what came back. */
async function converse(
  client: WebSocket,
): Promise<{ messages: [string, Buffer][]; pong: Buffer; close: [number, string] }> {
  const messages: [string, Buffer][] = [];
  client.on('message', (data: RawData, isBinary: boolean) =>
    messages.push([isBinary ? 'binary' : 'text', toBuffer(data)]),
  );
  const echoed = (n: number) => waitFor(() => messages.length >= n, 10_000, `echo ${n}`);
  client.send(TEXT);
  await echoed(1);
  client.send(BINARY);
  await echoed(2);
  client.send(LARGE);
  await echoed(3);
  // One text message in three frames: text (FIN 0), continuation, continuation (FIN 1).
  client.send(FRAGMENTS[0]!, { fin: false });
  client.send(FRAGMENTS[1]!, { fin: false });
  client.send(FRAGMENTS[2]!, { fin: true });
  await echoed(4);
  const pong = new Promise<Buffer>((resolve) => client.once('pong', resolve));
  client.ping(PING);
  const pongData = await pong;
  const closed = new Promise<[number, string]>((resolve) =>
    client.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])),
  );
  client.close(1000, 'done');
  return { messages, pong: pongData, close: await closed };
}

function decode(bytes: Buffer, from: 'client' | 'server', offset: number, deflate = false) {
  const parser = new WebSocketParser({
    from,
    offset,
    keepBytes: 1 << 20,
    perMessageDeflate: deflate,
  });
  const events: WsEvent[] = [...parser.push(bytes.subarray(offset)), ...parser.end()];
  const frames = events.flatMap((e): WsFrame[] => (e.type === 'frame' ? [e.frame] : []));
  const inflater = new MessageInflater(false);
  const messages = events.flatMap((e): WsMessage[] => {
    if (e.type !== 'message') return [];
    if (!e.message.compressed) return [e.message];
    const inflated = inflater.inflate(e.message.data);
    assert.ok(inflated.ok, inflated.ok ? '' : inflated.reason);
    return [{ ...e.message, data: inflated.data }];
  });
  const errors = events.filter((e) => e.type === 'error');
  return { frames, messages, errors, parser };
}

const show = (m: WsMessage): [string, string] => [
  m.kind,
  m.kind === 'close' ? `${m.close?.code} ${m.close?.reason}` : Buffer.from(m.data).toString('hex'),
];

/** The recorded tunnel, each way, is exactly the frames the script sent and nothing else. */
async function checkRecorded(proxy: TestServer, id: string, deflate = false): Promise<void> {
  await proxy.closed(id, 10_000);
  const request = proxy.of('request', id)[0]!;
  const response = proxy.of('response', id)[0]!;
  assert.equal(response.head?.status, 101);
  const inbound = proxy.stream(id, 'in');
  const outbound = proxy.stream(id, 'out');
  const up = decode(inbound, 'client', request.span.offset + request.span.length, deflate);
  const down = decode(outbound, 'server', response.span.offset + response.span.length, deflate);
  assert.deepEqual(up.errors, []);
  assert.deepEqual(down.errors, []);
  // Nothing lost, nothing left over: the frames tile each tunnel to its last byte.
  assert.equal(up.parser.position, inbound.length);
  assert.equal(down.parser.position, outbound.length);
  const hex = (b: Uint8Array | string) => Buffer.from(b).toString('hex');
  assert.deepEqual(up.messages.map(show), [
    ['text', hex(TEXT)],
    ['binary', hex(BINARY)],
    ['binary', hex(LARGE)],
    ['text', hex(FRAGMENTS.join(''))],
    ['ping', hex(PING)],
    ['close', '1000 done'],
  ]);
  assert.deepEqual(down.messages.map(show), [
    ['text', hex(TEXT)],
    ['binary', hex(BINARY)],
    ['binary', hex(LARGE)],
    ['text', hex(FRAGMENTS.join(''))],
    ['pong', hex(PING)],
    ['close', '1000 done'],
  ]);
  // Every client frame masked (with its key), no server frame masked.
  assert.ok(up.frames.every((f) => f.masked && f.maskingKey?.length === 4));
  assert.ok(down.frames.every((f) => !f.masked && f.maskingKey === null));
  if (deflate) {
    // Every data message compressed: RSV1 on its first frame only.
    for (const side of [up, down])
      for (const m of side.messages.filter((m) => m.kind === 'text' || m.kind === 'binary')) {
        assert.equal(m.compressed, true);
        assert.deepEqual(
          m.frames.map((i) => side.frames[i]!.rsv1),
          m.frames.map((_, k) => k === 0),
        );
      }
    return;
  }
  // The fragmented message: three frames, FIN only on the last, continuations after the first.
  const fragmented = up.messages[3]!;
  assert.deepEqual(
    fragmented.frames.map((i) => [
      up.frames[i]!.opcode,
      up.frames[i]!.fin,
      up.frames[i]!.payloadLength,
    ]),
    FRAGMENTS.map((part, i) => [
      i === 0 ? 1 : 0,
      i === FRAGMENTS.length - 1,
      Buffer.byteLength(part),
    ]),
  );
  // The 70 KB message: a 64-bit length, each way.
  for (const side of [up, down]) {
    const large = side.frames[side.messages[2]!.frames[0]!]!;
    assert.equal(large.spans.extendedLength?.length, 8);
    assert.equal(large.payloadLength, LARGE.length);
  }
}

function checkEcho(got: Awaited<ReturnType<typeof converse>>, echo: Echo): void {
  const expected: [string, Buffer][] = [
    ['text', Buffer.from(TEXT)],
    ['binary', BINARY],
    ['binary', LARGE],
    ['text', Buffer.from(FRAGMENTS.join(''))],
  ];
  assert.deepEqual(got.messages, expected);
  assert.deepEqual(echo.received, expected);
  assert.equal(got.pong.toString(), PING);
  assert.deepEqual(got.close, [1000, 'done']);
}

test('a WebSocket echo through the reverse proxy: echoed, and the recorded frames are those sent', async () => {
  const echo = await echoServer();
  const proxy = await startServer({ settings: { upstream: `http://127.0.0.1:${echo.port}` } });
  try {
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/echo`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const got = await converse(client);
    checkEcho(got, echo);
    await checkRecorded(proxy, await proxy.connectionId());
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

test('a WebSocket echo through the forward proxy (absolute-form upgrade): the same frames recorded', async () => {
  const echo = await echoServer();
  const proxy = await startServer({ settings: { proxy: true } });
  const url = `ws://127.0.0.1:${echo.port}/echo`;
  try {
    const client = new WebSocket(url, {
      perMessageDeflate: false,
      // To the proxy, with the absolute URL as the request-target.
      createConnection: () => connect(proxy.port, '127.0.0.1'),
      finishRequest: (request) => {
        request.path = `http://127.0.0.1:${echo.port}/echo`;
        request.end();
      },
    });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const got = await converse(client);
    checkEcho(got, echo);
    const id = await proxy.connectionId();
    assert.equal(proxy.of('request', id)[0]!.head.target, `http://127.0.0.1:${echo.port}/echo`);
    await checkRecorded(proxy, id);
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

/** A TCP connection to the proxy with a CONNECT tunnel to `port` established on it. */
async function tunnel(proxyPort: number, port: number): Promise<Socket> {
  const socket = connect(proxyPort, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  let head = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (/^HTTP\/1\.1 200 /.test(head)) resolve();
      else reject(new Error(`CONNECT answered ${head}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

test('wss:// through the intercepting forward proxy: the decrypted connection records the same frames', async () => {
  const originCa = await LocalCa.open(join(home, 'origin-ca'));
  const echo = await echoServer(await originCa.leafFiles('127.0.0.1'));
  const caDir = join(home, 'proxy-ca');
  const proxy = await startServer({
    settings: { proxy: true, intercept: true, insecureHosts: ['127.0.0.1'] },
    caDir,
  });
  try {
    const raw = await tunnel(proxy.port, echo.port);
    const client = new WebSocket(`wss://127.0.0.1:${echo.port}/echo`, {
      perMessageDeflate: false,
      // TLS to the proxy's leaf for 127.0.0.1, inside the tunnel, trusting the proxy's CA.
      createConnection: () =>
        connectTls({
          socket: raw,
          // Checked against this address; an IP sends no SNI (RFC 6066).
          host: '127.0.0.1',
          ca: readFileSync(join(caDir, 'ca-cert.pem'), 'utf8'),
          ALPNProtocols: ['http/1.1'],
        }),
    });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const got = await converse(client);
    checkEcho(got, echo);
    const outer = await proxy.connectionId(0);
    await checkRecorded(proxy, `${outer}.tls`);
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

test('permessage-deflate through the reverse proxy: the recorded compressed frames inflate to what was sent', async () => {
  const echo = await echoServer(undefined, true);
  const proxy = await startServer({ settings: { upstream: `http://127.0.0.1:${echo.port}` } });
  try {
    const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/echo`, {
      perMessageDeflate: { threshold: 0 },
    });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    assert.match(client.extensions, /permessage-deflate/);
    checkEcho(await converse(client), echo);
    await checkRecorded(proxy, await proxy.connectionId(), true);
  } finally {
    await proxy.stop();
    await echo.close();
  }
});
