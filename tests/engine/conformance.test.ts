// Every case of llhttp's corpus as its own test: whole, split at every byte, one byte at a time.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusAbsence, loadCorpus } from './corpus';
import { runCase } from './conformance-runner';

const absent = corpusAbsence();

if (absent) {
  test('llhttp corpus conformance', (t) => {
    t.skip(absent);
  });
} else {
  const cases = loadCorpus();
  describe('llhttp corpus conformance', () => {
    it('finds the corpus cases', () => {
      assert.ok(cases.length >= 250, `only ${cases.length} cases found`);
    });
    for (const c of cases) {
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
