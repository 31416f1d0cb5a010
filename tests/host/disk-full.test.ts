// A real full disk: `socketscope serve` records into a 2 MB tmpfs that is filled up, keeps
// answering, says once that the disk is full and where, says again when space is back, and after
// a clean stop the session holds every request once, in order, with no lock left behind.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeSync, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE_NAME, SessionStore } from '../../src-main/capture/store';
import { startServe } from '../capture/serve-child';

function mountTmpfs(dir: string): string | null {
  if (process.getuid?.() !== 0) return 'the test needs root to mount a small tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `a tmpfs could not be mounted here (${String(error).split('\n')[0]})`;
  }
}

const root = mkdtempSync(join(tmpdir(), 'socketscope-diskfull-'));
const disk = join(root, 'disk');
execFileSync('mkdir', ['-p', disk]);
const skipReason = mountTmpfs(disk);
if (skipReason)
  console.log(`# skipped: ${skipReason}; tests/host/write-ahead.test.ts injects the same failure`);
after(() => {
  if (!skipReason) execFileSync('umount', [disk]);
  rmSync(root, { recursive: true, force: true });
});

/** Fills the disk up with one file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return path;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () =>
      socket.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 0),
      ),
    );
  });
}

async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test(
  'a full disk, then freed: every request is kept and each change is said once',
  { skip: skipReason ?? false },
  async () => {
    const sessionDir = join(disk, 'session');
    const serve = await startServe(['--port', '0', '--session', sessionDir], {
      home: join(root, 'home'),
      captureStderr: true,
    });
    const { port } = serve;

    const targets: string[] = [];
    const statuses: number[] = [];
    const send = async (target: string): Promise<void> => {
      targets.push(target);
      statuses.push(await get(port, target));
    };
    await send('/?before');
    const filler = fill(disk);
    for (let i = 0; i < 80; i++) await send(`/?during-${i}`);
    await until(
      () => serve.output().includes('is full, so recording is paused'),
      'the disk-full line',
    );
    rmSync(filler);
    await send('/?after');
    await until(() => serve.output().includes('has resumed'), 'the resumed line');
    const code = await serve.stop();
    const out = serve.output();

    assert.deepEqual(new Set(statuses), new Set([200]), 'every request was answered');
    assert.equal(out.match(/is full, so recording is paused/g)?.length, 1, 'said once');
    assert.match(
      out,
      new RegExp(`The disk holding ${sessionDir.replace(/[/.]/g, '\\$&')}`),
      'says where',
    );
    assert.doesNotMatch(out, /ENOSPC|\n\s+at /, 'no bare errno, no stack trace');
    assert.equal(code, 0);
    assert.equal(existsSync(join(sessionDir, LOCK_FILE_NAME)), false, 'no stale lock');

    const stored: string[] = [];
    const { store } = SessionStore.open(sessionDir, {
      readOnly: true,
      onRecord: (record) => {
        if (record.kind === 'capture' && record.event.type === 'request')
          stored.push(record.event.head.target);
      },
    });
    store.close();
    assert.deepEqual(stored, targets, 'every request once, in order');
  },
);
