// Runs the benchmark groups found in bench/*.bench.ts and prints a table, or one JSON object
// per line with --json. Usage: node --import tsx bench/run.ts [--json] [group ...]

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types';

const here = dirname(fileURLToPath(import.meta.url));

function isBenchModule(value: unknown): value is BenchModule {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<BenchModule>;
  return typeof candidate.group === 'string' && typeof candidate.run === 'function';
}

/** Imports bench modules: only `<group>.bench.ts` when groups are named (all if a name does not match a file). */
async function discover(wanted: string[]): Promise<BenchModule[]> {
  const files = readdirSync(here)
    .filter((name) => name.endsWith('.bench.ts'))
    .sort();
  const named = files.filter((file) => wanted.includes(file.slice(0, -'.bench.ts'.length)));
  const selected = wanted.length > 0 && named.length === wanted.length ? named : files;
  const modules: BenchModule[] = [];
  for (const file of selected) {
    try {
      const loaded: unknown = await import(pathToFileURL(join(here, file)).href);
      if (isBenchModule(loaded)) modules.push(loaded);
      else
        console.error(`bench/${file} does not export a group name and a run() function; skipped.`);
    } catch (error) {
      console.error(`bench/${file} failed to load; skipped:`, error);
      process.exitCode = 1;
    }
  }
  return modules;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(4);
}

function printTable(results: BenchResult[]): void {
  const rows = [
    ['name', 'ours', 'baseline', 'unit', 'ratio'],
    ...results.map((r) => [
      r.name,
      formatNumber(r.ours),
      formatNumber(r.baseline),
      r.unit,
      r.ratio.toFixed(2),
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const [index, row] of rows.entries()) {
    console.log(
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
        )
        .join('  '),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const modules = await discover(wanted);
  const unknown = wanted.filter((group) => !modules.some((module) => module.group === group));
  if (unknown.length > 0) {
    console.error(
      `Unknown bench group(s): ${unknown.join(', ')}. Known: ${modules.map((m) => m.group).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  const selected =
    wanted.length > 0 ? modules.filter((module) => wanted.includes(module.group)) : modules;
  const all: BenchResult[] = [];
  for (const module of selected) {
    if (!json) console.error(`running ${module.group}…`);
    let results: BenchResult[];
    try {
      results = await module.run();
    } catch (error) {
      console.error(`bench group ${module.group} failed:`, error);
      process.exitCode = 1;
      continue;
    }
    for (const result of results) {
      if (json) console.log(JSON.stringify(result));
      all.push(result);
    }
  }
  if (!json) printTable(all);
}

await main();
