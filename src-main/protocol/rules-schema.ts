// The responder rules schema: what a rule may hold, checked the same way by the Core (rules
// files and rules sent by a UI, untyped JSON) and by the renderer's editor (typed drafts).
// Each constrained field has one check here; both validators call it.

import type {
  FailMode,
  MessageEdits,
  ResponderRule,
  ResponseEdits,
  RuleBody,
  RuleMatchMode,
  RuleResponse,
} from './types';
import { isBase64 } from '../engine/bytes';

export const RULES_FILE_VERSION = 1;

/** The longest a rule may hold its response back: ten minutes. */
export const MAX_DELAY_MS = 600_000;
export const MIN_STATUS = 100;
export const MAX_STATUS = 999;
/** How long a break rule holds a message at most, at least, and unless told. */
export const MAX_HOLD_MS = 600_000;
export const MIN_HOLD_MS = 100;
export const DEFAULT_HOLD_MS = 60_000;
const FAIL_MODES: readonly FailMode[] = ['reset', 'close', 'delay'];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const MATCH_MODES: readonly RuleMatchMode[] = ['exact', 'prefix', 'glob'];
const CR_LF_NUL = /[\r\n\0]/;
/** No request-target contains controls or whitespace (RFC 9112 §3.2). */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The editor's names for the fields a problem can be about. */
export type RuleField =
  | 'id'
  | 'method'
  | 'path'
  | 'delay'
  | 'status'
  | 'reason'
  | 'header'
  | 'headerValue'
  | 'hex'
  | 'base64'
  | 'file'
  | 'timeout'
  | 'hold'
  | 'failMode'
  | 'removeHeader';

/** One check per constrained value: the problem in English, or null when it is fine. */
export const ruleChecks = {
  id(id: string): string | null {
    return id.length === 0 ? 'must not be empty' : null;
  },
  method(method: string): string | null {
    return method === '*' || TOKEN.test(method) ? null : 'must be "*" or a method token';
  },
  /**
   * What a request's path can be (the responder matches the target's path): an absolute path,
   * `*` for OPTIONS * (RFC 9112 §3.2.4), or, as a glob, a pattern that starts with `*`.
   */
  path(path: string, mode: RuleMatchMode): string | null {
    if (hasControlOrSpace(path)) return 'must not contain spaces or control characters';
    if (path.startsWith('/') || path === '*' || (mode === 'glob' && path.startsWith('*'))) {
      return null;
    }
    return 'must start with "/" (or be "*", or a glob starting with "*")';
  },
  mode(mode: string): string | null {
    return (MATCH_MODES as readonly string[]).includes(mode)
      ? null
      : 'must be "exact", "prefix" or "glob"';
  },
  delay(ms: number): string | null {
    return integerIn(ms, 0, MAX_DELAY_MS);
  },
  status(status: number): string | null {
    return integerIn(status, MIN_STATUS, MAX_STATUS);
  },
  /** RFC 9112 §4: a reason phrase holds no CR, LF or NUL. */
  reason(reason: string): string | null {
    return CR_LF_NUL.test(reason) ? 'must not contain CR, LF or NUL' : null;
  },
  headerName(name: string): string | null {
    return TOKEN.test(name) ? null : `"${name}" is not a valid field name (RFC 9110 §5.1)`;
  },
  /** RFC 9110 §5.5: a field value holds no CR, LF or NUL (raw responses can send anything). */
  headerValue(value: string): string | null {
    return CR_LF_NUL.test(value) ? 'must not contain CR, LF or NUL (RFC 9110 §5.5)' : null;
  },
  hex(text: string): string | null {
    const digits = text.replace(/\s+/g, '');
    return /^[0-9a-fA-F]*$/.test(digits) && digits.length % 2 === 0
      ? null
      : 'must be pairs of hexadecimal digits (spaces allowed)';
  },
  base64(text: string): string | null {
    return isBase64(text) ? null : 'is not valid base64';
  },
  file(path: string): string | null {
    return path.length === 0 ? 'must not be empty' : null;
  },
  /** How long a break rule holds a message before it goes on untouched. */
  timeout(ms: number): string | null {
    return integerIn(ms, MIN_HOLD_MS, MAX_HOLD_MS);
  },
  /** A break rule holds the request, the response, or both. */
  hold(request: boolean, response: boolean): string | null {
    return request || response ? null : 'must hold the request, the response or both';
  },
  failMode(mode: string): string | null {
    return (FAIL_MODES as readonly string[]).includes(mode)
      ? null
      : 'must be "reset", "close" or "delay"';
  },
};

function integerIn(value: number, min: number, max: number): string | null {
  return Number.isInteger(value) && value >= min && value <= max
    ? null
    : `must be an integer from ${min} to ${max}`;
}

export interface RuleProblem {
  field: RuleField;
  /** Where, as in a rules file: `match.path`, `response.headers[2][1]`… */
  at: string;
  problem: string;
}

/** Every problem of a typed rule (the editor's drafts), in field order. */
export function ruleProblems(rule: ResponderRule): RuleProblem[] {
  const out: RuleProblem[] = [];
  const check = (field: RuleField, at: string, problem: string | null): void => {
    if (problem !== null) out.push({ field, at, problem });
  };
  check('id', 'id', ruleChecks.id(rule.id));
  check('method', 'match.method', ruleChecks.method(rule.match.method));
  check('path', 'match.path', ruleChecks.path(rule.match.path, rule.match.mode));
  check('delay', 'delayMs', ruleChecks.delay(rule.delayMs));
  const response = rule.response;
  const bodyProblems = (body: RuleBody, at: string): void => {
    if (body.type === 'hex') check('hex', `${at}.hex`, ruleChecks.hex(body.hex));
    else if (body.type === 'base64')
      check('base64', `${at}.base64`, ruleChecks.base64(body.base64));
    else if (body.type === 'file') check('file', `${at}.path`, ruleChecks.file(body.path));
  };
  const headerProblems = (headers: [string, string][], at: string): void => {
    headers.forEach(([name, value], i) => {
      check('header', `${at}[${i}][0]`, ruleChecks.headerName(name));
      check('headerValue', `${at}[${i}][1]`, ruleChecks.headerValue(value));
    });
  };
  const editProblems = (edits: MessageEdits, at: string): void => {
    headerProblems(edits.setHeaders, `${at}.setHeaders`);
    edits.removeHeaders.forEach((name, i) => {
      check('removeHeader', `${at}.removeHeaders[${i}]`, ruleChecks.headerName(name));
    });
    if (edits.body !== null) bodyProblems(edits.body, `${at}.body`);
  };
  switch (response.kind) {
    case 'raw':
      check('base64', 'response.base64', ruleChecks.base64(response.base64));
      return out;
    case 'forward':
      editProblems(response.request, 'response.request');
      if (response.response.status !== null) {
        check('status', 'response.response.status', ruleChecks.status(response.response.status));
      }
      editProblems(response.response, 'response.response');
      return out;
    case 'break':
      check('hold', 'response.request', ruleChecks.hold(response.request, response.response));
      check('timeout', 'response.timeoutMs', ruleChecks.timeout(response.timeoutMs));
      return out;
    case 'fail':
      check('failMode', 'response.mode', ruleChecks.failMode(response.mode));
      return out;
    default:
      break;
  }
  check('status', 'response.status', ruleChecks.status(response.status));
  check('reason', 'response.reason', ruleChecks.reason(response.reason));
  headerProblems(response.headers, 'response.headers');
  bodyProblems(response.body, 'response.body');
  return out;
}

// ---- Untyped JSON (a rules file, or rules sent by a UI) ----

export type RulesResult = { ok: true; rules: ResponderRule[] } | { ok: false; message: string };

class SchemaError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new SchemaError(`${path}: ${problem}`);
}

function checked<T>(value: T, path: string, problem: string | null): T {
  if (problem !== null) fail(path, problem);
  return value;
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

function number(
  value: unknown,
  path: string,
  check: (n: number) => string | null,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number') fail(path, check(Number.NaN) ?? 'must be a number');
  return checked(value, path, check(value));
}

function headers(value: unknown, path: string): [string, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array of [name, value] pairs');
  return value.map((pair, i) => {
    const at = `${path}[${i}]`;
    if (!Array.isArray(pair) || pair.length !== 2) fail(at, 'must be a [name, value] pair');
    const name = string(pair[0], `${at}[0]`);
    const text = string(pair[1], `${at}[1]`);
    checked(name, `${at}[0]`, ruleChecks.headerName(name));
    return [name, checked(text, `${at}[1]`, ruleChecks.headerValue(text))];
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
    return { type, path: checked(file, `${path}.path`, ruleChecks.file(file)) };
  }
  if (type === 'base64') {
    const v = object(value, path, ['type', 'base64']);
    const text = string(v.base64, `${path}.base64`);
    return { type, base64: checked(text, `${path}.base64`, ruleChecks.base64(text)) };
  }
  if (type === 'hex') {
    const v = object(value, path, ['type', 'hex']);
    const text = string(v.hex, `${path}.hex`);
    return { type, hex: checked(text, `${path}.hex`, ruleChecks.hex(text)) };
  }
  fail(`${path}.type`, 'must be "text", "file", "base64" or "hex"');
}

function names(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(path, 'must be an array of field names');
  return value.map((item, i) => {
    const name = string(item, `${path}[${i}]`);
    return checked(name, `${path}[${i}]`, ruleChecks.headerName(name));
  });
}

const EDIT_FIELDS = ['setHeaders', 'removeHeaders', 'body'] as const;

/** The edits of a checked object `v` (absent fields: no edit). */
function edits(v: Json, path: string): MessageEdits {
  return {
    setHeaders: headers(v.setHeaders, `${path}.setHeaders`),
    removeHeaders: names(v.removeHeaders, `${path}.removeHeaders`),
    body: v.body === undefined || v.body === null ? null : body(v.body, `${path}.body`),
  };
}

function responseEdits(value: unknown, path: string): ResponseEdits {
  const v = object(value ?? {}, path, [...EDIT_FIELDS, 'status']);
  return {
    ...edits(v, path),
    status:
      v.status === undefined || v.status === null
        ? null
        : number(v.status, `${path}.status`, ruleChecks.status),
  };
}

/** The actions beside an answer: forward with edits, break, fail. */
function action(value: Json, path: string): RuleResponse {
  if (value.kind === 'forward') {
    const v = object(value, path, ['kind', 'request', 'response']);
    const request = object(v.request ?? {}, `${path}.request`, EDIT_FIELDS);
    return {
      kind: 'forward',
      request: edits(request, `${path}.request`),
      response: responseEdits(v.response, `${path}.response`),
    };
  }
  if (value.kind === 'break') {
    const v = object(value, path, ['kind', 'request', 'response', 'timeoutMs']);
    const request = boolean(v.request, `${path}.request`, true);
    const held = boolean(v.response, `${path}.response`, false);
    checked(request, `${path}.request`, ruleChecks.hold(request, held));
    return {
      kind: 'break',
      request,
      response: held,
      timeoutMs: number(v.timeoutMs, `${path}.timeoutMs`, ruleChecks.timeout, DEFAULT_HOLD_MS),
    };
  }
  const v = object(value, path, ['kind', 'mode']);
  const mode = string(v.mode, `${path}.mode`);
  return {
    kind: 'fail',
    mode: checked(mode, `${path}.mode`, ruleChecks.failMode(mode)) as FailMode,
  };
}

function response(value: unknown, path: string): RuleResponse {
  if (!isObject(value)) fail(path, 'must be an object');
  if (value.kind === 'raw') {
    const v = object(value, path, ['kind', 'base64']);
    const text = string(v.base64, `${path}.base64`);
    return { kind: 'raw', base64: checked(text, `${path}.base64`, ruleChecks.base64(text)) };
  }
  if (value.kind === 'forward' || value.kind === 'break' || value.kind === 'fail') {
    return action(value, path);
  }
  if (value.kind !== 'structured') {
    fail(`${path}.kind`, 'must be "structured", "raw", "forward", "break" or "fail"');
  }
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
  return {
    kind: 'structured',
    status: number(v.status, `${path}.status`, ruleChecks.status),
    reason: checked(reason, `${path}.reason`, ruleChecks.reason(reason)),
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
  checked(id, `${path}.id`, ruleChecks.id(id));
  const m = object(v.match, `${path}.match`, ['method', 'path', 'mode']);
  const method = string(m.method, `${path}.match.method`, '*');
  checked(method, `${path}.match.method`, ruleChecks.method(method));
  const mode = string(m.mode, `${path}.match.mode`, 'exact');
  checked(mode, `${path}.match.mode`, ruleChecks.mode(mode));
  const matchPath = string(m.path, `${path}.match.path`);
  checked(matchPath, `${path}.match.path`, ruleChecks.path(matchPath, mode as RuleMatchMode));
  return {
    id,
    enabled: boolean(v.enabled, `${path}.enabled`, true),
    name: string(v.name, `${path}.name`, ''),
    match: { method, path: matchPath, mode: mode as RuleMatchMode },
    response: response(v.response, `${path}.response`),
    delayMs: number(v.delayMs, `${path}.delayMs`, ruleChecks.delay, 0),
  };
}

/**
 * Checks a parsed JSON value (a rules file's object, or a bare array of rules) and fills in
 * defaults. A problem is named by its place: `rules[1].match.mode: must be …`.
 */
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
