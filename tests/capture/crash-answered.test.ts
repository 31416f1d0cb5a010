// The write-ahead rule under kill -9: every request a client saw answered is in the session,
// because no response leaves the process before the bytes received ahead of it were written.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '../../src-main/capture/store';
import { startServe } from './serve-child';

const home = mkdtempSync(join(tmpdir(), 'socketscope-crash-answered-'));
after(() => rmSync(home, { recursive: true, force: true }));

const CLIENTS = 8;
const RUN_MS = 2500;

/** Sends `/?c<c>r<n>` one after another on one keep-alive socket; counts complete answers. */
function keepAliveClient(port: number, c: number, stop: () => boolean) {
  const state = { answered: 0, done: Promise.resolve() };
  state.done = new Promise<void>((resolve) => {
    const socket: Socket = connect({ port, host: '127.0.0.1' });
    let buffered = Buffer.alloc(0);
    const send = (): void => {
      if (stop() || socket.destroyed) return void socket.destroy();
      socket.write(`GET /?c${c}r${state.answered} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? NaN);
        assert.ok(Number.isInteger(length), `an answer without Content-Length: ${head}`);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        state.answered++;
        send();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
  return state;
}

test('after kill -9 under keep-alive load, every answered request is in the session', async () => {
  const sessionDir = join(home, 'session');
  const serve = await startServe(['--json', '--port', '0', '--session', sessionDir], { home });
  const { port } = serve;

  let stopped = false;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    keepAliveClient(port, c, () => stopped),
  );
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  await serve.stop('SIGKILL');
  stopped = true;
  await Promise.all(clients.map((client) => client.done));

  const stored = new Set<string>();
  const { store } = SessionStore.open(sessionDir, {
    readOnly: true,
    onRecord: (record) => {
      if (record.kind === 'capture' && record.event.type === 'request')
        stored.add(record.event.head.target);
    },
  });
  store.close();
  let answered = 0;
  const missing: string[] = [];
  clients.forEach((client, c) => {
    answered += client.answered;
    for (let n = 0; n < client.answered; n++)
      if (!stored.has(`/?c${c}r${n}`)) missing.push(`/?c${c}r${n}`);
  });
  console.log(
    `# kill -9: ${answered} requests answered, ${stored.size} stored, ${missing.length} missing`,
  );
  assert.ok(answered >= 500, `only ${answered} requests were answered before the kill`);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} answered requests were lost`);
});
