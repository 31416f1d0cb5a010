// A restart keeps your place: the web host comes back on the same port with the same token, the
// tab left open reconnects by itself and shows the previous session's rows, in the language and
// theme chosen before, which the Core keeps in the data folder (a new tab, with nothing in its
// origin's storage, gets them too).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startWebApp, type WebApp } from '../../src-main/host/web-app';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';
import { en } from '../../src-renderer/lib/locales/en';
import { eventually, launchChromium, missingPrerequisite, rendererDir, repoRoot } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

const homes: string[] = [];
const apps: WebApp[] = [];
let browser: Browser | null = null;
after(async () => {
  await browser?.close().catch(() => undefined);
  for (const app of apps) await app.close().catch(() => undefined);
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function start(home: string): Promise<WebApp> {
  const app = await startWebApp({
    home,
    capturePort: 0,
    rendererDir,
    assetsDir: join(repoRoot, 'assets'),
  });
  apps.push(app);
  return app;
}

async function stop(app: WebApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.close();
}

async function rowTargets(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="connection-row"] .c-target').allTextContents()).map(
    (text) => text.trim(),
  );
}

/** What the page shows of the settings: its language, theme and page background. */
function looks(page: Page): Promise<{ lang: string; theme: string | null; background: string }> {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    theme: document.documentElement.dataset.theme ?? null,
    background: getComputedStyle(document.body).backgroundColor,
  }));
}

const darkBackground = 'rgb(27, 29, 33)';
const lightBackground = 'rgb(255, 255, 255)';

test(
  'a restart of the web host with the page left open: it reconnects by itself, with the previous rows, language and theme',
  { skip: missing ?? false, timeout: 90_000 },
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'socketscope-continuity-'));
    homes.push(home);
    const first = await start(home);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(first.host.url);
    await page.getByTestId('server-status').waitFor();
    const base = `http://127.0.0.1:${first.server.port}`;
    for (const path of ['/', '/before-restart']) await (await fetch(base + path)).arrayBuffer();
    await eventually(
      async () => ((await rowTargets(page)).includes('/before-restart') ? true : undefined),
      'the rows of the first run',
    );
    assert.equal((await looks(page)).background, lightBackground);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.getByTestId('theme-switch').selectOption('dark');
    await eventually(() => {
      const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as {
        ui?: { lang?: string; theme?: string };
      };
      return saved.ui?.lang === 'zh-CN' && saved.ui.theme === 'dark' ? true : undefined;
    }, 'the language and theme kept in the data folder');
    assert.deepEqual(await looks(page), {
      lang: 'zh-CN',
      theme: 'dark',
      background: darkBackground,
    });

    const { port, url } = first.host;
    await stop(first);
    await page.getByTestId('disconnected-banner').waitFor();
    assert.equal(
      (await page.getByTestId('disconnected-banner').innerText()).trim(),
      zhCN['app.disconnected'],
    );

    // A change made while the host is down is kept when it is back.
    await page.getByTestId('theme-switch').selectOption('light');
    const second = await start(home);
    assert.equal(second.host.port, port, 'the same UI port');
    assert.equal(second.host.url, url, 'the same address, token included');
    // Nobody touches the page: its reconnect loop finds the host again.
    await page.getByTestId('disconnected-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await eventually(async () => {
      const targets = await rowTargets(page);
      return targets.includes('/') && targets.includes('/before-restart') ? true : undefined;
    }, 'the previous session’s rows after the restart');
    await eventually(() => {
      const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as {
        ui?: { theme?: string };
      };
      return saved.ui?.theme === 'light' ? true : undefined;
    }, 'the theme chosen while the host was down, kept once it is back');
    assert.deepEqual(await looks(page), {
      lang: 'zh-CN',
      theme: 'light',
      background: lightBackground,
    });
    assert.equal(
      (await page.getByTestId('main-tab-inspector').innerText()).trim(),
      zhCN['tabs.inspector'],
    );

    // A fresh tab (nothing in this origin's storage) gets the language and theme from the Core.
    // In a dark system, so the kept light theme shows.
    const fresh = await browser.newContext({ locale: 'en-US', colorScheme: 'dark' });
    const other = await fresh.newPage();
    await other.goto(second.host.url);
    await eventually(
      async () => ((await looks(other)).lang === 'zh-CN' ? true : undefined),
      'the Core’s language in a new tab',
    );
    await eventually(
      async () => ((await rowTargets(other)).includes('/before-restart') ? true : undefined),
      'the rows in a new tab',
    );
    assert.deepEqual(await looks(other), {
      lang: 'zh-CN',
      theme: 'light',
      background: lightBackground,
    });
    assert.equal(
      (await other.getByTestId('main-tab-inspector').innerText()).trim(),
      zhCN['tabs.inspector'],
    );
    await fresh.close();
    await context.close();
  },
);

test(
  'the theme switch: system follows the system, light and dark override it, and the choice outlives a restart',
  { skip: missing ?? false, timeout: 60_000 },
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'socketscope-theme-'));
    homes.push(home);
    let app = await start(home);
    browser ??= await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(app.host.url);
    await page.getByTestId('server-status').waitFor();
    const theme = page.getByTestId('theme-switch');
    assert.equal(await theme.inputValue(), 'system');
    assert.deepEqual(await looks(page), { lang: 'en', theme: null, background: darkBackground });
    await page.emulateMedia({ colorScheme: 'light' });
    assert.equal((await looks(page)).background, lightBackground, 'system follows the system');
    await theme.selectOption('dark');
    assert.equal((await looks(page)).background, darkBackground);
    await theme.selectOption('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal((await looks(page)).background, lightBackground, 'light holds in a dark system');
    assert.deepEqual(
      await theme.locator('option').allTextContents(),
      ['system', 'light', 'dark'].map((c) => en[`app.theme.${c}` as keyof typeof en]),
    );
    await eventually(() => {
      const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as {
        ui?: { theme?: string };
      };
      return saved.ui?.theme === 'light' ? true : undefined;
    }, 'light kept in the data folder');

    await stop(app);
    app = await start(home);
    const fresh = await browser.newContext({ locale: 'en-US', colorScheme: 'dark' });
    const other = await fresh.newPage();
    await other.goto(app.host.url);
    await eventually(
      async () => ((await looks(other)).theme === 'light' ? true : undefined),
      'the kept theme after a restart',
    );
    assert.equal((await looks(other)).background, lightBackground);
    assert.equal(await other.getByTestId('theme-switch').inputValue(), 'light');
    await fresh.close();
    await context.close();
  },
);
