// A saved rules file that does not parse, in Chromium against the real Core and web host: the
// Responses tab shows the error with its line and column (in English and Chinese), saving is off,
// and each way out works: the backup is loaded, or the broken file is moved aside for a fresh
// start. The broken file is never written over.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createCore, type Core } from '../../src-main/host/core';
import { startWebHost, type WebHost } from '../../src-main/host/web';
import type { ResponderRule } from '../../src-main/protocol/types';
import { eventually, launchChromium, missingPrerequisite, rendererDir, repoRoot } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

const BROKEN = '{\n  "version": 1,\n  "rules": [\n    { "id": "a", }\n  ]\n}\n';
const TEAPOT: ResponderRule = {
  id: 'tea',
  enabled: true,
  name: 'Teapot from the backup',
  match: { method: '*', path: '/tea', mode: 'exact' },
  response: {
    kind: 'structured',
    status: 418,
    reason: "I'm a teapot",
    headers: [],
    body: { type: 'text', text: 'short and stout' },
    autoContentLength: true,
    autoDate: false,
    chunked: false,
  },
  delayMs: 0,
};

interface Started {
  home: string;
  core: Core;
  host: WebHost;
  browser: Browser;
  page: Page;
  pageErrors: string[];
  close(): Promise<void>;
}

const homes: string[] = [];
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** A Core whose data folder holds a broken rules.json (and `backup` as rules.json.bak). */
async function startWithBrokenRules(backup: ResponderRule[] | null): Promise<Started> {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-ui-rules-'));
  homes.push(home);
  writeFileSync(join(home, 'rules.json'), BROKEN);
  if (backup) {
    writeFileSync(join(home, 'rules.json.bak'), JSON.stringify({ version: 1, rules: backup }));
  }
  const core = await createCore({
    home,
    settings: { port: 0 },
    assetsDir: join(repoRoot, 'assets'),
  });
  const host = await startWebHost({ core, port: 0, rendererDir });
  const browser = await launchChromium();
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    locale: 'en-US',
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(host.url);
  await page.getByTestId('server-status').waitFor();
  await page.getByTestId('main-tab-rules').click();
  return {
    home,
    core,
    host,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close().catch(() => undefined);
      await host.close().catch(() => undefined);
      await core.close().catch(() => undefined);
    },
  };
}

function brokenAside(home: string): string[] {
  return readdirSync(home).filter((name) => name.startsWith('rules.json.broken-'));
}

test(
  'a broken rules file is shown with its line and column; "load the backup" restores the backup',
  { skip: missing ?? false },
  async () => {
    const ui = await startWithBrokenRules([TEAPOT]);
    try {
      const { page, home } = ui;
      const problem = page.getByTestId('rules-problem');
      await problem.waitFor();
      const file = join(home, 'rules.json');
      assert.equal(
        (await page.getByTestId('rules-problem-where').innerText()).trim(),
        `${file}, line 4, column 18`,
      );
      assert.match(
        await page.getByTestId('rules-problem-message').innerText(),
        /line 4, column 18/,
      );
      assert.equal(await page.getByTestId('rule-save').isDisabled(), true, 'saving is off');
      assert.equal(await page.getByTestId('rules-recover-backup').isEnabled(), true);

      // The same in Chinese.
      await page.getByTestId('lang-switch').selectOption('zh-CN');
      await eventually(
        async () =>
          (await page.getByTestId('rules-problem-where').innerText()).includes('第 4 行，第 18 列')
            ? true
            : undefined,
        'the Chinese line and column',
      );
      assert.match(await problem.innerText(), /已保存的规则文件无法使用/);
      assert.match(await page.getByTestId('rules-recover-backup').innerText(), /载入备份/);
      assert.match(await page.getByTestId('rules-recover-fresh').innerText(), /从无规则开始/);
      await page.getByTestId('lang-switch').selectOption('en');

      assert.equal(readFileSync(file, 'utf8'), BROKEN, 'nothing was written over it');
      await page.getByTestId('rules-recover-backup').click();
      await problem.waitFor({ state: 'detached' });
      const status = await page.getByTestId('rule-status').innerText();
      assert.match(status, /The backup was loaded; the broken file was kept as /);
      await eventually(
        async () =>
          (await page.getByTestId('rule-item').allInnerTexts()).some((t) =>
            t.includes('Teapot from the backup'),
          )
            ? true
            : undefined,
        'the backup rule in the list',
      );
      const aside = brokenAside(home);
      assert.equal(aside.length, 1);
      assert.ok(status.includes(aside[0] ?? '?'), status);
      assert.equal(
        readFileSync(join(home, aside[0] ?? ''), 'utf8'),
        BROKEN,
        'the broken file is kept',
      );
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { rules: ResponderRule[] };
      assert.deepEqual(
        saved.rules.map((r) => r.id),
        ['tea'],
      );
      assert.equal(await page.getByTestId('rule-save').isEnabled(), true, 'saving is back');
      assert.deepEqual(ui.pageErrors, []);
    } finally {
      await ui.close();
    }
  },
);

test(
  'without a backup, "start with no rules" moves the broken file aside and saving works again',
  { skip: missing ?? false },
  async () => {
    const ui = await startWithBrokenRules(null);
    try {
      const { page, home } = ui;
      const problem = page.getByTestId('rules-problem');
      await problem.waitFor();
      assert.match(await page.getByTestId('rules-problem-where').innerText(), /line 4, column 18$/);
      assert.equal(await page.getByTestId('rules-recover-backup').isDisabled(), true);
      assert.match(await problem.innerText(), /There is no usable backup\./);

      await page.getByTestId('rules-recover-fresh').click();
      await problem.waitFor({ state: 'detached' });
      assert.match(
        await page.getByTestId('rule-status').innerText(),
        /Started with no rules; the broken file was kept as .*rules\.json\.broken-/,
      );
      const aside = brokenAside(home);
      assert.equal(aside.length, 1);
      assert.equal(readFileSync(join(home, aside[0] ?? ''), 'utf8'), BROKEN);
      assert.ok(!existsSync(join(home, 'rules.json')));

      await page.getByTestId('rule-add').click();
      await page.getByTestId('rule-save').click();
      await eventually(
        async () =>
          /Rules saved\./.test(await page.getByTestId('rule-status').innerText())
            ? true
            : undefined,
        'the saved status',
      );
      const saved = JSON.parse(readFileSync(join(home, 'rules.json'), 'utf8')) as {
        rules: ResponderRule[];
      };
      assert.equal(saved.rules.length, 1);
      assert.equal(brokenAside(home).length, 1, 'the broken file is still there');
      assert.deepEqual(ui.pageErrors, []);
    } finally {
      await ui.close();
    }
  },
);
