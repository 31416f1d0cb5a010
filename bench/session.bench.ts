// Opening a big session from the UI, in Chromium against the real Core and web host: a session
// of 1,000,000 captured requests (written by a child process through SessionStore's own API) is
// opened from the Sessions tab. Measured: seconds from the click to the first rows on screen and
// to the full count, the Core's peak RSS (this process: Core, web host and the playwright
// client) and the page's JS heap (CDP). Targets: 2 s, 10 s, 500 MB, 300 MB.
//
// Convention as in ui.bench.ts: ours = target / measured (above 1 meets the target).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSession } from '../src-main/capture/sessions';
import { sessionsFolder } from '../src-main/host/paths';
import { missingPrerequisite, repoRoot, startUi, type UiHarness } from '../tests/ui/helpers';
import type { BenchResult } from './types';

export const group = 'session';

const REQUESTS = Number(process.env.SOCKETSCOPE_SESSION_BENCH_REQUESTS ?? 1_000_000);
const FIXTURE_TIMEOUT_MS = 180_000;
const OPEN_DEADLINE_MS = 90_000;
const TARGETS = { firstRowsSeconds: 2, fullCountSeconds: 10, coreRssMb: 500, rendererHeapMb: 300 };

const run$ = promisify(execFile);

async function heap(ui: UiHarness, collect: boolean): Promise<number> {
  const session = await ui.context.newCDPSession(ui.page);
  await session.send('Performance.enable');
  if (collect) await session.send('HeapProfiler.collectGarbage');
  const { metrics } = await session.send('Performance.getMetrics');
  await session.detach();
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
}

function budget(name: string, measured: number, target: number, unit: string): BenchResult {
  const ours = measured > 0 ? target / measured : target;
  return { name, ours, baseline: 1, unit, ratio: ours, extra: { measured, target } };
}

export async function run(): Promise<BenchResult[]> {
  const missing = missingPrerequisite();
  if (missing) {
    console.error(`session bench skipped: ${missing}`);
    return [];
  }
  const ui = await startUi({ viewport: { width: 1400, height: 900 } });
  try {
    const { page } = ui;
    const meta = createSession(sessionsFolder(ui.home), 'bench 1M');
    const fixtureStart = performance.now();
    await run$(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'bench', 'session-fixture-cli.ts'),
        join(sessionsFolder(ui.home), meta.id),
        String(REQUESTS),
      ],
      { cwd: repoRoot, timeout: FIXTURE_TIMEOUT_MS },
    );
    const fixtureSeconds = (performance.now() - fixtureStart) / 1000;

    await page.getByTestId('sessions-tab').click();
    const row = page.locator(`[data-testid="session-row"][data-session-id="${meta.id}"]`);
    await row.waitFor();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const t0 = performance.now();
    await row.getByTestId('session-open').click();
    await page.getByTestId('main-tab-inspector').click();
    let firstRows = 0;
    let fullCount = 0;
    let peakHeap = 0;
    const deadline = Date.now() + OPEN_DEADLINE_MS;
    while (Date.now() < deadline && fullCount === 0) {
      const state = await page.evaluate(() => {
        const count = document.querySelector('[data-testid="list-count"]');
        return {
          rows: document.querySelectorAll('[data-testid="connection-row"]').length,
          total: Number(count?.getAttribute('data-total') ?? 0),
          loading: count?.getAttribute('data-loading') === 'true',
        };
      });
      const now = performance.now();
      if (!firstRows && state.rows > 0) firstRows = now;
      if (state.total >= REQUESTS && !state.loading) fullCount = now;
      if (!fullCount) await new Promise((r) => setTimeout(r, 25));
      if (Math.round(now) % 500 < 30) peakHeap = Math.max(peakHeap, await heap(ui, false));
    }
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, await heap(ui, false));
    const heapAfter = await heap(ui, true);
    const mb = (bytes: number): number => bytes / 1024 / 1024;
    const figures = {
      requests: REQUESTS,
      firstRowsSeconds: firstRows ? (firstRows - t0) / 1000 : Infinity,
      fullCountSeconds: fullCount ? (fullCount - t0) / 1000 : Infinity,
      coreRssPeakMb: mb(peakRss),
      coreRssBeforeMb: mb(rssBefore),
      rendererHeapPeakMb: peakHeap,
      rendererHeapMb: heapAfter,
      fixtureSeconds,
    };
    // One JSON line of all the figures, whatever the output format of the run.
    console.log(JSON.stringify({ name: 'session.open-1m', ...figures }));
    const results: BenchResult[] = [
      budget('session.open-1m', figures.fullCountSeconds, TARGETS.fullCountSeconds, 'target/s'),
      budget(
        'session.open-1m.first-rows',
        figures.firstRowsSeconds,
        TARGETS.firstRowsSeconds,
        'target/s',
      ),
      budget('session.open-1m.core-rss', figures.coreRssPeakMb, TARGETS.coreRssMb, 'target/MB'),
      budget(
        'session.open-1m.renderer-heap',
        Math.max(figures.rendererHeapPeakMb, figures.rendererHeapMb),
        TARGETS.rendererHeapMb,
        'target/MB',
      ),
    ];
    results[0].extra = { ...results[0].extra, ...figures };
    return results;
  } finally {
    await ui.close();
  }
}
