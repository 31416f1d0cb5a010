// The write-ahead rule under kill -9: every request a client saw answered is in the session,
// because no response leaves the process before the bytes received ahead of it were written.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore } from '../../src-main/capture/store';

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
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src-main/host/cli.ts',
      'serve',
      '--json',
      '--port',
      '0',
      '--session',
      sessionDir,
    ],
    { env: { ...process.env, SOCKETSCOPE_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let firstLine = '';
  child.stdout.setEncoding('utf8');
  const listening = new Promise<void>((resolve) => {
    child.stdout.on('data', (text: string) => {
      if (firstLine.includes('\n')) return;
      firstLine += text;
      if (firstLine.includes('\n')) resolve();
    });
  });
  await Promise.race([
    listening,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no start')), 15_000)),
  ]);
  const { port } = JSON.parse(firstLine.split('\n')[0]) as { port: number };

  let stopped = false;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    keepAliveClient(port, c, () => stopped),
  );
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  child.kill('SIGKILL');
  await exited;
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
