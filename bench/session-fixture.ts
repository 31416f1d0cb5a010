// Writes a session of N captured requests through SessionStore's own API (the records the capture
// path writes: open, request bytes, request, response bytes, response, close), quickly and in a
// bounded time, for benches and the large-session UI test.

import { SessionStore } from '../src-main/capture/store';
import { ensureSessionMeta } from '../src-main/capture/sessions';

export interface FixtureOptions {
  requests: number;
  /** Requests per keep-alive connection (default 1,000). */
  perConnection?: number;
  /** Give up (throw) after this many milliseconds (default 120 s). */
  timeLimitMs?: number;
}

const RESPONSE_BODY = 'hello from the fixture\n';

/** Fills the (new or empty) session folder `dir`; returns how many requests were written. */
export function writeSessionFixture(dir: string, options: FixtureOptions): number {
  const perConnection = Math.max(1, options.perConnection ?? 1000);
  const deadline = Date.now() + (options.timeLimitMs ?? 120_000);
  ensureSessionMeta(dir);
  const { store } = SessionStore.open(dir, { flushMs: 50 });
  const start = Date.now() - options.requests;
  let written = 0;
  try {
    for (let c = 0; written < options.requests; c++) {
      if (Date.now() > deadline)
        throw new Error(`The fixture took over ${options.timeLimitMs} ms.`);
      const connectionId = `fx${c.toString(36)}-c${c}`;
      let time = start + written;
      store.appendCapture({
        type: 'connectionOpen',
        connectionId,
        remoteAddress: '127.0.0.1',
        remotePort: 40000 + (c % 20000),
        localPort: 8080,
        time,
      });
      let inOffset = 0;
      let outOffset = 0;
      const n = Math.min(perConnection, options.requests - written);
      for (let index = 0; index < n; index++, written++) {
        time = start + written;
        const target = `/item/${written}?q=${written % 97}`;
        const method = written % 10 === 0 ? 'POST' : 'GET';
        const request = Buffer.from(
          `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: fixture\r\n\r\n`,
          'latin1',
        );
        store.appendCapture({
          type: 'data',
          connectionId,
          direction: 'in',
          offset: inOffset,
          bytes: request,
          time,
        });
        store.appendCapture({
          type: 'request',
          connectionId,
          index,
          time,
          span: { offset: inOffset, length: request.length },
          head: {
            method,
            target,
            version: 'HTTP/1.1',
            headers: [
              ['Host', '127.0.0.1:8080'],
              ['User-Agent', 'fixture'],
            ],
          },
          body: new Uint8Array(0),
        });
        inOffset += request.length;
        const status = written % 50 === 0 ? 404 : 200;
        const reason = status === 200 ? 'OK' : 'Not Found';
        const response = Buffer.from(
          `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${RESPONSE_BODY.length}\r\n\r\n${RESPONSE_BODY}`,
          'latin1',
        );
        store.appendCapture({
          type: 'data',
          connectionId,
          direction: 'out',
          offset: outOffset,
          bytes: response,
          time,
        });
        store.appendCapture({
          type: 'response',
          connectionId,
          index,
          time,
          span: { offset: outOffset, length: response.length },
          head: {
            version: 'HTTP/1.1',
            status,
            reason,
            headers: [
              ['Content-Type', 'text/plain'],
              ['Content-Length', String(RESPONSE_BODY.length)],
            ],
          },
          ruleId: null,
        });
        outOffset += response.length;
        if (written % 4096 === 0) store.flush();
      }
      store.appendCapture({
        type: 'connectionClose',
        connectionId,
        time,
        reason: 'client',
        bytesIn: inOffset,
        bytesOut: outOffset,
      });
    }
  } finally {
    store.close();
  }
  return written;
}
