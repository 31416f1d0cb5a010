// The write-ahead rule: no response leaves before what was received ahead of it is written; a
// failing disk loses nothing (records wait in order, are retried, never duplicated), is reported
// once and again when it recovers; past the memory bound requests get 503 with Retry-After.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteAheadGate, type Recorder } from '../../src-main/host/write-ahead';
import { createCore, type Core } from '../../src-main/host/core';
import { SessionStore, type FileWriter } from '../../src-main/capture/store';
import type { CoreEvent } from '../../src-main/protocol/types';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-wal-'));
  homes.push(home);
  return home;
}
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class FakeRecorder implements Recorder {
  failing = false;
  pending = 0;
  flushes = 0;
  flush(): void {
    this.flushes++;
    if (this.failing) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    this.pending = 0;
  }
  pendingBytes(): number {
    return this.pending;
  }
}

test('the gate sends only after a commit, one write for all of a turn', async () => {
  const recorder = new FakeRecorder();
  const gate = new WriteAheadGate(() => recorder, {
    failing: () => assert.fail('no outage expected'),
    full: () => assert.fail('no outage expected'),
    resumed: () => assert.fail('no outage expected'),
  });
  const sent: number[] = [];
  recorder.pending = 300;
  for (let i = 0; i < 5; i++) gate.afterWrite(() => sent.push(recorder.pending));
  assert.deepEqual(sent, [], 'nothing is sent before the commit');
  await tick();
  assert.deepEqual(sent, [0, 0, 0, 0, 0], 'every send saw its records written');
  assert.equal(recorder.flushes, 1, 'one write for the whole turn');
});

test('an outage is reported once, answers go on within the bound, 503 past it, and recovery is said', async () => {
  const recorder = new FakeRecorder();
  const said: string[] = [];
  const gate = new WriteAheadGate(
    () => recorder,
    {
      failing: () => said.push('failing'),
      full: () => said.push('full'),
      resumed: () => said.push('resumed'),
    },
    { maxPendingBytes: 1000, retryMs: 20 },
  );
  recorder.failing = true;
  recorder.pending = 100;
  let sent = 0;
  gate.afterWrite(() => sent++);
  await tick();
  gate.afterWrite(() => sent++);
  await tick();
  assert.equal(sent, 2, 'responses within the bound still go out (their records are kept)');
  assert.deepEqual(said, ['failing'], 'the outage is reported once');
  assert.equal(gate.canKeep(), true);
  recorder.pending = 1000;
  assert.equal(gate.canKeep(), false, 'past the bound the server must refuse');
  assert.equal(gate.canKeep(), false);
  assert.deepEqual(said, ['failing', 'full'], 'the bound is reported once');
  recorder.failing = false;
  const deadline = Date.now() + 2000;
  while (!said.includes('resumed') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(said, ['failing', 'full', 'resumed'], 'the retry timer notices the recovery');
  assert.equal(recorder.pending, 0);
  assert.equal(gate.canKeep(), true);
  gate.stop();
});

/** A positional writer that fails with ENOSPC while `full` is set, and counts what it wrote. */
function faultyDisk(): { write: FileWriter; full: boolean; failures: number } {
  const disk = {
    full: false,
    failures: 0,
    write: ((fd, buffer, offset, length, position) => {
      if (disk.full) {
        disk.failures++;
        // A short write before the failure, as a real full disk may do.
        if (length > 8) writeSync(fd, buffer, offset, 8, position);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      }
      return writeSync(fd, buffer, offset, length, position);
    }) as FileWriter,
  };
  return disk;
}

function get(port: number, path: string): Promise<{ status: number; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () =>
      socket.end(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const retryAfter = /\r\nRetry-After: ([^\r]*)/i.exec(text)?.[1] ?? null;
      resolve({ status, retryAfter });
    });
  });
}

function notices(events: CoreEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'notice' ? [e.message.key] : []));
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function storedTargets(dir: string): string[] {
  const targets: string[] = [];
  const { store } = SessionStore.open(dir, {
    readOnly: true,
    onRecord: (record) => {
      if (record.kind === 'capture' && record.event.type === 'request')
        targets.push(record.event.head.target);
    },
  });
  store.close();
  return targets;
}

test('a full disk loses nothing: requests wait in memory, are written once when space is back', async () => {
  const disk = faultyDisk();
  const home = tempHome();
  const core: Core = await createCore({ home, storeWrite: disk.write, batchMs: 16 });
  const events: CoreEvent[] = [];
  core.subscribe((batch) => events.push(...batch));
  const { port } = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  const dir = core.sessionDir();

  assert.equal((await get(port, '/?before')).status, 200);
  disk.full = true;
  const during: number[] = [];
  for (let i = 0; i < 20; i++) during.push((await get(port, `/?during-${i}`)).status);
  assert.deepEqual(new Set(during), new Set([200]), 'answered while the records fit in memory');
  assert.ok(disk.failures > 0, 'the writes did fail');
  await until(() => notices(events).includes('store.diskFull'), 'the disk-full notice');
  disk.full = false;
  assert.equal((await get(port, '/?after')).status, 200);
  await until(() => notices(events).includes('store.resumed'), 'the resumed notice');
  assert.equal(
    notices(events).filter((key) => key === 'store.diskFull').length,
    1,
    'one sentence per outage',
  );
  await core.close();

  const targets = storedTargets(dir);
  const expected = [
    '/?before',
    ...Array.from({ length: 20 }, (_, i) => `/?during-${i}`),
    '/?after',
  ];
  assert.deepEqual(targets, expected, 'every request once, in order');
});

test('past the memory bound the server answers 503 with Retry-After, and a clean stop reports what it could not save', async () => {
  const disk = faultyDisk();
  const home = tempHome();
  const core: Core = await createCore({
    home,
    storeWrite: disk.write,
    maxPendingBytes: 4096,
    batchMs: 16,
  });
  const events: CoreEvent[] = [];
  core.subscribe((batch) => events.push(...batch));
  const { port } = await core.call('server.start', { host: '127.0.0.1', port: 0 });
  disk.full = true;
  const answers: { status: number; retryAfter: string | null }[] = [];
  for (let i = 0; i < 40; i++) answers.push(await get(port, `/?r-${i}`));
  const refused = answers.filter((a) => a.status === 503);
  assert.ok(answers[0].status === 200, 'the first requests fit in memory');
  assert.ok(refused.length > 0, 'past the bound requests are refused');
  assert.ok(
    refused.every((a) => a.retryAfter !== null && Number(a.retryAfter) > 0),
    'each 503 says when to retry',
  );
  await until(() => notices(events).includes('store.queueFull'), 'the queue-full notice');
  await core.close();
  const lost = events.find((e) => e.type === 'notice' && e.message.key === 'store.lostAtClose');
  assert.ok(lost && lost.type === 'notice', 'the stop says what could not be saved');
  assert.match(lost.message.text, /^\d+ records \(\d+ bytes\) could not be saved to /);
  // The lock is released even though the last write failed: the next start is not blocked.
  const again = await createCore({ home, sessionDir: core.sessionDir() });
  await again.close();
});
