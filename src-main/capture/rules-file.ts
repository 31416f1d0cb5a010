// Responder rules on disk: a JSON file `{ "version": 1, "rules": [...] }` (a bare array is also
// read). Loading validates against the shared schema and names the exact place of any problem.

import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResponderRule } from '../protocol/types';
import { RULES_FILE_VERSION, validateRules, type RulesResult } from '../protocol/rules-schema';

// The schema is shared with the renderer's editor (protocol/rules-schema.ts).
export { RULES_FILE_VERSION, validateRules, type RulesResult };

export type LoadRulesResult =
  | {
      ok: true;
      rules: ResponderRule[];
      /** Folder that relative file paths are resolved against. */ baseDir: string;
    }
  | { ok: false; message: string };

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

export async function loadRules(path: string): Promise<LoadRulesResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return { ok: false, message: `${path}: cannot be read (${code})` };
  }
  const result = parseRulesJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!result.ok) return { ok: false, message: `${path}: ${result.message}` };
  return { ok: true, rules: result.rules, baseDir: dirname(path) };
}

/** Writes the rules next to the target, then renames over it, so a reader never sees half a file. */
export async function saveRules(path: string, rules: ResponderRule[]): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const text = JSON.stringify({ version: RULES_FILE_VERSION, rules }, null, 2) + '\n';
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
