// Opening a big session from the UI, in Chromium against the real Core and web host: a session
// of 1,000,000 captured requests (written by a child process through SessionStore's own API) is
// opened from the Sessions tab. Measured: seconds from the click to the first rows on screen and
// to the full count, the peak RSS of the process running the Core and web host (a child of its
// own, bench/web-host.ts, read from /proc) and the page's JS heap (CDP). Targets: 2 s, 10 s,
// 500 MB, 300 MB. Also printed: the CPU seconds the Core used for the open (from /proc) and the
// load average, since the machine running it may be shared.
//
// Convention as in ui.bench.ts: ours = target / measured (above 1 meets the target).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSession } from '../src-main/capture/sessions';
import { sessionsFolder } from '../src-main/host/paths';
import { launchChromium, missingPrerequisite, rendererDir, repoRoot } from '../tests/ui/helpers';
import type { BenchResult } from './types';
import { webHostScript } from './web-host-bundle';
import { cpuOf, loadAverage, rssOf } from './proc';

export const group = 'session';

const REQUESTS = Number(process.env.SOCKETSCOPE_SESSION_BENCH_REQUESTS ?? 1_000_000);
const FIXTURE_TIMEOUT_MS = 180_000;
const OPEN_DEADLINE_MS = 90_000;
const TARGETS = { firstRowsSeconds: 2, fullCountSeconds: 10, coreRssMb: 500, rendererHeapMb: 300 };

const run$ = promisify(execFile);

async function heap(context: BrowserContext, page: Page, collect: boolean): Promise<number> {
  const session = await context.newCDPSession(page);
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

/** Starts the Core and web host in a child process; resolves with its page URL and pid. */
async function startHost(home: string): Promise<{ child: ChildProcess; url: string; pid: number }> {
  const child = spawn(process.execPath, [await webHostScript(), home, rendererDir], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The bench host did not start.')), 30_000);
    child.once('exit', (code) => reject(new Error(`The bench host exited (${code}).`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const { url, pid } = JSON.parse(line) as { url: string; pid: number };
      resolve({ child, url, pid });
    });
  });
}

export async function run(): Promise<BenchResult[]> {
  const missing = missingPrerequisite();
  if (missing) {
    console.error(`session bench skipped: ${missing}`);
    return [];
  }
  const home = mkdtempSync(join(tmpdir(), 'socketscope-session-bench-'));
  let browser: Browser | null = null;
  let host: ChildProcess | null = null;
  try {
    const meta = createSession(sessionsFolder(home), 'bench 1M');
    const fixtureStart = performance.now();
    await run$(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'bench', 'session-fixture-cli.ts'),
        join(sessionsFolder(home), meta.id),
        String(REQUESTS),
      ],
      { cwd: repoRoot, timeout: FIXTURE_TIMEOUT_MS },
    );
    const fixtureSeconds = (performance.now() - fixtureStart) / 1000;
    const started = await startHost(home);
    host = started.child;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(started.url);
    await page.getByTestId('server-status').waitFor();

    await page.getByTestId('sessions-tab').click();
    const row = page.locator(`[data-testid="session-row"][data-session-id="${meta.id}"]`);
    await row.waitFor();
    const rssBefore = rssOf(started.pid);
    let peakRss = rssBefore.now;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOf(started.pid).now);
    }, 20);
    const cpuBefore = cpuOf(started.pid);
    const loadBefore = loadAverage();
    const t0 = performance.now();
    await row.getByTestId('session-open').click();
    await page.getByTestId('main-tab-inspector').click();
    let firstRows = 0;
    let fullCount = 0;
    let peakHeap = 0;
    let lastHeap = 0;
    let cpuAtFullCount = NaN;
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
      if (state.total >= REQUESTS && !state.loading) {
        fullCount = now;
        cpuAtFullCount = cpuOf(started.pid);
      }
      if (now - lastHeap > 500) {
        lastHeap = now;
        peakHeap = Math.max(peakHeap, await heap(context, page, false));
      }
      if (!fullCount) await new Promise((r) => setTimeout(r, 25));
    }
    clearInterval(sampler);
    peakHeap = Math.max(peakHeap, await heap(context, page, false));
    const heapAfter = await heap(context, page, true);
    const rssAfter = rssOf(started.pid);
    const figures = {
      requests: REQUESTS,
      firstRowsSeconds: firstRows ? (firstRows - t0) / 1000 : Infinity,
      fullCountSeconds: fullCount ? (fullCount - t0) / 1000 : Infinity,
      /** CPU seconds of the Core's process from the click to the full count. */
      coreCpuSeconds: cpuAtFullCount - cpuBefore,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAverage(),
      coreRssPeakMb: Math.max(peakRss, rssAfter.peak),
      coreRssBeforeMb: rssBefore.now,
      coreRssAfterMb: rssAfter.now,
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
    await browser?.close().catch(() => undefined);
    if (host && host.exitCode === null) {
      const exited = new Promise((resolve) => host?.once('exit', resolve));
      host.stdin?.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (host.exitCode === null) host.kill('SIGKILL');
    }
    rmSync(home, { recursive: true, force: true });
  }
}
