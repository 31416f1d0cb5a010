// The shape every bench/*.bench.ts module returns, so bench/run.ts can print one table.

export interface BenchResult {
  name: string;
  /** Our measurement, in `unit` (higher is better). */
  ours: number;
  /** The baseline's measurement in the same unit, run in the same process tree. */
  baseline: number;
  unit: string;
  /** ours / baseline: above 1 means we are faster. */
  ratio: number;
  extra?: Record<string, number | string>;
}

export interface BenchModule {
  group: string;
  run(): Promise<BenchResult[]>;
}
