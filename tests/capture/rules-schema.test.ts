import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ResponderRule, RuleBody, RuleMatchMode } from '../../src-main/protocol/types';
import {
  DEFAULT_HOLD_MS,
  MAX_DELAY_MS,
  MAX_HOLD_MS,
  ruleProblems,
  validateRules,
} from '../../src-main/protocol/rules-schema';
import { validateRules as coreValidateRules } from '../../src-main/capture/rules-file';
import { hasErrors, newRule, validateRule } from '../../src-renderer/lib/rules';

const SEED = 20261201;

function rule(edit: (rule: ResponderRule) => void): ResponderRule {
  const r = newRule('r');
  r.id = 'r1';
  edit(r);
  return r;
}

function structured(r: ResponderRule) {
  if (r.response.kind !== 'structured') throw new Error('structured rule expected');
  return r.response;
}

/** The Core's verdict and the editor's, which must agree. */
function verdicts(r: ResponderRule): { core: boolean; editor: boolean; message: string } {
  const core = validateRules([JSON.parse(JSON.stringify(r))]);
  return {
    core: core.ok,
    editor: !hasErrors(validateRule(r)),
    message: core.ok ? '' : core.message,
  };
}

function assertBoth(r: ResponderRule, ok: boolean, what: string): void {
  const v = verdicts(r);
  assert.equal(v.core, ok, `core: ${what} ${v.message}`);
  assert.equal(v.editor, ok, `editor: ${what}`);
}

describe('rules schema: the Core and the editor agree', () => {
  it('the Core loads rules through the same schema', () => {
    assert.equal(coreValidateRules, validateRules);
  });

  it('paths: an absolute path, * for OPTIONS *, or a glob starting with *; no spaces', () => {
    const cases: [string, RuleMatchMode, boolean][] = [
      ['/', 'exact', true],
      ['/api/', 'prefix', true],
      ['/img/*.png', 'glob', true],
      ['*', 'exact', true],
      ['**/x', 'glob', true],
      ['*.png', 'exact', false],
      ['no-slash', 'exact', false],
      ['', 'prefix', false],
      ['/a b', 'exact', false],
      ['/a\tb', 'glob', false],
    ];
    for (const [path, mode, ok] of cases) {
      assertBoth(
        rule((r) => (r.match = { method: 'GET', path, mode })),
        ok,
        `${mode} ${JSON.stringify(path)}`,
      );
    }
    const problem = ruleProblems(rule((r) => (r.match.path = 'x')));
    assert.deepEqual(
      problem.map((p) => [p.field, p.at]),
      [['path', 'match.path']],
    );
  });

  it('CR, LF and NUL are refused in header values and the reason phrase', () => {
    for (const bad of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\0b']) {
      assertBoth(
        rule((r) => structured(r).headers.push(['X-A', bad])),
        false,
        `value ${JSON.stringify(bad)}`,
      );
      assertBoth(
        rule((r) => (structured(r).reason = bad)),
        false,
        `reason ${JSON.stringify(bad)}`,
      );
    }
    assertBoth(
      rule((r) => structured(r).headers.push(['X-A', 'tab\tand spaces, é'])),
      true,
      'tab',
    );
    assert.deepEqual(validateRule(rule((r) => structured(r).headers.push(['X-A', 'a\nb']))), {
      headerValue: 'rules.error.headerValue',
    });
  });

  it(`the delay is a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`, () => {
    const cases: [number, boolean][] = [
      [0, true],
      [1500, true],
      [MAX_DELAY_MS, true],
      [MAX_DELAY_MS + 1, false],
      [-1, false],
      [1.5, false],
      [Number.NaN, false],
    ];
    for (const [delayMs, ok] of cases) {
      const r = rule((draft) => (draft.delayMs = delayMs));
      assert.equal(!hasErrors(validateRule(r)), ok, `editor: ${delayMs}`);
      // JSON has no NaN: the Core sees null there, which is not a number either.
      assert.equal(validateRules([{ ...r, delayMs }]).ok, ok, `core: ${delayMs}`);
    }
  });

  it('raw and file responses are checked by both', () => {
    assertBoth(
      rule((r) => (r.response = { kind: 'raw', base64: 'SFRUUC8xLjEgMjAwIE9LDQoNCg==' })),
      true,
      'raw',
    );
    assertBoth(
      rule((r) => (r.response = { kind: 'raw', base64: 'not base64!' })),
      false,
      'raw',
    );
    assertBoth(
      rule((r) => (structured(r).body = { type: 'file', path: '' })),
      false,
      'file',
    );
    assertBoth(
      rule((r) => (structured(r).body = { type: 'base64', base64: '%%' })),
      false,
      'b64',
    );
    assertBoth(
      rule((r) => (structured(r).body = { type: 'hex', hex: '4' })),
      false,
      'hex',
    );
  });
});

const pick = <T>(good: T[], bad: T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...good) }, fc.constantFrom(...bad));

const bodyArb: fc.Arbitrary<RuleBody> = fc.oneof(
  fc.constant<RuleBody>({ type: 'text', text: 'hi' }),
  pick(['48 69', ''], ['4', 'zz']).map((hex): RuleBody => ({ type: 'hex', hex })),
  pick(['aGk=', ''], ['*', 'a b=c']).map((base64): RuleBody => ({ type: 'base64', base64 })),
  pick(['page.html'], ['']).map((path): RuleBody => ({ type: 'file', path })),
);

const ruleArb: fc.Arbitrary<ResponderRule> = fc
  .record({
    id: pick(['a', 'rule-1'], ['']),
    method: pick(['*', 'GET', 'PURGE'], ['G T', '', 'GET\n']),
    path: pick(['/', '/x/*', '*', '**'], ['x', '', '/a b', '/\x7f']),
    mode: fc.constantFrom<RuleMatchMode>('exact', 'prefix', 'glob'),
    delayMs: pick([0, 10, MAX_DELAY_MS], [-5, MAX_DELAY_MS + 1, 0.5]),
    raw: fc.boolean(),
    base64: pick(['', 'SFRUUA=='], ['??']),
    status: pick([100, 200, 999], [99, 1000, 200.5]),
    reason: pick(['OK', '', 'Not\tFound'], ['a\nb', '\0']),
    headers: fc.array(
      fc.tuple(pick(['X-A', 'Content-Type'], ['Bad Name', '', 'a:b']), pick(['v', ''], ['\r\n'])),
      { maxLength: 3 },
    ),
    body: bodyArb,
  })
  .map((f) => ({
    id: f.id,
    enabled: true,
    name: 'n',
    match: { method: f.method, path: f.path, mode: f.mode },
    response: f.raw
      ? { kind: 'raw', base64: f.base64 }
      : {
          kind: 'structured',
          status: f.status,
          reason: f.reason,
          headers: f.headers,
          body: f.body,
          autoContentLength: true,
          autoDate: true,
          chunked: false,
        },
    delayMs: f.delayMs,
  }));

describe('properties: one schema, one verdict', () => {
  it(`the Core accepts a rule exactly when the editor finds nothing wrong (seed ${SEED})`, () => {
    fc.assert(
      fc.property(ruleArb, (r) => {
        const v = verdicts(r);
        assert.equal(v.core, v.editor, v.message || JSON.stringify(validateRule(r)));
        if (v.core) {
          const back = validateRules([r]);
          assert.ok(back.ok);
          assert.deepEqual(back.rules[0], r);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('rule actions: forward, break and fail', () => {
  const edits = { setHeaders: [], removeHeaders: [], body: null };
  const forward = (change: (r: ResponderRule) => void = () => undefined): ResponderRule =>
    rule((r) => {
      r.response = { kind: 'forward', request: { ...edits }, response: { ...edits, status: null } };
      change(r);
    });
  const brk = (request: boolean, response: boolean, timeoutMs: number): ResponderRule =>
    rule((r) => (r.response = { kind: 'break', request, response, timeoutMs }));

  it('forward edits: set header names and values, removed names, body and status are each checked', () => {
    assertBoth(forward(), true, 'no edits');
    const ok = forward((r) => {
      if (r.response.kind !== 'forward') return;
      r.response.request.setHeaders = [['X-A', '1']];
      r.response.request.removeHeaders = ['Cookie'];
      r.response.request.body = { type: 'text', text: 'x' };
      r.response.response.status = 418;
      r.response.response.body = { type: 'hex', hex: '41 42' };
    });
    assertBoth(ok, true, 'every edit');
    const cases: [string, (f: Extract<ResponderRule['response'], { kind: 'forward' }>) => void][] =
      [
        ['a bad set name', (f) => (f.request.setHeaders = [['Bad Name', '1']])],
        ['a value with CR LF', (f) => (f.response.setHeaders = [['X-A', 'a\r\nb']])],
        ['a bad removed name', (f) => (f.request.removeHeaders = ['no:colon'])],
        ['a status out of range', (f) => (f.response.status = 42)],
        ['an odd hex body', (f) => (f.response.body = { type: 'hex', hex: 'abc' })],
        ['an empty file path', (f) => (f.request.body = { type: 'file', path: '' })],
      ];
    for (const [what, change] of cases) {
      assertBoth(
        forward((r) => r.response.kind === 'forward' && change(r.response)),
        false,
        what,
      );
    }
    const problem = ruleProblems(
      forward((r) => r.response.kind === 'forward' && (r.response.request.removeHeaders = ['a b'])),
    );
    assert.deepEqual(
      problem.map((p) => [p.field, p.at]),
      [['removeHeader', 'response.request.removeHeaders[0]']],
    );
  });

  it(`break holds the request, the response or both, with a timeout up to ${MAX_HOLD_MS} ms`, () => {
    assertBoth(brk(true, false, 1000), true, 'request');
    assertBoth(brk(false, true, MAX_HOLD_MS), true, 'response, the longest');
    assertBoth(brk(false, false, 1000), false, 'holds nothing');
    assertBoth(brk(true, true, MAX_HOLD_MS + 1), false, 'too long');
    assertBoth(brk(true, true, 10), false, 'too short');
    assertBoth(brk(true, true, 1.5), false, 'not whole');
    const loaded = validateRules([{ id: 'b', match: { path: '/' }, response: { kind: 'break' } }]);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.rules[0]!.response, {
      kind: 'break',
      request: true,
      response: false,
      timeoutMs: DEFAULT_HOLD_MS,
    });
  });

  it('fail resets, closes or delays; nothing else', () => {
    for (const mode of ['reset', 'close', 'delay'] as const) {
      assertBoth(
        rule((r) => (r.response = { kind: 'fail', mode })),
        true,
        mode,
      );
    }
    const bad = rule((r) => (r.response = { kind: 'fail', mode: 'explode' as 'reset' }));
    assertBoth(bad, false, 'an unknown mode');
    const v = validateRules([JSON.parse(JSON.stringify(bad))]);
    assert.ok(
      !v.ok && /rules\[0\]\.response\.mode: must be "reset", "close" or "delay"/.test(v.message),
    );
  });

  it('a forward rule in a file: absent edits are none; unknown fields are named', () => {
    const loaded = validateRules({
      version: 1,
      rules: [
        {
          id: 'f',
          match: { path: '/api', mode: 'prefix' },
          response: { kind: 'forward', response: { status: 503 } },
        },
      ],
    });
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.rules[0]!.response, {
      kind: 'forward',
      request: { setHeaders: [], removeHeaders: [], body: null },
      response: { setHeaders: [], removeHeaders: [], body: null, status: 503 },
    });
    const unknown = validateRules([
      { id: 'f', match: { path: '/' }, response: { kind: 'forward', request: { addHeader: 1 } } },
    ]);
    assert.ok(!unknown.ok && /response\.request\.addHeader: unknown field/.test(unknown.message));
    const kind = validateRules([{ id: 'k', match: { path: '/' }, response: { kind: 'mock' } }]);
    assert.ok(!kind.ok && /"structured", "raw", "forward", "break" or "fail"/.test(kind.message));
  });

  it('a version 1 file of structured and raw rules still loads as it did', () => {
    const loaded = validateRules({
      version: 1,
      rules: [
        { id: 'a', match: { path: '/' }, response: { kind: 'structured', status: 200 } },
        { id: 'b', match: { path: '/raw' }, response: { kind: 'raw', base64: 'SFRUUA==' } },
      ],
    });
    assert.ok(loaded.ok);
    assert.equal(loaded.rules[0]!.response.kind, 'structured');
    assert.equal(loaded.rules[1]!.response.kind, 'raw');
  });
});
