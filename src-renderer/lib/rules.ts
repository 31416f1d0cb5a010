// Responder rule helpers for the editor: defaults, validation (the shared schema), content type.
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';
import {
  DEFAULT_HOLD_MS,
  ruleProblems,
  type RuleField,
} from '../../src-main/protocol/rules-schema';
import { headerValue, reasonPhrase, sameFieldName } from '../../src-main/engine/semantics';
import type { CatalogueKey } from './locales/en';

export type StructuredResponse = Extract<RuleResponse, { kind: 'structured' }>;

function newId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `rule-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function defaultStructured(): StructuredResponse {
  return {
    kind: 'structured',
    status: 200,
    reason: 'OK',
    headers: [['Content-Type', 'text/html; charset=utf-8']],
    body: { type: 'text', text: '<!doctype html>\n<title>Socketscope</title>\n<h1>Hello</h1>\n' },
    autoContentLength: true,
    autoDate: true,
    chunked: false,
  };
}

export type ActionKind = 'forward' | 'break' | 'fail';
export type RuleAction = Extract<RuleResponse, { kind: ActionKind }>;

/** A new action of a kind: no edits, a break on the request, a reset. */
export function defaultAction(kind: ActionKind): RuleAction {
  const none = { setHeaders: [], removeHeaders: [], body: null };
  if (kind === 'forward')
    return { kind, request: { ...none }, response: { ...none, status: null } };
  if (kind === 'break') return { kind, request: true, response: false, timeoutMs: DEFAULT_HOLD_MS };
  return { kind, mode: 'reset' };
}

export function newRule(name: string): ResponderRule {
  return {
    id: newId(),
    enabled: true,
    name,
    match: { method: 'GET', path: '/', mode: 'exact' },
    response: defaultStructured(),
    delayMs: 0,
  };
}

/**
 * Sets a structured response's status; a reason that was the old status's standard phrase (or
 * none) follows to the new one's, so 404 changed to 200 does not say "200 Not Found".
 */
export function setStatus(response: StructuredResponse, status: number): void {
  const standard = response.reason === '' || response.reason === reasonPhrase(response.status);
  response.status = status;
  if (standard) response.reason = reasonPhrase(status);
}

export function contentTypeOf(headers: [string, string][]): string | null {
  return headerValue(
    headers.map(([name, value]) => [name.trim(), value]),
    'content-type',
  );
}

export function setContentType(headers: [string, string][], value: string): [string, string][] {
  const rest = headers.filter(([name]) => !sameFieldName(name.trim(), 'content-type'));
  return [['Content-Type', value], ...rest];
}

export type { RuleField };
export type RuleErrors = Partial<Record<RuleField, CatalogueKey>>;

const ERROR_KEYS: Record<RuleField, CatalogueKey> = {
  id: 'rules.error.id',
  method: 'rules.error.method',
  path: 'rules.error.path',
  delay: 'rules.error.delay',
  status: 'rules.error.status',
  reason: 'rules.error.reason',
  header: 'rules.error.header',
  headerValue: 'rules.error.headerValue',
  hex: 'rules.error.hex',
  base64: 'rules.error.base64',
  file: 'rules.error.file',
  timeout: 'rules.error.timeout',
  hold: 'rules.error.hold',
  failMode: 'rules.error.failMode',
  removeHeader: 'rules.error.removeHeader',
};

/** The schema's problems with a draft (the Core checks rules against the same schema). */
export function validateRule(rule: ResponderRule): RuleErrors {
  const errors: RuleErrors = {};
  for (const { field } of ruleProblems(rule)) errors[field] ??= ERROR_KEYS[field];
  return errors;
}

export function hasErrors(errors: RuleErrors): boolean {
  return Object.keys(errors).length > 0;
}
