// `npm run conformance`: runs the conformance data (llhttp's converted corpus and the engine's own
// cases) outside the test runner. Prints one line per failure, then `N passed, N failed,
// N skipped`, then the skip reasons. An argument keeps only the cases whose name contains it.
import { ENGINE_CASES, LLHTTP_CASES, loadData } from './conformance-data';
import { runCase } from './conformance-runner';

let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = new Map<string, string[]>();
const filter = process.argv[2];
for (const c of [...loadData(LLHTTP_CASES).cases, ...loadData(ENGINE_CASES).cases]) {
  if (filter && !c.name.includes(filter)) continue;
  const outcome = runCase(c);
  if (outcome.status === 'pass') passed++;
  else if (outcome.status === 'fail') {
    failed++;
    console.log(`FAIL ${c.name}: ${outcome.reason}`);
  } else {
    skipped++;
    const reason = outcome.reason ?? '';
    reasons.set(reason, [...(reasons.get(reason) ?? []), c.name]);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const [reason, names] of reasons) {
  console.log(`skipped (${names.length}): ${reason}`);
  for (const name of names) console.log(`  - ${name}`);
}
process.exit(failed > 0 ? 1 : 0);
