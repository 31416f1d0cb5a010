// Drives the real UI: a real Core with its capture server, the real web host serving the built
// renderer, and Debian's Chromium through playwright-core.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createCore, type Core, type CoreOptions } from '../../src-main/host/core';
import { startWebHost, type WebHost } from '../../src-main/host/web';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererDir = join(repoRoot, 'dist', 'renderer');
export const resultsDir = join(repoRoot, 'test-results');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the UI tests cannot run here, or null when they can. */
export function missingPrerequisite(): string | null {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return `no renderer build at ${rendererDir} (run npm run build or npx vite build)`;
  }
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}`;
  return null;
}

export interface UiHarness {
  core: Core;
  host: WebHost;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  home: string;
  /** Errors the page logged (console errors and uncaught exceptions). */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface UiOptions {
  viewport?: { width: number; height: number };
  locale?: string;
  batchMs?: number;
  /** A first start: the guided lesson opens by itself (otherwise it counts as seen). */
  firstStart?: boolean;
  /** How the Core's Intercept panel starts browsers (headless in tests). */
  intercept?: CoreOptions['intercept'];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

export async function startUi(options: UiOptions = {}): Promise<UiHarness> {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-ui-'));
  if (!options.firstStart) writeFileSync(join(home, 'settings.json'), '{ "lessonSeen": true }\n');
  const core = await createCore({
    home,
    settings: { port: 0 },
    assetsDir: join(repoRoot, 'assets'),
    ...(options.batchMs ? { batchMs: options.batchMs } : {}),
    ...(options.intercept ? { intercept: options.intercept } : {}),
  });
  const host = await startWebHost({ core, port: 0, rendererDir });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1400, height: 900 },
    locale: options.locale ?? 'en-US',
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error')
      pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(host.url);
  await page.getByTestId('server-status').waitFor();
  const harness: UiHarness = {
    core,
    host,
    browser,
    context,
    page,
    home,
    pageErrors,
    async close() {
      await browser.close().catch(() => undefined);
      // The host may have been replaced by a test: close the current one.
      await harness.host.close().catch(() => undefined);
      await core.close().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
  return harness;
}

export function resultPath(name: string): string {
  mkdirSync(resultsDir, { recursive: true });
  return join(resultsDir, name);
}

/** Polls `check` until it returns a value that is not undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
