// Responder rules on disk: a JSON file `{ "version": 1, "rules": [...] }` (a bare array is also
// read). Loading validates by hand and names the exact place of any problem.

import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResponderRule, RuleBody, RuleMatchMode, RuleResponse } from '../protocol/types';

export const RULES_FILE_VERSION = 1;

export type RulesResult = { ok: true; rules: ResponderRule[] } | { ok: false; message: string };

export type LoadRulesResult =
  | {
      ok: true;
      rules: ResponderRule[];
      /** Folder that relative file paths are resolved against. */ baseDir: string;
    }
  | { ok: false; message: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MATCH_MODES: readonly RuleMatchMode[] = ['exact', 'prefix', 'glob'];
const MAX_DELAY_MS = 600_000;

class SchemaError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new SchemaError(`${path}: ${problem}`);
}

function object(value: unknown, path: string, allowed: readonly string[]): Json {
  if (!isObject(value)) fail(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(`${path}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
  }
  return value;
}

function string(value: unknown, path: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string') fail(path, 'must be a string');
  return value;
}

function boolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

function integer(
  value: unknown,
  path: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function headers(value: unknown, path: string): [string, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array of [name, value] pairs');
  return value.map((pair, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(at, 'must be a [name, value] pair');
    const name = string(pair[0], `${at}[0]`);
    const text = string(pair[1], `${at}[1]`);
    if (!TOKEN.test(name)) fail(`${at}[0]`, `"${name}" is not a valid field name (RFC 9110 §5.1)`);
    if (/[\r\n\0]/.test(text)) fail(`${at}[1]`, 'must not contain CR, LF or NUL');
    return [name, text];
  });
}

function body(value: unknown, path: string): RuleBody {
  if (!isObject(value)) fail(path, 'must be an object');
  const type = value.type;
  if (type === 'text') {
    const v = object(value, path, ['type', 'text']);
    return { type, text: string(v.text, `${path}.text`) };
  }
  if (type === 'file') {
    const v = object(value, path, ['type', 'path']);
    const file = string(v.path, `${path}.path`);
    if (file.length === 0) fail(`${path}.path`, 'must not be empty');
    return { type, path: file };
  }
  if (type === 'base64') {
    const v = object(value, path, ['type', 'base64']);
    const text = string(v.base64, `${path}.base64`);
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) fail(`${path}.base64`, 'is not valid base64');
    return { type, base64: text };
  }
  if (type === 'hex') {
    const v = object(value, path, ['type', 'hex']);
    const text = string(v.hex, `${path}.hex`);
    const digits = text.replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) {
      fail(`${path}.hex`, 'must be pairs of hexadecimal digits (spaces allowed)');
    }
    return { type, hex: text };
  }
  fail(`${path}.type`, 'must be "text", "file", "base64" or "hex"');
}

function response(value: unknown, path: string): RuleResponse {
  if (!isObject(value)) fail(path, 'must be an object');
  if (value.kind === 'raw') {
    const v = object(value, path, ['kind', 'base64']);
    const text = string(v.base64, `${path}.base64`);
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(text)) fail(`${path}.base64`, 'is not valid base64');
    return { kind: 'raw', base64: text };
  }
  if (value.kind !== 'structured') fail(`${path}.kind`, 'must be "structured" or "raw"');
  const v = object(value, path, [
    'kind',
    'status',
    'reason',
    'headers',
    'body',
    'autoContentLength',
    'autoDate',
    'chunked',
  ]);
  const reason = string(v.reason, `${path}.reason`, '');
  if (/[\r\n\0]/.test(reason)) fail(`${path}.reason`, 'must not contain CR, LF or NUL');
  return {
    kind: 'structured',
    status: integer(v.status, `${path}.status`, 100, 999),
    reason,
    headers: headers(v.headers, `${path}.headers`),
    body: v.body === undefined ? { type: 'text', text: '' } : body(v.body, `${path}.body`),
    autoContentLength: boolean(v.autoContentLength, `${path}.autoContentLength`, true),
    autoDate: boolean(v.autoDate, `${path}.autoDate`, true),
    chunked: boolean(v.chunked, `${path}.chunked`, false),
  };
}

function rule(value: unknown, path: string): ResponderRule {
  const v = object(value, path, ['id', 'enabled', 'name', 'match', 'response', 'delayMs']);
  const id = string(v.id, `${path}.id`);
  if (id.length === 0) fail(`${path}.id`, 'must not be empty');
  const m = object(v.match, `${path}.match`, ['method', 'path', 'mode']);
  const method = string(m.method, `${path}.match.method`, '*');
  if (method !== '*' && !TOKEN.test(method))
    fail(`${path}.match.method`, 'must be "*" or a method token');
  const mode = string(m.mode, `${path}.match.mode`, 'exact');
  if (!(MATCH_MODES as readonly string[]).includes(mode)) {
    fail(`${path}.match.mode`, 'must be "exact", "prefix" or "glob"');
  }
  return {
    id,
    enabled: boolean(v.enabled, `${path}.enabled`, true),
    name: string(v.name, `${path}.name`, ''),
    match: { method, path: string(m.path, `${path}.match.path`), mode: mode as RuleMatchMode },
    response: response(v.response, `${path}.response`),
    delayMs: integer(v.delayMs, `${path}.delayMs`, 0, MAX_DELAY_MS, 0),
  };
}

/** Checks a parsed JSON value (the file's object or a bare array) and fills in defaults. */
export function validateRules(value: unknown): RulesResult {
  try {
    let list: unknown = value;
    let at = 'rules';
    if (isObject(value)) {
      const v = object(value, '(file)', ['version', 'rules']);
      if (v.version !== undefined && v.version !== RULES_FILE_VERSION) {
        fail('version', `must be ${RULES_FILE_VERSION}`);
      }
      list = v.rules;
    } else if (!Array.isArray(value)) {
      at = '(file)';
    }
    if (!Array.isArray(list)) fail(at, 'must be an array of rules');
    const rules = list.map((item, i) => rule(item, `rules[${i}]`));
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) fail(`rules[${i}].id`, `"${r.id}" is used by an earlier rule`);
      seen.add(r.id);
    });
    return { ok: true, rules };
  } catch (error) {
    if (error instanceof SchemaError) return { ok: false, message: error.message };
    throw error;
  }
}

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
