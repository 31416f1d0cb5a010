// A stale writer lock never blocks the next start: the lock names a process by pid and start
// time, so a pid that now belongs to another live process does not hold the session.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionStore, LOCK_FILE_NAME, sessionWriter } from '../../src-main/capture/store';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketscope-lock-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const onLinux = existsSync('/proc/self/stat');

test('a live writer holds the session; its lock names it by pid and start time', () => {
  const dir = tempDir();
  const { store } = SessionStore.open(dir);
  const lock = readFileSync(join(dir, LOCK_FILE_NAME), 'utf8');
  assert.match(lock, onLinux ? new RegExp(`^${process.pid} \\d+$`) : new RegExp(`^${process.pid}`));
  assert.equal(sessionWriter(dir), process.pid);
  assert.throws(() => SessionStore.open(dir), /being recorded by process/);
  store.close();
  assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false);
});

test(
  'a lock whose pid now belongs to another live process is stale and taken over',
  { skip: onLinux ? false : 'needs /proc to tell when a process started' },
  () => {
    const dir = tempDir();
    // pid 1 is alive, but it started at another time than the one this lock records.
    writeFileSync(join(dir, LOCK_FILE_NAME), '1 1');
    assert.equal(sessionWriter(dir), null);
    const { store } = SessionStore.open(dir);
    assert.equal(sessionWriter(dir), process.pid);
    store.close();
  },
);

test('a lock of a process that is gone, or an unreadable lock, is taken over', () => {
  const dir = tempDir();
  writeFileSync(join(dir, LOCK_FILE_NAME), '2147483646');
  SessionStore.open(dir).store.close();
  writeFileSync(join(dir, LOCK_FILE_NAME), 'garbage');
  SessionStore.open(dir).store.close();
  assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false);
});
