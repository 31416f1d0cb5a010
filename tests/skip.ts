// A test that cannot run here says why: the reason goes to the test report and is printed.
import type { TestContext } from 'node:test';

export function skipBecause(t: TestContext, reason: string): void {
  console.log(`# skipped: ${reason}`);
  t.skip(reason);
}
