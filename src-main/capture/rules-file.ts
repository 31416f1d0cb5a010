// Responder rules on disk: a JSON file `{ "version": 1, "rules": [...] }` (a bare array is also
// read). Loading validates against the shared schema and names the exact place of any problem.

import { randomBytes } from 'node:crypto';
import { access, copyFile, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Message, ResponderRule } from '../protocol/types';
import { RULES_FILE_VERSION, validateRules, type RulesResult } from '../protocol/rules-schema';
import { fsError, fsErrorMessage, UserFacingError } from './fs-errors';

// The schema is shared with the renderer's editor (protocol/rules-schema.ts).
export { RULES_FILE_VERSION, validateRules, type RulesResult };

export type LoadRulesResult =
  | {
      ok: true;
      rules: ResponderRule[];
      /** Folder that relative file paths are resolved against. */ baseDir: string;
    }
  | { ok: false; message: string; problem: RulesFileError };

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses JSON text, describing a syntax error by line and column. */
export function parseRulesJson(text: string): RulesResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const explicit = /line (\d+) column (\d+)/.exec(detail);
    const position = /position (\d+)/.exec(detail);
    const where = explicit
      ? { line: Number(explicit[1]), column: Number(explicit[2]) }
      : lineColumn(text, position ? Number(position[1]) : text.length);
    const reason = detail
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '');
    return { ok: false, message: `line ${where.line}, column ${where.column}: ${reason}` };
  }
  return validateRules(value);
}

/** What is wrong with a rules file, and where. */
export interface RulesFileError {
  kind: 'unreadable' | 'syntax' | 'schema';
  /** 1-based place of the problem; null when the file could not be read. */
  line: number | null;
  column: number | null;
  /** The problem in English, without the file's path. */
  reason: string;
  /** The whole sentence for a UI or a log (translatable). */
  message: Message;
}

/** Where the previous version of a rules file is kept by `saveRules`. */
export function rulesBackupPath(path: string): string {
  return `${path}.bak`;
}

export async function loadRules(path: string): Promise<LoadRulesResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = fsErrorMessage(error, path, 'read');
    return {
      ok: false,
      message: message.text,
      problem: { kind: 'unreadable', line: null, column: null, reason: message.text, message },
    };
  }
  const problem = rulesTextProblem(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  if ('rules' in problem) return { ok: true, rules: problem.rules, baseDir: dirname(path) };
  return { ok: false, message: `${path}: ${problemText(problem)}`, problem };
}

function problemText(problem: { line: number | null; column: number | null; reason: string }) {
  return problem.line === null
    ? problem.reason
    : `line ${problem.line}, column ${problem.column}: ${problem.reason}`;
}

/** The rules in `text`, or what is wrong with it with its line and column. */
function rulesTextProblem(text: string, path: string): RulesFileError | { rules: ResponderRule[] } {
  let value: unknown;
  let kind: RulesFileError['kind'] = 'syntax';
  let line = 1;
  let column = 1;
  let reason: string;
  try {
    value = JSON.parse(text);
  } catch {
    const described = parseRulesJson(text);
    const detail = described.ok ? 'not valid JSON' : described.message;
    const where = /^line (\d+), column (\d+): ([\s\S]*)$/.exec(detail);
    if (where) {
      line = Number(where[1]);
      column = Number(where[2]);
      reason = where[3] ?? detail;
    } else {
      reason = detail;
    }
    return brokenRules(path, kind, line, column, reason);
  }
  const checked = validateRules(value);
  if (checked.ok) return { rules: checked.rules };
  kind = 'schema';
  reason = checked.message;
  const at = lineColumnOf(text, locateJsonPath(text, jsonPathOf(checked.message, value)));
  return brokenRules(path, kind, at.line, at.column, reason);
}

function brokenRules(
  file: string,
  kind: RulesFileError['kind'],
  line: number,
  column: number,
  reason: string,
): RulesFileError {
  return {
    kind,
    line,
    column,
    reason,
    message: {
      key: 'rules.fileBroken',
      text:
        `The rules file ${file} cannot be used (line ${line}, column ${column}: ${reason}), ` +
        'so it is left untouched and no rules are in force: load the backup or start afresh.',
      params: { file, line, column, detail: reason },
    },
  };
}

/**
 * The JSON path a validation message starts with (`rules[1].match.mode: …`), as segments from
 * the top of the file. `rules` is the top itself when the file is a bare array.
 */
function jsonPathOf(message: string, value: unknown): (string | number)[] {
  const head = /^(\(file\)|[A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\])*)/.exec(message);
  if (!head) return [];
  const segments: (string | number)[] = [];
  if (head[1] !== '(file)' && !(head[1] === 'rules' && Array.isArray(value))) {
    segments.push(head[1] ?? '');
  }
  for (const part of (head[2] ?? '').matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) {
    segments.push(part[1] ?? Number(part[2]));
  }
  return segments;
}

/**
 * Offset in valid JSON `text` of the deepest part of `path` that exists: the member name for an
 * object key, the value for an array index (0 for the whole file).
 */
function locateJsonPath(text: string, path: (string | number)[]): number {
  let i = 0;
  let best = 0;
  const space = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const skipString = (): void => {
    i++;
    while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
    i++;
  };
  const skipValue = (): void => {
    space();
    const c = text.charAt(i);
    if (c === '"') return skipString();
    if (c !== '{' && c !== '[') {
      while (i < text.length && !' \t\r\n,]}'.includes(text.charAt(i))) i++;
      return;
    }
    let depth = 0;
    while (i < text.length) {
      const d = text.charAt(i);
      if (d === '"') {
        skipString();
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') depth--;
      i++;
      if (depth === 0) return;
    }
  };
  for (const segment of path) {
    space();
    if (typeof segment === 'number') {
      if (text.charAt(i) !== '[') return best;
      i++;
      for (let n = 0; n < segment; n++) {
        skipValue();
        space();
        if (text.charAt(i) !== ',') return best;
        i++;
      }
      space();
      if (text.charAt(i) === ']') return best;
      best = i;
      continue;
    }
    if (text.charAt(i) !== '{') return best;
    i++;
    for (;;) {
      space();
      if (text.charAt(i) !== '"') return best;
      const keyStart = i;
      skipString();
      const key: unknown = JSON.parse(text.slice(keyStart, i));
      space();
      i++; // the colon
      space();
      if (key === segment) {
        best = keyStart;
        break;
      }
      skipValue();
      space();
      if (text.charAt(i) !== ',') return best;
      i++;
    }
  }
  return best;
}

function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Writes the rules to a temporary file next to the target, flushes it, then renames it over the
 * target, so a reader never sees half a file. The version it replaces is kept as `rules.json.bak`
 * when it holds valid rules; one that does not is moved aside (never overwritten).
 */
export async function saveRules(path: string, rules: ResponderRule[]): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const text = JSON.stringify({ version: RULES_FILE_VERSION, rules }, null, 2) + '\n';
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await keepPrevious(path);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error instanceof UserFacingError ? error : fsError(error, path, 'write');
  }
}

async function keepPrevious(path: string): Promise<void> {
  try {
    await access(path);
  } catch {
    return; // Nothing to keep.
  }
  const previous = await loadRules(path);
  if (!previous.ok) {
    await moveRulesAside(path);
    return;
  }
  const backup = rulesBackupPath(path);
  const temp = `${backup}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await copyFile(path, temp);
    await rename(temp, backup);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw fsError(error, backup, 'write');
  }
}

/**
 * Renames a (broken) rules file to `<path>.broken-<time>`, choosing a name not yet taken, and
 * returns the new path.
 */
export async function moveRulesAside(path: string, now = Date.now()): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (let n = 1; ; n++) {
    const target = `${path}.broken-${stamp}${n === 1 ? '' : `-${n}`}`;
    try {
      await access(target);
      continue; // Taken: never write over an earlier one.
    } catch {
      // Free.
    }
    try {
      await rename(path, target);
      return target;
    } catch (error) {
      throw fsError(error, path, 'rename');
    }
  }
}
