// The Core's own settings, kept in the data folder as JSON (settings.json). A file that cannot be
// read is never written over: the problem is reported in one sentence and the defaults apply
// until the user fixes or moves it.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Message } from '../protocol/types';
import { fsErrorMessage, UserFacingError } from '../capture/fs-errors';

export interface CoreSettings {
  /** Sync the session file to the disk at every commit (power-loss safety). */
  fsync: boolean;
  /** The guided lesson has been shown: it opens by itself only on a first start. */
  lessonSeen: boolean;
}

export const DEFAULT_CORE_SETTINGS: CoreSettings = { fsync: false, lessonSeen: false };

export type SettingsRead =
  { ok: true; settings: CoreSettings; exists: boolean } | { ok: false; problem: Message };

export function readCoreSettings(path: string): SettingsRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: true, settings: { ...DEFAULT_CORE_SETTINGS }, exists: false };
    return { ok: false, problem: fsErrorMessage(error, path, 'read') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: broken(path, error instanceof Error ? error.message : 'not JSON'),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, problem: broken(path, 'it is not a JSON object') };
  const { fsync, lessonSeen } = parsed as Partial<CoreSettings>;
  if (fsync !== undefined && typeof fsync !== 'boolean')
    return { ok: false, problem: broken(path, '"fsync" must be true or false') };
  if (lessonSeen !== undefined && typeof lessonSeen !== 'boolean')
    return { ok: false, problem: broken(path, '"lessonSeen" must be true or false') };
  return {
    ok: true,
    settings: { fsync: fsync ?? false, lessonSeen: lessonSeen ?? false },
    exists: true,
  };
}

/** Writes atomically: a temporary file beside it, then a rename over the old one. */
export function writeCoreSettings(path: string, settings: CoreSettings): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    throw new UserFacingError(fsErrorMessage(error, path, 'write'));
  }
}

function broken(path: string, detail: string): Message {
  return {
    key: 'settings.broken',
    text: `The settings file ${path} cannot be read (${detail}), so the defaults apply and the file is left untouched: fix it or move it away.`,
    params: { path, detail },
  };
}
