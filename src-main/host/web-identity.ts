// What makes an open browser tab find the web host again after a restart: the UI port and the
// token, kept in the data folder (web-host.json, readable by this user only). A missing, broken
// or too widely readable file gives a fresh token and no remembered port.

import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface WebIdentity {
  /** The UI port of the last run, or null when none is remembered. */
  port: number | null;
  token: string;
}

const FILE_NAME = 'web-host.json';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export function webIdentityFile(home: string): string {
  return join(home, FILE_NAME);
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The remembered identity, or a new token (and no port) when there is none to trust. */
export function readWebIdentity(home: string): WebIdentity {
  const path = webIdentityFile(home);
  try {
    // A token others could read may have been read: it is not reused.
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      return { port: null, token: newToken() };
    }
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    const { port, token } = parsed as { port?: unknown; token?: unknown };
    return {
      port:
        typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536
          ? port
          : null,
      token: typeof token === 'string' && TOKEN_PATTERN.test(token) ? token : newToken(),
    };
  } catch {
    return { port: null, token: newToken() };
  }
}

/** Writes atomically, with user-only permissions; a failure only costs the next reconnect. */
export function writeWebIdentity(home: string, identity: WebIdentity): boolean {
  const path = webIdentityFile(home);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
    if (process.platform !== 'win32') chmodSync(temp, 0o600);
    renameSync(temp, path);
    return true;
  } catch {
    return false;
  }
}
