// Sessions on disk: one folder per session under `<home>/sessions/<id>`, holding `session.json`
// (name, creation time) and the append-only record file.

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SessionInfo } from '../protocol/types';
import { LOG_FILE_NAME } from './store';
import { fsError, type FsAction } from './fs-errors';

const META_FILE = 'session.json';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface SessionMeta {
  id: string;
  name: string;
  createdAt: number;
}

export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id) && !id.includes('..');
}

export function sessionDir(root: string, id: string): string {
  if (!isValidSessionId(id)) throw new Error(`Invalid session id: ${JSON.stringify(id)}.`);
  return join(root, id);
}

export function newSessionId(now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Creates `<root>/<new id>` with its metadata. */
export function createSession(root: string, name?: string, now = Date.now()): SessionMeta {
  const id = newSessionId(now);
  const meta: SessionMeta = { id, name: cleanName(name) ?? defaultName(now), createdAt: now };
  const dir = join(root, id);
  withFsMessage(dir, 'create', () => {
    mkdirSync(dir, { recursive: true });
    writeMeta(dir, meta);
  });
  return meta;
}

/** The metadata of a session folder (any folder: a missing file is derived from the folder). */
export function readSessionMeta(dir: string): SessionMeta {
  const id = basename(dir);
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { name, createdAt } = parsed as Partial<SessionMeta>;
      if (typeof name === 'string' && typeof createdAt === 'number') return { id, name, createdAt };
    }
  } catch {
    // Fall through to a derived name.
  }
  const createdAt = existsSync(dir)
    ? statSync(dir).birthtimeMs || statSync(dir).mtimeMs
    : Date.now();
  return { id, name: id, createdAt: Math.round(createdAt) };
}

export function ensureSessionMeta(dir: string, name?: string): SessionMeta {
  withFsMessage(dir, 'create', () => mkdirSync(dir, { recursive: true }));
  if (existsSync(join(dir, META_FILE))) return readSessionMeta(dir);
  const now = Date.now();
  const meta: SessionMeta = {
    id: basename(dir),
    name: cleanName(name) ?? basename(dir),
    createdAt: now,
  };
  withFsMessage(dir, 'write', () => writeMeta(dir, meta));
  return meta;
}

export function sessionInfo(dir: string, activeDir: string | null): SessionInfo {
  const meta = readSessionMeta(dir);
  const log = join(dir, LOG_FILE_NAME);
  return {
    id: meta.id,
    name: meta.name,
    createdAt: meta.createdAt,
    sizeBytes: existsSync(log) ? statSync(log).size : 0,
    active: activeDir !== null && join(activeDir) === join(dir),
  };
}

/** Every session in `root`, newest first. */
export function listSessions(root: string, activeDir: string | null): SessionInfo[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isValidSessionId(entry.name))
    .map((entry) => sessionInfo(join(root, entry.name), activeDir))
    .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

export function renameSession(root: string, id: string, name: string): SessionMeta {
  const dir = sessionDir(root, id);
  if (!existsSync(dir)) throw new Error(`No session with id ${JSON.stringify(id)}.`);
  const clean = cleanName(name);
  if (!clean) throw new Error('A session name must not be empty.');
  const meta = { ...readSessionMeta(dir), name: clean };
  withFsMessage(dir, 'rename', () => writeMeta(dir, meta));
  return meta;
}

export function deleteSession(root: string, id: string): void {
  const dir = sessionDir(root, id);
  if (!existsSync(dir)) throw new Error(`No session with id ${JSON.stringify(id)}.`);
  withFsMessage(dir, 'delete', () => rmSync(dir, { recursive: true, force: true }));
}

/** Runs a filesystem step, turning its failure into one sentence a user can act on. */
function withFsMessage(path: string, action: FsAction, run: () => void): void {
  try {
    run();
  } catch (error) {
    throw fsError(error, path, action);
  }
}

function writeMeta(dir: string, meta: SessionMeta): void {
  const tmp = join(dir, `${META_FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify({ name: meta.name, createdAt: meta.createdAt }, null, 2));
  renameSync(tmp, join(dir, META_FILE));
}

function cleanName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  const visible = Array.from(name, (c) => (c.charCodeAt(0) < 0x20 ? ' ' : c)).join('');
  const trimmed = visible.trim().slice(0, 200);
  return trimmed === '' ? null : trimmed;
}

function defaultName(now: number): string {
  return `Session ${new Date(now).toISOString().slice(0, 19).replace('T', ' ')}`;
}
