// Long differential run against Node's llhttp: npm run fuzz [-- --count N --seed S]
// Exits 1 when a disagreement is not explained by a known, documented difference.

import { describe, runDifferential } from './differential';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const count = Number(option('count') ?? 1_000_000);
const seed =
  option('seed') !== undefined ? Number(option('seed')) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
if (!Number.isInteger(count) || count <= 0) {
  console.error('--count must be a positive integer');
  process.exit(2);
}

console.log(
  `differential: ${count.toLocaleString('en-US')} cases, seed ${seed} (repeat with --seed ${seed})`,
);
const started = performance.now();
const summary = runDifferential(seed, count, 20, (done, partial) => {
  const rate = Math.round(done / ((performance.now() - started) / 1000));
  console.log(
    `  ${done.toLocaleString('en-US')} cases, ${partial.agreed} agreed, ` +
      `${partial.unexplainedCount} unexplained (${rate.toLocaleString('en-US')} cases/s)`,
  );
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`done: ${summary.cases} cases in ${seconds} s, ${summary.agreed} agreed`);
for (const [name, n] of summary.classified) console.log(`  known difference "${name}": ${n}`);
if (summary.unexplainedCount > 0) {
  console.log(`\n${summary.unexplainedCount} unexplained disagreement(s); the first ones:\n`);
  for (const difference of summary.unexplained) console.log(describe(difference) + '\n');
  process.exit(1);
}
console.log('no unexplained disagreement');
