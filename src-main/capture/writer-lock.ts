// One writer per session: a lock file holding the recording process's pid and, where the system
// tells it (Linux's /proc), when that process started. A lock whose process is gone, or whose pid
// now belongs to another process (after a reboot or pid reuse), is stale and taken over, so a
// stale lock never blocks the next start.

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Holds the pid of the process recording into the session (one writer at a time). */
export const LOCK_FILE_NAME = 'writer.lock';

interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks since boot, or null where unknown. */
  started: number | null;
}

/** Start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat), or null. */
function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function parseLock(text: string): LockOwner | null {
  const [pidText, startedText] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const started = startedText === undefined ? null : Number(startedText);
  return { pid, started: Number.isFinite(started) ? started : null };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock's process still runs: same pid and, when both are known, same start. */
function alive(owner: LockOwner): boolean {
  if (!isRunning(owner.pid)) return false;
  if (owner.started === null) return true;
  const now = startTicks(owner.pid);
  return now === null || now === owner.started;
}

function ownLock(): string {
  const started = startTicks(process.pid);
  return started === null ? String(process.pid) : `${process.pid} ${started}`;
}

function readOwner(path: string): LockOwner | null {
  try {
    return parseLock(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Takes the session's writer lock; throws (with the pid) when a live process holds it. */
export function acquireWriterLock(dir: string): void {
  const path = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, ownLock(), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (owner !== null && alive(owner)) {
      throw Object.assign(
        new Error(`The session in ${dir} is being recorded by process ${owner.pid}.`),
        { code: 'ESESSIONLOCKED', pid: owner.pid },
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // Another process took it over first: the next attempt will see its lock.
    }
  }
  throw new Error(`Could not lock the session in ${dir}.`);
}

/** The pid of the live process recording into `dir`, or null. */
export function sessionWriter(dir: string): number | null {
  const owner = readOwner(join(dir, LOCK_FILE_NAME));
  return owner !== null && alive(owner) ? owner.pid : null;
}

export function releaseWriterLock(dir: string): void {
  const path = join(dir, LOCK_FILE_NAME);
  if (readOwner(path)?.pid !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
