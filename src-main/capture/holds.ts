// The messages break rules hold: each waits here until a UI releases it (edited or untouched),
// aborts it, its timeout lets it go on untouched, or its connection closes. The registry only
// keeps and hands back messages; what a release does to the exchange is rule-actions.ts's.

import type { HeldItem, HeldRequest, HeldResponse, Message } from '../protocol/types';
import { ruleChecks } from '../protocol/rules-schema';
import { isBase64 } from '../engine/bytes';

export type HoldOutcome =
  /** Released: the edited message of the stage, or null for untouched. */
  | { kind: 'released'; request: HeldRequest | null; response: HeldResponse | null }
  | { kind: 'timedOut' }
  | { kind: 'aborted' }
  /** The connection closed (or the server stopped) while it was held. */
  | { kind: 'gone' };

export interface HoldsOptions {
  /** Every change of the list (a UI shows it live). */
  onChange?: (holds: HeldItem[]) => void;
  notice?: (level: 'info' | 'warn', message: Message) => void;
}

interface Entry {
  item: HeldItem;
  settle: (outcome: HoldOutcome) => void;
  timer: NodeJS.Timeout;
}

export type HoldRequestItem = Omit<HeldItem, 'holdId' | 'since' | 'until'>;

export class Holds {
  private readonly entries = new Map<string, Entry>();
  private count = 0;
  private options: HoldsOptions;

  constructor(options: HoldsOptions = {}) {
    this.options = options;
  }

  /** Holds a message until its outcome; the promise never rejects. */
  hold(item: HoldRequestItem, timeoutMs: number): Promise<HoldOutcome> {
    const holdId = `h${++this.count}-${Date.now().toString(36)}`;
    const since = Date.now();
    const held: HeldItem = { ...item, holdId, since, until: since + timeoutMs };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.settle(holdId, { kind: 'timedOut' })) return;
        const what = `${held.request.method} ${held.request.target}`;
        this.options.notice?.('warn', {
          key: 'holds.timedOut',
          text: `Rule "${held.ruleName || held.ruleId}": the held ${what} was not released within ${timeoutMs} ms, so it went on untouched.`,
          params: { rule: held.ruleName || held.ruleId, what, ms: timeoutMs },
        });
      }, timeoutMs);
      this.entries.set(holdId, { item: held, settle: resolve, timer });
      this.changed();
    });
  }

  list(): HeldItem[] {
    return [...this.entries.values()].map((entry) => entry.item);
  }

  /**
   * Lets a held message go on: edited when the stage's message is given, else untouched. False
   * when nothing is held under that id (released already, or timed out); throws on a bad edit.
   */
  release(holdId: string, edit: { request?: unknown; response?: unknown } = {}): boolean {
    const entry = this.entries.get(holdId);
    if (entry === undefined) return false;
    const stage = entry.item.stage;
    const request =
      stage === 'request' && edit.request !== undefined ? heldRequest(edit.request) : null;
    const response =
      stage === 'response' && edit.response !== undefined ? heldResponse(edit.response) : null;
    return this.settle(holdId, { kind: 'released', request, response });
  }

  /** Ends the held exchange: its connection closes with no answer. */
  abort(holdId: string): boolean {
    const entry = this.entries.get(holdId);
    if (entry === undefined) return false;
    const what = `${entry.item.request.method} ${entry.item.request.target}`;
    this.settle(holdId, { kind: 'aborted' });
    this.options.notice?.('info', {
      key: 'holds.aborted',
      text: `The held ${what} was aborted: the client's connection is closed with no answer.`,
      params: { what },
    });
    return true;
  }

  /** Its connection closed: whatever it held goes nowhere. */
  forget(connectionId: string): void {
    for (const [holdId, entry] of this.entries) {
      if (entry.item.connectionId === connectionId) this.settle(holdId, { kind: 'gone' });
    }
  }

  private settle(holdId: string, outcome: HoldOutcome): boolean {
    const entry = this.entries.get(holdId);
    if (entry === undefined) return false;
    this.entries.delete(holdId);
    clearTimeout(entry.timer);
    entry.settle(outcome);
    this.changed();
    return true;
  }

  private changed(): void {
    this.options.onChange?.(this.list());
  }
}

// ---- Checking what a UI sends back (untyped JSON) ----

function bad(what: string, problem: string): never {
  throw new Error(`The edited ${what} ${problem}.`);
}

function fields(value: unknown, what: string): [string, string][] {
  if (!Array.isArray(value)) bad(what, 'needs headers as [name, value] pairs');
  return value.map((pair: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      bad(what, 'needs headers as [name, value] pairs');
    const [name, text] = pair as unknown[];
    if (typeof name !== 'string' || typeof text !== 'string')
      bad(what, 'has a header that is not text');
    const problem = ruleChecks.headerName(name) ?? ruleChecks.headerValue(text);
    if (problem !== null) bad(what, `has a header "${name}" that ${problem}`);
    return [name, text];
  });
}

function bodyOf(value: Record<string, unknown>, what: string): string {
  const body = value.bodyBase64 ?? '';
  if (typeof body !== 'string' || !isBase64(body)) bad(what, 'needs its body in base64');
  return body;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    bad(what, 'must be an object');
  return value as Record<string, unknown>;
}

export function heldRequest(value: unknown): HeldRequest {
  const v = record(value, 'request');
  const { method, target } = v;
  if (typeof method !== 'string' || method === '*' || ruleChecks.method(method) !== null) {
    bad('request', 'needs a method token');
  }
  if (typeof target !== 'string' || target === '' || /[\0-\x20\x7f]/.test(target)) {
    bad('request', 'needs a target without spaces or control characters');
  }
  return {
    method,
    target,
    headers: fields(v.headers, 'request'),
    bodyBase64: bodyOf(v, 'request'),
  };
}

export function heldResponse(value: unknown): HeldResponse {
  const v = record(value, 'response');
  const { status, reason } = v;
  if (typeof status !== 'number' || ruleChecks.status(status) !== null) {
    bad('response', 'needs a status from 100 to 999');
  }
  if (typeof reason !== 'string' || ruleChecks.reason(reason) !== null) {
    bad('response', 'needs a reason without CR, LF or NUL');
  }
  return {
    status,
    reason,
    headers: fields(v.headers, 'response'),
    bodyBase64: bodyOf(v, 'response'),
  };
}
