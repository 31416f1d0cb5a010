// Types of scripts/dist.mjs, for its tests.
import type { Writable } from 'node:stream';

export function downloadFailure(output: string): string | null;
export function runBuilder(
  command: string,
  args: string[],
  sinks?: { stdout?: Writable; stderr?: Writable },
): Promise<number>;
