// Shared by the capture tests: a server on an ephemeral loopback port that records its events,
// a raw TCP client that sends exact bytes and collects exactly what comes back, and a Node http
// upstream that records the requests it gets.

import { EventEmitter } from 'node:events';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { CaptureConnection, type RequestHandler } from '../../src-main/capture/connection';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import { NO_WRITE_AHEAD, type CaptureEvent, type WriteAhead } from '../../src-main/capture/events';
import { Responder } from '../../src-main/capture/responder';
import { CaptureServer, type CaptureServerOptions } from '../../src-main/capture/server';
import { DEFAULT_LIMITS } from '../../src-main/capture/settings';
import type { ConnectionId, ServerLimits } from '../../src-main/protocol/types';

export type EventOf<T extends CaptureEvent['type']> = Extract<CaptureEvent, { type: T }>;

export interface TestServer {
  server: CaptureServer;
  port: number;
  events: CaptureEvent[];
  of<T extends CaptureEvent['type']>(type: T, connectionId?: ConnectionId): EventOf<T>[];
  /** Every `data` byte in one direction of one connection, concatenated in offset order. */
  stream(connectionId: ConnectionId, direction: 'in' | 'out'): Buffer;
  /** Resolves once the connection's close event has been emitted. */
  closed(connectionId: ConnectionId, timeoutMs?: number): Promise<EventOf<'connectionClose'>>;
  /** The id of the n-th connection opened (0-based). */
  connectionId(n?: number, timeoutMs?: number): Promise<ConnectionId>;
  /** The id of the connection a raw client made (matched by its local port). */
  idOf(client: RawClient, timeoutMs?: number): Promise<ConnectionId>;
  stop(): Promise<void>;
}

export async function startServer(
  options: Omit<CaptureServerOptions, 'onEvent'> = {},
): Promise<TestServer> {
  const events: CaptureEvent[] = [];
  const server = new CaptureServer({
    ...options,
    settings: { host: '127.0.0.1', port: 0, ...options.settings },
    onEvent: (event) => events.push(event),
  });
  const state = await server.start();
  if (state.status !== 'listening')
    throw new Error(`server did not start: ${JSON.stringify(state)}`);
  const of = <T extends CaptureEvent['type']>(type: T, connectionId?: ConnectionId): EventOf<T>[] =>
    events.filter(
      (event): event is EventOf<T> =>
        event.type === type &&
        (connectionId === undefined ||
          ('connectionId' in event && event.connectionId === connectionId)),
    );
  return {
    server,
    port: state.port,
    events,
    of,
    stream(connectionId, direction) {
      const chunks = of('data', connectionId).filter((event) => event.direction === direction);
      let expected = 0;
      for (const chunk of chunks) {
        if (chunk.offset !== expected) throw new Error(`gap in ${direction} stream at ${expected}`);
        expected += chunk.bytes.length;
      }
      return Buffer.concat(chunks.map((chunk) => chunk.bytes));
    },
    async closed(connectionId, timeoutMs = 5000) {
      await waitFor(
        () => of('connectionClose', connectionId).length > 0,
        timeoutMs,
        `close of ${connectionId}`,
      );
      return of('connectionClose', connectionId)[0]!;
    },
    async connectionId(n = 0, timeoutMs = 5000) {
      await waitFor(() => of('connectionOpen').length > n, timeoutMs, `connection #${n}`);
      return of('connectionOpen')[n]!.connectionId;
    },
    async idOf(client, timeoutMs = 5000) {
      const port = client.localPort;
      const find = () => of('connectionOpen').find((event) => event.remotePort === port);
      await waitFor(() => find() !== undefined, timeoutMs, `connection from port ${port}`);
      return find()!.connectionId;
    },
    async stop() {
      await server.stop();
    },
  };
}

export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface RawClient {
  socket: Socket;
  localPort: number;
  /** Every byte the client managed to write. */
  sent(): Buffer;
  received(): Buffer;
  send(bytes: string | Uint8Array): Promise<void>;
  /** Waits until the received bytes satisfy `done`. */
  until(done: (received: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Waits for the server to close its side; returns everything received. */
  ended(timeoutMs?: number): Promise<Buffer>;
  close(): void;
}

export function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const written: Buffer[] = [];
    let ended = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => (ended = true));
    socket.on('close', () => (ended = true));
    socket.on('error', () => (ended = true));
    const received = (): Buffer => Buffer.concat(chunks);
    const client: RawClient = {
      socket,
      localPort: 0,
      sent: () => Buffer.concat(written),
      received,
      send: (bytes) =>
        new Promise((done, fail) => {
          if (socket.destroyed || !socket.writable) {
            fail(new Error('the connection is closed'));
            return;
          }
          const buffer =
            typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
          socket.write(buffer, (error) => {
            if (error) {
              fail(error);
            } else {
              written.push(buffer);
              done();
            }
          });
        }),
      async until(done, timeoutMs = 5000) {
        await waitFor(() => done(received()), timeoutMs, 'expected response bytes');
        return received();
      },
      async ended(timeoutMs = 5000) {
        await waitFor(() => ended, timeoutMs, 'the server to close the connection');
        return received();
      },
      close: () => socket.destroy(),
    };
    socket.once('connect', () => {
      client.localPort = socket.localPort ?? 0;
      resolve(client);
    });
    socket.once('error', reject);
  });
}

/** Sends `bytes` (optionally in several writes), waits for the server to close, returns the answer. */
export async function exchangeUntilClose(
  port: number,
  ...writes: (string | Uint8Array)[]
): Promise<Buffer> {
  const client = await rawClient(port);
  for (const bytes of writes) await client.send(bytes);
  const answer = await client.ended();
  client.close();
  return answer;
}

/** The status lines found in a response stream, in order (HTTP/1.x NNN ...). */
export function statusLines(bytes: Buffer): string[] {
  return bytes.toString('latin1').match(/HTTP\/1\.[01] \d{3}[^\r\n]*/g) ?? [];
}

/** Number of complete responses with Content-Length framing in `bytes` (bodies skipped). */
export function countResponses(bytes: Buffer): number {
  let count = 0;
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1');
    if (end < 0) break;
    const head = bytes.toString('latin1', at, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const next = end + 4 + (length ? Number(length[1]) : 0);
    if (next > bytes.length) break;
    count++;
    at = next;
  }
  return count;
}

export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}

// ---- A connection over a socket stand-in, driven synchronously (no network) ----

export class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 1;
  localPort = 2;
  destroyed = false;
  ended = false;
  written: Uint8Array[] = [];
  setNoDelay(): void {}
  write(bytes: Uint8Array): boolean {
    this.written.push(bytes);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
  /** Everything written, as latin1 text. */
  text(): string {
    return Buffer.concat(this.written).toString('latin1');
  }
}

export function fakeConnection(
  limits: Partial<ServerLimits> = {},
  options: { handler?: RequestHandler; writeAhead?: WriteAhead } = {},
) {
  const socket = new FakeSocket();
  const events: CaptureEvent[] = [];
  const connection = new CaptureConnection(socket as unknown as Socket, {
    id: 'c1',
    limits: { ...DEFAULT_LIMITS, ...limits },
    responder: new Responder({
      assetsDir: defaultAssetsDir(),
      rulesDir: process.cwd(),
      tutorialExact: false,
    }),
    ...(options.handler ? { handler: options.handler } : {}),
    emit: (event) => events.push(event),
    writeAhead: options.writeAhead ?? NO_WRITE_AHEAD,
    closed: () => undefined,
  });
  return { socket, events, connection };
}

/** A Node http server on 127.0.0.1 that records each request (its body whole) and connection. */
export interface RecordingUpstream {
  port: number;
  seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[];
  connections: number;
  close(): Promise<void>;
}

/** Starts a RecordingUpstream that calls `answer` once a request's body has ended. */
export async function recordingUpstream(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RecordingUpstream> {
  const up: RecordingUpstream = { port: 0, seen: [], connections: 0, close: async () => undefined };
  const server = createHttp((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => {
      up.seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(parts),
      });
      answer(req, res);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on('connection', () => up.connections++);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  up.port = (server.address() as { port: number }).port;
  up.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return up;
}
