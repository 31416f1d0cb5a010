import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  KNOWN_DIFFERENCES,
  compare,
  createRng,
  describe as describeDifference,
  generateCase,
  runDifferential,
  runEngine,
  runLlhttp,
  type Outcome,
} from './differential';

const SEED = 0x5eed2026;
const COUNT = 100_000;

describe('differential: engine against Node llhttp', () => {
  it(`agrees on ${COUNT.toLocaleString('en-US')} generated and mutated cases (seed ${SEED})`, () => {
    const started = performance.now();
    const summary = runDifferential(SEED, COUNT, 5);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const classified = [...summary.classified].map(([name, n]) => `${name}: ${n}`).join('; ');
    console.log(
      `differential: ${summary.cases} cases in ${seconds} s, ${summary.agreed} agreed, ` +
        `classified: ${classified || 'none'}, unexplained: ${summary.unexplainedCount}`,
    );
    assert.equal(summary.cases, COUNT);
    assert.equal(
      summary.unexplainedCount,
      0,
      `unexplained disagreements, first ones:\n\n${summary.unexplained.map(describeDifference).join('\n\n')}`,
    );
  });

  it('unmutated generated messages are accepted by both parsers with identical content', () => {
    const rng = createRng(SEED);
    for (let i = 0; i < 2000; i++) {
      const input = generateCase(rng, i % 2 ? 'request' : 'response');
      const ours = runEngine(input);
      const theirs = runLlhttp(input);
      assert.equal(theirs.error, null, `llhttp rejected a generated case: ${JSON.stringify(theirs)}`);
      const difference = compare(input, ours, theirs);
      assert.equal(difference, null, difference ? describeDifference(difference) : '');
    }
  });

  it('the comparison notices a differing header value or a one-sided rejection', () => {
    const input = generateCase(createRng(1), 'request');
    const theirs = runLlhttp(input);
    assert.ok(theirs.messages.length > 0);
    const altered: Outcome = {
      ...theirs,
      messages: theirs.messages.map((m) => ({ ...m, headers: [...m.headers, 'x: y'] })),
    };
    assert.equal(compare(input, altered, theirs)?.aspect, 'messages');
    assert.equal(compare(input, { ...theirs, error: 'INVALID_METHOD', errorOffset: 0 }, theirs)?.aspect, 'accept');
  });

  it('every known difference is documented in docs/differential.md', () => {
    const doc = readFileSync(new URL('../../docs/differential.md', import.meta.url), 'utf8');
    for (const known of KNOWN_DIFFERENCES) assert.ok(doc.includes(known.name), `${known.name} missing from the doc`);
  });
});
