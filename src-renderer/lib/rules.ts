// Responder rule helpers for the editor: defaults, validation, content type lookup.
import type { ResponderRule, RuleResponse } from '../../src-main/protocol/types';
import { parseHex } from './bytes';
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

export function contentTypeOf(headers: [string, string][]): string | null {
  const found = headers.find(([name]) => name.trim().toLowerCase() === 'content-type');
  return found ? found[1] : null;
}

export function setContentType(headers: [string, string][], value: string): [string, string][] {
  const rest = headers.filter(([name]) => name.trim().toLowerCase() !== 'content-type');
  return [['Content-Type', value], ...rest];
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type RuleField = 'path' | 'status' | 'hex' | 'header' | 'delay';
export type RuleErrors = Partial<Record<RuleField, CatalogueKey>>;

export function validateRule(rule: ResponderRule): RuleErrors {
  const errors: RuleErrors = {};
  const path = rule.match.path;
  if (!(path.startsWith('/') || (rule.match.mode === 'glob' && path.startsWith('*'))))
    errors.path = 'rules.error.path';
  if (!Number.isInteger(rule.delayMs) || rule.delayMs < 0) errors.delay = 'rules.error.delay';
  const response = rule.response;
  if (response.kind === 'structured') {
    if (!Number.isInteger(response.status) || response.status < 100 || response.status > 999) {
      errors.status = 'rules.error.status';
    }
    if (response.headers.some(([name]) => !token.test(name))) errors.header = 'rules.error.header';
    if (response.body.type === 'hex' && parseHex(response.body.hex) === null)
      errors.hex = 'rules.error.hex';
  }
  return errors;
}

export function hasErrors(errors: RuleErrors): boolean {
  return Object.keys(errors).length > 0;
}
