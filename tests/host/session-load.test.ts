// Reading a session back through the load sink (fields read in place, straight into the table)
// gives exactly what the event path gives (each record decoded to an event and applied): every
// summary and connection, over records of every shape the capture path writes, including the
// rare ones the sink leaves to the event path (truncated responses, no head, rules, errors,
// replays, text that is not ASCII), and damaged records are reported the same way.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore, LOG_FILE_NAME } from '../../src-main/capture/store';
import { ExchangeBook, emptyExchange } from '../../src-main/host/exchanges';
import type { CaptureEvent } from '../../src-main/capture/events';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketscope-load-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A little random generator, so the test is the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const METHODS = ['GET', 'POST', 'get', 'DELETE', 'PÖST'];
const TARGETS = ['/', '/a?b=1', '/ünï/cødé', '/\u{1F600}', '', '/x'.repeat(200)];

/** Writes connections whose records interleave, in every shape the capture path writes. */
function writeSession(dir: string, seed: number, connections: number): void {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const { store } = SessionStore.open(dir, { flushMs: 1000 });
  const open = new Map<string, { index: number; inOffset: number; outOffset: number }>();
  let time = 1_700_000_000_000;
  let made = 0;
  const events: CaptureEvent[] = [];
  for (let step = 0; step < connections * 12; step++) {
    time += Math.floor(next() * 5);
    if ((open.size === 0 || next() < 0.1) && made < connections) {
      const connectionId = `c${made++}-${pick(['', 'é', 'x'])}`;
      open.set(connectionId, { index: 0, inOffset: 0, outOffset: 0 });
      events.push({
        type: 'connectionOpen',
        connectionId,
        remoteAddress: '127.0.0.1',
        remotePort: 40000 + made,
        localPort: 8080,
        time,
      });
      continue;
    }
    if (open.size === 0) break;
    const [connectionId, state] = pick([...open]);
    const roll = next();
    if (roll < 0.08) {
      open.delete(connectionId);
      events.push({
        type: 'connectionClose',
        connectionId,
        time,
        reason: pick(['client', 'server', 'error'] as const),
        bytesIn: state.inOffset + (next() < 0.2 ? 7 : 0),
        bytesOut: state.outOffset,
      });
      continue;
    }
    const request = Buffer.from(`${pick(METHODS)} / HTTP/1.1\r\nHost: h\r\n\r\n`);
    events.push({
      type: 'data',
      connectionId,
      direction: 'in',
      offset: state.inOffset,
      bytes: request,
      time,
    });
    const index = state.index++;
    if (roll < 0.14) {
      events.push({
        type: 'protocolError',
        connectionId,
        index,
        time,
        requestOffset: state.inOffset,
        error: { code: 'MISSING_HOST', offset: 3, reason: 'bad', status: 400 },
        head: { method: 'GET', target: null, version: null, headers: [['Host', 'h']] },
      });
    } else {
      const headers: [string, string][] = [];
      if (next() < 0.8) headers.push([pick(['Host', 'host', 'HOST', 'Hosts']), pick(['a', 'ü'])]);
      if (next() < 0.3) headers.push(['Referer', pick(['http://r/', 'ř'])]);
      if (next() < 0.3) headers.push([pick(['Content-Type', 'content-type']), 'text/plain']);
      if (next() < 0.2) headers.push(['Host', 'second']);
      events.push({
        type: 'request',
        connectionId,
        index,
        time,
        span: { offset: state.inOffset, length: request.length },
        head: { method: pick(METHODS), target: pick(TARGETS), version: 'HTTP/1.1', headers },
        body: new Uint8Array(0),
      });
    }
    state.inOffset += request.length;
    if (next() < 0.15) continue; // no response (yet)
    const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    events.push({
      type: 'data',
      connectionId,
      direction: 'out',
      offset: state.outOffset,
      bytes: response,
      time,
    });
    const shape = next();
    const respHeaders: [string, string][] =
      next() < 0.5 ? [['Content-Type', pick(['text/html', 'äpp/x'])]] : [['X', 'y']];
    events.push({
      type: 'response',
      connectionId,
      index,
      time: time + 1,
      span: { offset: state.outOffset, length: response.length },
      head:
        shape < 0.1
          ? null
          : {
              version: 'HTTP/1.1',
              status: pick([200, 404, 500]),
              reason: pick(['OK', 'Ñ', '']),
              headers: respHeaders,
            },
      ruleId: next() < 0.2 ? pick(['rule-1', 'régle']) : null,
      ...(shape < 0.5
        ? {}
        : shape < 0.8
          ? { deviations: [], ending: { state: 'complete' as const, missing: null } }
          : {
              deviations: [{ code: 'BARE_LF' as const, offset: 1, length: 1, rfc: 'x' }],
              ending: { state: 'truncated' as const, missing: next() < 0.5 ? 12 : null },
            }),
    });
    state.outOffset += response.length;
  }
  for (const event of events) store.appendCapture(event);
  // A replayed exchange, whole.
  const exchange = emptyExchange('replay-1#0', 'replay-1', 0, time, 0);
  exchange.source = 'replay';
  store.appendExchange(
    {
      connection: {
        connectionId: 'replay-1',
        source: 'replay',
        remoteAddress: '127.0.0.1',
        remotePort: 1,
        localPort: 2,
        openedAt: time,
        closedAt: time,
        closeReason: 'client',
        bytesIn: 3,
        bytesOut: 4,
        exchanges: 1,
      },
      exchange,
    },
    Buffer.from('abc'),
    Buffer.from('defg'),
  );
  store.close();
}

/** The book of the session in `dir`, read through the sink or through events, in slices. */
function read(dir: string, viaSink: boolean) {
  const book = new ExchangeBook();
  book.beginLoading();
  const { store } = SessionStore.open(dir, {
    readOnly: true,
    deferLoad: true,
    ...(viaSink
      ? { sink: book.loadSink() }
      : {
          onRecord: (record) => {
            if (record.kind === 'capture') book.applyLoaded(record.event);
            else book.addLoaded(record.stored);
          },
        }),
  });
  const damaged = [];
  for (let progress = store.loadSome(0); ; progress = store.loadSome(0)) {
    damaged.push(...progress.damaged);
    if (progress.done) break;
  }
  book.finishLoading(null);
  const streams = [...book.connections.keys()].map((id) => [
    store.streamLength(id, 'in'),
    store.streamLength(id, 'out'),
    Buffer.from(store.read(id, 'in', 0, 1 << 20)).toString('latin1'),
  ]);
  store.close();
  return {
    exchanges: [...book.exchanges.values()],
    connections: [...book.connections.values()],
    streams,
    damaged,
  };
}

test('the load sink fills the book exactly as the event path does, over every record shape', () => {
  for (const seed of [1, 2, 3]) {
    const dir = tempDir();
    writeSession(dir, seed, 60);
    const events = read(dir, false);
    const sink = read(dir, true);
    assert.ok(events.exchanges.length > 100, `seed ${seed}: a real session`);
    assert.ok(
      events.exchanges.some((e) => e.outcome === 'truncated'),
      'rare shapes are there',
    );
    assert.ok(events.exchanges.some((e) => e.status === null && e.completedAt !== null));
    assert.deepEqual(sink, events, `seed ${seed}`);
  }
});

test('damaged records are skipped and reported the same way through the sink', () => {
  const dir = tempDir();
  writeSession(dir, 7, 30);
  const path = join(dir, LOG_FILE_NAME);
  const bytes = readFileSync(path);
  // A flipped byte every few kilobytes: in headers, metadata and payloads alike.
  for (let at = 1500; at < bytes.length; at += 2999) bytes[at] ^= 0x20;
  writeFileSync(path, bytes);
  const events = read(dir, false);
  const sink = read(dir, true);
  assert.ok(sink.damaged.length > 3, 'damage was found');
  assert.deepEqual(sink, events);
});
