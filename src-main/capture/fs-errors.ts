// One sentence for every filesystem error a user can meet: what happened, where, and what to do.
// The UI translates the key (`core.fs.*`); `text` is the English form, for the CLI and logs. A
// bare errno (`ENOTDIR`, `EACCES …`) is never the whole message.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Message } from '../protocol/types';

/** What was being done to `path` when the error happened. */
export type FsAction = 'read' | 'write' | 'create' | 'delete' | 'rename' | 'open';

/** Thrown with a user-facing message; the Core's transports show `message` (the English text). */
export class UserFacingError extends Error {
  readonly userMessage: Message;
  readonly code: string;

  constructor(userMessage: Message, code = 'FS_ERROR') {
    super(userMessage.text);
    this.name = 'UserFacingError';
    this.userMessage = userMessage;
    this.code = code;
  }
}

/** The process recording a session, when `error` says the session is locked; else null. */
export function lockOwner(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, pid } = error as { code?: unknown; pid?: unknown };
  if (code === 'ESESSIONLOCKED' && typeof pid === 'number') return pid;
  const text = error instanceof Error ? error.message : '';
  const match = /being recorded by process (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

function errnoCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code !== '' ? code : null;
}

/** The first existing ancestor of `path` (itself included) that is not a folder, if any. */
function fileInTheWay(path: string): string | null {
  let current = resolve(path);
  for (;;) {
    try {
      return statSync(current).isDirectory() ? null : current;
    } catch {
      // Missing (or unreadable): look one level up.
    }
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** Why `path` cannot be made inside its nearest existing ancestor, as an errno code, or null. */
function whyNotCreatable(path: string): string | null {
  const existing = nearestExisting(path);
  try {
    if (!statSync(existing).isDirectory()) return 'ENOTDIR';
    accessSync(existing, constants.W_OK);
    return null;
  } catch (error) {
    return errnoCode(error);
  }
}

/** `path` itself when it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let current = resolve(path);
  for (;;) {
    try {
      statSync(current);
      return current;
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      current = parent;
    }
  }
}

/**
 * The user-facing message for a filesystem error met while doing `action` (default `write`) to
 * `path`. Any thrown value is accepted; unknown ones get the generic sentence for the action.
 */
export function fsErrorMessage(error: unknown, path: string, action: FsAction = 'write'): Message {
  if (error instanceof UserFacingError) return error.userMessage;
  const pid = lockOwner(error);
  if (pid !== null) {
    return {
      key: 'fs.locked',
      text:
        `The session in ${path} is being recorded by process ${pid} (another Socketscope): ` +
        'stop that one first, or open or start a different session.',
      params: { path, pid },
    };
  }
  let code = errnoCode(error);
  if (code === 'ENOENT' && action === 'create') {
    // A recursive mkdir reports ENOENT when the folder above refused it (read-only, or a file).
    code = whyNotCreatable(path) ?? code;
  }
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      if (action === 'read' || action === 'open') {
        return {
          key: 'fs.noReadAccess',
          text:
            `Socketscope is not allowed to read ${path}: give your user permission to read it, ` +
            'or set SOCKETSCOPE_HOME to a folder you own.',
          params: { path, code },
        };
      }
      {
        // A folder that could not be made: name the existing one that refused it.
        const where = action === 'create' ? nearestExisting(path) : path;
        return {
          key: 'fs.readOnly',
          text:
            `Socketscope cannot write to ${where} because it is read-only or you lack permission: ` +
            'make it writable, or set SOCKETSCOPE_HOME to a folder you can write to.',
          params: { path: where, code },
        };
      }
    case 'ENOTDIR':
    case 'EEXIST': {
      const file = fileInTheWay(path) ?? path;
      return {
        key: 'fs.notFolder',
        text:
          `${file} is a file, but Socketscope needs a folder there: move or rename that file, ` +
          'or set SOCKETSCOPE_HOME to another folder.',
        params: { path: file, code },
      };
    }
    case 'EISDIR':
      return {
        key: 'fs.isFolder',
        text:
          `${path} is a folder, but Socketscope needs a file there: ` +
          'move or rename that folder, then try again.',
        params: { path, code },
      };
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        key: 'fs.diskFull',
        text:
          `The disk holding ${path} is full (or your quota is used up): ` +
          'free some space on it, then try again.',
        params: { path, code },
      };
    case 'ENOENT':
      return {
        key: 'fs.notFound',
        text:
          `${path} does not exist (it may have been moved or deleted): ` +
          'check the path, then try again.',
        params: { path, code },
      };
    case 'EMFILE':
    case 'ENFILE':
      return {
        key: 'fs.tooManyFiles',
        text:
          `Socketscope could not open ${path} because too many files are open: ` +
          'close some programs or connections, then try again.',
        params: { path, code },
      };
    default:
      return failed(action, path, code ?? describe(error));
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim() === '' ? 'unknown error' : text.trim();
}

function failed(action: FsAction, path: string, code: string): Message {
  const hint = 'check that the path exists and that you may change it, then try again.';
  switch (action) {
    case 'read':
      return {
        key: 'fs.failed.read',
        text: `Socketscope could not read ${path} (${code}): ${hint}`,
        params: { path, code },
      };
    case 'create':
      return {
        key: 'fs.failed.create',
        text: `Socketscope could not create ${path} (${code}): ${hint}`,
        params: { path, code },
      };
    case 'delete':
      return {
        key: 'fs.failed.delete',
        text: `Socketscope could not delete ${path} (${code}): ${hint}`,
        params: { path, code },
      };
    case 'rename':
      return {
        key: 'fs.failed.rename',
        text: `Socketscope could not rename ${path} (${code}): ${hint}`,
        params: { path, code },
      };
    case 'open':
      return {
        key: 'fs.failed.open',
        text: `Socketscope could not open ${path} (${code}): ${hint}`,
        params: { path, code },
      };
    case 'write':
      return {
        key: 'fs.failed.write',
        text: `Socketscope could not write to ${path} (${code}): ${hint}`,
        params: { path, code },
      };
  }
}

/** `fsErrorMessage` as an error to throw, keeping the original as its cause. */
export function fsError(error: unknown, path: string, action?: FsAction): UserFacingError {
  const message = fsErrorMessage(error, path, action);
  const wrapped = new UserFacingError(message, errnoCode(error) ?? 'FS_ERROR');
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}
