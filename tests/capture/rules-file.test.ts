import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadRules,
  moveRulesAside,
  parseRulesJson,
  rulesBackupPath,
  saveRules,
  validateRules,
} from '../../src-main/capture/rules-file';
import { UserFacingError } from '../../src-main/capture/fs-errors';
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

  it('reports an unreadable file without throwing, in a sentence that names it', async () => {
    const path = join(tempDir(), 'absent.json');
    const result = await loadRules(path);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.problem.kind, 'unreadable');
    assert.equal(result.problem.line, null);
    assert.equal(result.problem.message.key, 'fs.notFound');
    assert.ok(result.message.includes(path));
    assert.doesNotMatch(result.message, /^E[A-Z]+/);
  });
});

describe('rules file problems have a line and column', () => {
  it('a JSON syntax error', async () => {
    const path = join(tempDir(), 'rules.json');
    writeFileSync(path, '{\n  "rules": [\n    { "id": "a", }\n  ]\n}\n');
    const result = await loadRules(path);
    assert.ok(!result.ok);
    assert.equal(result.problem.kind, 'syntax');
    assert.deepEqual([result.problem.line, result.problem.column], [3, 18]);
    assert.equal(result.problem.message.key, 'rules.fileBroken');
    assert.deepEqual(result.problem.message.params?.line, 3);
    assert.match(result.problem.message.text, /line 3, column 18/);
    assert.ok(result.problem.message.text.includes(path));
  });

  it('a schema error points at the offending member', async () => {
    const path = join(tempDir(), 'rules.json');
    const rules = [sample[0], { ...sample[1], match: { method: '*', path: '/', mode: 'regex' } }];
    const text = JSON.stringify({ version: 1, rules }, null, 2);
    writeFileSync(path, text);
    const result = await loadRules(path);
    assert.ok(!result.ok);
    assert.equal(result.problem.kind, 'schema');
    assert.match(result.problem.reason, /^rules\[1\]\.match\.mode: /);
    // The second "mode" key in the file is rule 1's.
    const offset = text.indexOf('"mode"', text.indexOf('"mode"') + 1);
    const before = text.slice(0, offset).split('\n');
    assert.deepEqual(
      [result.problem.line, result.problem.column],
      [before.length, (before.at(-1) ?? '').length + 1],
    );
  });

  it('a schema error in a bare array, a bad version, a top-level problem', async () => {
    const dir = tempDir();
    const cases: [string, number, number][] = [
      ['[\n  {"id": "x", "match": {"path": "/"}, "response": {"kind": "nope"}}\n]', 2, 52],
      ['{\n  "version": 7,\n  "rules": []\n}', 2, 3],
      ['"text"', 1, 1],
      ['{ "version": 1, "extra": {"a": [1, "}"]}, "more": 1 }', 1, 17],
      [
        '[ {"id": "a", "name": "x}]\\"", "match": {"path": "/", "mode": "exact"}, "response": {"kind": "raw", "base64": "%"}} ]',
        1,
        101,
      ],
    ];
    for (const [text, line, column] of cases) {
      const path = join(dir, 'rules.json');
      writeFileSync(path, text);
      const result = await loadRules(path);
      assert.ok(!result.ok, text);
      assert.deepEqual([result.problem.line, result.problem.column], [line, column], text);
    }
  });
});

describe('saving rules keeps the way back', () => {
  const other: ResponderRule[] = [{ ...sample[0]!, id: 'other' }];

  it('keeps the previous version as rules.json.bak, atomically, with no temporary file left', async () => {
    const dir = tempDir();
    const path = join(dir, 'rules.json');
    await saveRules(path, sample);
    const first = readFileSync(path, 'utf8');
    assert.ok(!existsSync(rulesBackupPath(path)), 'no backup of nothing');
    await saveRules(path, other);
    assert.equal(readFileSync(rulesBackupPath(path), 'utf8'), first);
    assert.deepEqual(readdirSync(dir).sort(), ['rules.json', 'rules.json.bak']);
    const loaded = await loadRules(path);
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.rules, other);
    const backup = await loadRules(rulesBackupPath(path));
    assert.ok(backup.ok);
    assert.deepEqual(backup.rules, sample);
  });

  it('never writes over a broken file: it is moved aside and the good backup stays', async () => {
    const dir = tempDir();
    const path = join(dir, 'rules.json');
    await saveRules(path, sample);
    await saveRules(path, other);
    const goodBackup = readFileSync(rulesBackupPath(path), 'utf8');
    const broken = '{ "rules": [ oops';
    writeFileSync(path, broken);
    await saveRules(path, sample);
    assert.equal(readFileSync(rulesBackupPath(path), 'utf8'), goodBackup);
    const aside = readdirSync(dir).filter((name) => name.startsWith('rules.json.broken-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(dir, aside[0]!), 'utf8'), broken);
  });

  it('moving aside never overwrites an earlier broken file', async () => {
    const dir = tempDir();
    const path = join(dir, 'rules.json');
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    writeFileSync(path, 'one');
    const first = await moveRulesAside(path, now);
    writeFileSync(path, 'two');
    const second = await moveRulesAside(path, now);
    assert.notEqual(first, second);
    assert.equal(readFileSync(first, 'utf8'), 'one');
    assert.equal(readFileSync(second, 'utf8'), 'two');
    assert.ok(!existsSync(path));
  });

  it('a failed save says in one sentence what happened and where; the old file stays', async () => {
    const dir = tempDir();
    const blocker = join(dir, 'home');
    writeFileSync(blocker, 'a file where the data folder should be');
    await assert.rejects(saveRules(join(blocker, 'rules.json'), sample), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.equal(error.userMessage.key, 'fs.notFolder');
      assert.equal(error.userMessage.params?.path, blocker);
      return true;
    });
    assert.equal(readFileSync(blocker, 'utf8'), 'a file where the data folder should be');
  });
});
