// Every conformance case as its own test (whole, split at every byte, one byte at a time), from
// the project's own data: llhttp's corpus as converted into tests/engine/data/llhttp, and the
// engine's own cases. Where ../shared is present, the converted copy must equal a fresh conversion.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { corpusAbsence } from './corpus';
import { ENGINE_CASES, LLHTTP_CASES, loadData } from './conformance-data';
import { runCase } from './conformance-runner';
import { convertCorpus, formatData } from './convert-corpus';

const llhttp = loadData(LLHTTP_CASES);
const own = loadData(ENGINE_CASES);

describe('the conformance data', () => {
  it('holds llhttp’s corpus and the engine’s own cases, each name once', () => {
    assert.ok(llhttp.cases.length >= 250, `only ${llhttp.cases.length} llhttp cases`);
    assert.ok(own.cases.length >= 20, `only ${own.cases.length} own cases`);
    const names = [...llhttp.cases, ...own.cases].map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
  });

  it('notes the llhttp commit it was converted from, with the licence beside it', () => {
    const folder = new URL('./data/llhttp/', import.meta.url);
    assert.equal(readFileSync(new URL('COMMIT', folder), 'utf8').trim(), llhttp.source.commit);
    assert.match(readFileSync(new URL('LICENSE', folder), 'utf8'), /MIT|Permission is hereby/);
  });

  const absent = corpusAbsence();
  test('equals a fresh conversion of ../shared/corpus/llhttp', async (t) => {
    if (absent) {
      t.skip(absent);
      return;
    }
    const fresh = convertCorpus();
    assert.deepEqual(llhttp, fresh);
    // Byte for byte too, so that regenerating it leaves no diff.
    assert.equal(readFileSync(LLHTTP_CASES, 'utf8'), await formatData(fresh, LLHTTP_CASES));
  });
});

for (const [title, data] of [
  ['llhttp corpus conformance', llhttp],
  ['engine conformance cases', own],
] as const) {
  describe(title, () => {
    for (const c of data.cases) {
      test(c.name, (t) => {
        const outcome = runCase(c);
        if (outcome.status === 'skip') {
          t.skip(outcome.reason);
          return;
        }
        assert.equal(outcome.status, 'pass', outcome.reason);
      });
    }
  });
}
