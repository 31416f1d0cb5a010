import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadRules,
  parseRulesJson,
  saveRules,
  validateRules,
} from '../../src-main/capture/rules-file';
import type { ResponderRule } from '../../src-main/protocol/types';

const sample: ResponderRule[] = [
  {
    id: 'r1',
    enabled: true,
    name: 'API',
    match: { method: 'GET', path: '/api/**', mode: 'glob' },
    response: {
      kind: 'structured',
      status: 200,
      reason: 'OK',
      headers: [['Content-Type', 'application/json']],
      body: { type: 'text', text: '{"hello":1}' },
      autoContentLength: true,
      autoDate: false,
      chunked: false,
    },
    delayMs: 0,
  },
  {
    id: 'r2',
    enabled: false,
    name: 'broken',
    match: { method: '*', path: '/raw', mode: 'exact' },
    response: { kind: 'raw', base64: Buffer.from('HTTP/1.1 200 OK\n\n').toString('base64') },
    delayMs: 250,
  },
];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'socketscope-rules-file-'));
}

describe('rules file', () => {
  it('saves atomically and loads back the same rules', async () => {
    const dir = tempDir();
    const path = join(dir, 'rules.json');
    await saveRules(path, sample);
    assert.deepEqual(readdirSync(dir), ['rules.json'], 'no temporary file left behind');
    const loaded = await loadRules(path);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.rules, sample);
    assert.equal(loaded.baseDir, dir);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).version, 1);
  });

  it('names the line and column of a JSON syntax error', async () => {
    const path = join(tempDir(), 'bad.json');
    writeFileSync(path, '{\n  "rules": [\n    { "id": "a", }\n  ]\n}\n');
    const result = await loadRules(path);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /line 3, column 18/);
  });

  it('names the line of an unexpected end of input', () => {
    const result = parseRulesJson('[\n{"id": "a"');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /^line 2, column 11: /);
  });

  it('names the rule index and field of a schema error', () => {
    const cases: [unknown, RegExp][] = [
      [
        [sample[0], { ...sample[1], match: { method: '*', path: '/', mode: 'regex' } }],
        /^rules\[1\]\.match\.mode: /,
      ],
      [
        [{ ...sample[0], response: { ...sample[0]!.response, status: 42 } }],
        /^rules\[0\]\.response\.status: /,
      ],
      [[{ ...sample[0], extra: 1 }], /^rules\[0\]\.extra: unknown field/],
      [[{ ...sample[0], id: '' }], /^rules\[0\]\.id: /],
      [[sample[0], sample[0]], /^rules\[1\]\.id: "r1" is used/],
      [
        [{ ...sample[0], response: { ...sample[0]!.response, headers: [['Bad Name', 'x']] } }],
        /^rules\[0\]\.response\.headers\[0\]\[0\]: /,
      ],
      [
        [{ ...sample[0], response: { ...sample[0]!.response, body: { type: 'hex', hex: 'abc' } } }],
        /^rules\[0\]\.response\.body\.hex: /,
      ],
      [{ rules: 'nope' }, /^rules: must be an array/],
      ['text', /^\(file\): must be an array/],
    ];
    for (const [value, expected] of cases) {
      const result = validateRules(value);
      assert.equal(result.ok, false, `rejected: ${JSON.stringify(value)}`);
      if (!result.ok) assert.match(result.message, expected);
    }
  });

  it('fills defaults for optional fields', () => {
    const result = validateRules({
      rules: [
        {
          id: 'x',
          match: { path: '/x' },
          response: { kind: 'structured', status: 204, body: { type: 'text', text: '' } },
        },
      ],
    });
    assert.ok(result.ok);
    const [only] = result.rules;
    assert.equal(only!.enabled, true);
    assert.equal(only!.match.method, '*');
    assert.equal(only!.match.mode, 'exact');
    assert.equal(only!.delayMs, 0);
    assert.deepEqual(
      only!.response.kind === 'structured' && only!.response.autoContentLength,
      true,
    );
  });

  it('reports an unreadable file without throwing', async () => {
    const result = await loadRules(join(tempDir(), 'absent.json'));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /ENOENT/);
  });
});
