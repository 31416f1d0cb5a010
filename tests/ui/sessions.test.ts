// Sessions, HAR files and "Copy as cURL" in Chromium against the real Core and web host: each
// session shows its own requests, rename and delete (with confirmation), a downloaded HAR 1.2
// archive, importing good and bad HAR files, and the cURL command through the clipboard or the
// manual-copy box.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let base = '';

async function rowTargets(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="connection-row"] .c-target').allTextContents()).map(
    (text) => text.trim(),
  );
}

async function showsTargets(page: Page, want: string[], what: string): Promise<void> {
  await eventually(
    async () => {
      const targets = (await rowTargets(page)).sort();
      return targets.join('|') === [...want].sort().join('|') ? true : undefined;
    },
    `${what}: rows ${want.join(', ') || '(none)'}`,
  );
}

async function capture(path: string): Promise<void> {
  const response = await fetch(base + path, { headers: { 'X-Probe': 'socketscope' } });
  await response.arrayBuffer();
}

function sessionRow(page: Page, name: string) {
  return page.locator('[data-testid="session-row"]').filter({
    has: page.getByTestId('session-name').getByText(name, { exact: true }),
  });
}

async function sessionNames(page: Page): Promise<string[]> {
  return (await page.getByTestId('session-name').allTextContents()).map((n) => n.trim());
}

async function activeName(page: Page): Promise<string> {
  return (
    await page
      .locator('[data-testid="session-row"][data-active="true"] [data-testid="session-name"]')
      .innerText()
  ).trim();
}

async function showTab(page: Page, tab: 'sessions' | 'inspector'): Promise<void> {
  await page.getByTestId(tab === 'sessions' ? 'sessions-tab' : 'main-tab-inspector').click();
}

async function selectRow(page: Page, target: string): Promise<void> {
  await showsTargetIncluded(page, target);
  await page
    .locator('[data-testid="connection-row"]')
    .filter({ has: page.locator('.c-target').getByText(target, { exact: true }) })
    .first()
    .click();
  await page.getByTestId('copy-curl').waitFor();
}

async function showsTargetIncluded(page: Page, target: string): Promise<void> {
  await eventually(
    async () => ((await rowTargets(page)).includes(target) ? true : undefined),
    `row ${target}`,
  );
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${state.port}`;
});

after(async () => {
  await ui?.close();
});

test(
  'sessions: a new session records its own requests, opening the first shows its list again, rename and delete',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    await capture('/in-first');
    await showsTargets(page, ['/in-first'], 'first session');

    await showTab(page, 'sessions');
    await eventually(
      async () => ((await sessionNames(page)).length === 1 ? true : undefined),
      'one session listed',
    );
    const firstName = await activeName(page);
    const [firstInfo] = await core.call('session.list', {});

    await page.getByTestId('session-new-name').fill('Second run');
    await page.getByTestId('session-new').click();
    await eventually(
      async () => ((await sessionNames(page)).length === 2 ? true : undefined),
      'two sessions listed',
    );
    assert.equal(await activeName(page), 'Second run');
    assert.match(await page.getByTestId('sessions-message').innerText(), /Second run/);
    assert.equal((await core.call('snapshot', {})).session?.name, 'Second run');

    await showTab(page, 'inspector');
    await showsTargets(page, [], 'the new session starts empty');
    await capture('/in-second');
    await showsTargets(page, ['/in-second'], 'second session');

    await showTab(page, 'sessions');
    await sessionRow(page, firstName).getByTestId('session-open').click();
    await eventually(
      async () => ((await activeName(page)) === firstName ? true : undefined),
      'first session active again',
    );
    await showTab(page, 'inspector');
    await showsTargets(page, ['/in-first'], 'first session reopened');

    // Rename the second session inline; Enter saves.
    await showTab(page, 'sessions');
    const second = sessionRow(page, 'Second run');
    await second.getByTestId('session-rename').click();
    await page.getByTestId('session-rename-input').fill('Renamed run');
    await page.getByTestId('session-rename-input').press('Enter');
    await sessionRow(page, 'Renamed run').waitFor();
    const listed = await core.call('session.list', {});
    assert.deepEqual(listed.map((s) => s.name).sort(), [firstName, 'Renamed run'].sort());

    // Delete asks first; cancelling keeps it.
    const renamed = sessionRow(page, 'Renamed run');
    await renamed.getByTestId('session-delete').click();
    await page.getByTestId('session-confirm').waitFor();
    await page.getByTestId('session-confirm').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.getByTestId('session-confirm').count(), 0);
    assert.equal((await core.call('session.list', {})).length, 2);

    await renamed.getByTestId('session-delete').click();
    await page.getByTestId('session-delete-confirm').click();
    await eventually(
      async () => ((await sessionNames(page)).join() === firstName ? true : undefined),
      'only the first session left',
    );
    assert.deepEqual(
      (await core.call('session.list', {})).map((s) => s.id),
      [firstInfo.id],
    );

    // Deleting the open session opens a fresh, empty one in its place, and says so first.
    await sessionRow(page, firstName).getByTestId('session-delete').click();
    assert.match(await page.getByTestId('session-confirm').innerText(), /new empty session/);
    await page.getByTestId('session-delete-confirm').click();
    await eventually(async () => {
      const sessions = await core.call('session.list', {});
      return sessions.length === 1 && sessions[0].id !== firstInfo.id ? sessions : undefined;
    }, 'a fresh session replaces the deleted one');
    await eventually(
      async () =>
        (await sessionNames(page)).length === 1 && (await activeName(page)) !== firstName
          ? true
          : undefined,
      'the list shows the fresh session as open',
    );
    await showTab(page, 'inspector');
    await showsTargets(page, [], 'the fresh session is empty');

    // A session deleted elsewhere while listed here: the Core's reason is shown, the list updates.
    const fresh = (await core.call('session.list', {}))[0];
    const doomed = await core.call('session.new', { name: 'Doomed' });
    await core.call('session.open', { id: fresh.id });
    await showTab(page, 'sessions');
    await sessionRow(page, 'Doomed').waitFor();
    await core.call('session.delete', { id: doomed.id });
    await sessionRow(page, 'Doomed').getByTestId('session-delete').click();
    await page.getByTestId('session-delete-confirm').click();
    const alert = page.locator('[data-testid="sessions-message"][role="alert"]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /No session with id/);
    await eventually(
      async () => ((await sessionNames(page)).includes('Doomed') ? undefined : true),
      'the list no longer shows the deleted session',
    );
    assert.equal(await activeName(page), fresh.name);
  },
);

test(
  'Export HAR downloads a HAR 1.2 file with the captured request, all or only the selected one',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await capture('/har-one?x=1');
    await capture('/har-two');
    await showTab(page, 'inspector');
    await showsTargetIncluded(page, '/har-two');
    await showsTargetIncluded(page, '/har-one?x=1');

    await showTab(page, 'sessions');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('har-export').click(),
    ]);
    assert.match(download.suggestedFilename(), /\.har$/);
    const har = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      log: {
        version: string;
        creator: { name: string };
        entries: { request: { method: string; url: string }; response: { status: number } }[];
      };
    };
    assert.equal(har.log.version, '1.2');
    assert.equal(typeof har.log.creator.name, 'string');
    const urls = har.log.entries.map((e) => e.request.url);
    assert.ok(urls.includes(`${base}/har-one?x=1`), urls.join(', '));
    assert.ok(urls.includes(`${base}/har-two`), urls.join(', '));
    const one = har.log.entries.find((e) => e.request.url === `${base}/har-one?x=1`);
    assert.equal(one?.request.method, 'GET');
    const captured = (await ui.core.call('snapshot', {})).exchanges.find(
      (e) => e.target === '/har-one?x=1',
    );
    assert.ok(captured?.status, 'the capture server answered');
    assert.equal(one?.response.status, captured.status);
    assert.match(await page.getByTestId('har-message').innerText(), /Exported 2 requests/);

    // Only the selected exchange.
    await showTab(page, 'inspector');
    await selectRow(page, '/har-two');
    await showTab(page, 'sessions');
    const [single] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('har-export-selected').click(),
    ]);
    const singleHar = JSON.parse(readFileSync(await single.path(), 'utf8')) as {
      log: { entries: { request: { url: string } }[] };
    };
    assert.deepEqual(
      singleHar.log.entries.map((e) => e.request.url),
      [`${base}/har-two`],
    );
  },
);

test(
  'Import HAR adds its entries to the list and says how many; a bad file shows the reason',
  { skip: missing ?? false },
  async () => {
    const { page, home } = ui;
    const harFile = join(home, 'outside.har');
    const entry = (path: string, status: number) => ({
      startedDateTime: '2024-05-01T10:00:00.000Z',
      time: 12,
      request: {
        method: 'POST',
        url: `http://example.test${path}`,
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Host', value: 'example.test' }],
        postData: { mimeType: 'text/plain', text: 'hello' },
      },
      response: {
        status,
        statusText: 'Created',
        httpVersion: 'HTTP/1.1',
        headers: [{ name: 'Content-Type', value: 'text/plain' }],
        content: { size: 2, mimeType: 'text/plain', text: 'ok' },
      },
    });
    writeFileSync(
      harFile,
      JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 'test', version: '1' },
          entries: [entry('/imported-a', 201), entry('/imported-b', 201)],
        },
      }),
    );
    await showTab(page, 'sessions');
    await page.getByTestId('har-import').setInputFiles(harFile);
    await eventually(
      async () =>
        /Imported 2 requests from outside\.har/.test(
          await page.getByTestId('har-message').innerText(),
        ) || undefined,
      'import confirmation',
    );
    await showTab(page, 'inspector');
    await showsTargetIncluded(page, '/imported-a');
    await showsTargetIncluded(page, '/imported-b');
    const imported = (await ui.core.call('snapshot', {})).exchanges.filter(
      (e) => e.target === '/imported-a',
    );
    assert.equal(imported.length, 1);
    assert.equal(imported[0].status, 201);

    // Not JSON at all, then JSON that is not a HAR: the Core's reasons are shown as errors.
    const before = (await ui.core.call('snapshot', {})).exchanges.length;
    await showTab(page, 'sessions');
    await page.getByTestId('har-import').setInputFiles({
      name: 'broken.har',
      mimeType: 'application/json',
      buffer: Buffer.from('{ this is not json'),
    });
    const message = page.locator('[data-testid="har-message"][role="alert"]');
    await eventually(
      async () =>
        (await message.count()) === 1 &&
        /broken\.har.*not valid JSON/.test(await message.innerText())
          ? true
          : undefined,
      'invalid JSON reported',
    );
    await page.getByTestId('har-import').setInputFiles({
      name: 'nolog.har',
      mimeType: 'application/json',
      buffer: Buffer.from('{"entries": []}'),
    });
    await eventually(
      async () =>
        (await message.count()) === 1 &&
        /nolog\.har.*no "log" object/.test(await message.innerText())
          ? true
          : undefined,
      'missing log reported',
    );
    assert.equal((await ui.core.call('snapshot', {})).exchanges.length, before);
    assert.deepEqual(
      ui.pageErrors.filter((e) => !/favicon\.ico/.test(e)),
      [],
    );
  },
);

test(
  'Copy as cURL puts a command with the target URL on the clipboard, or shows it to copy by hand',
  { skip: missing ?? false },
  async () => {
    const { page, context } = ui;
    await capture('/curl-me?q=1');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(page.url()).origin,
    });
    await showTab(page, 'inspector');
    await selectRow(page, '/curl-me?q=1');
    await page.getByTestId('copy-curl').click();
    await eventually(
      async () =>
        /copied/.test((await page.getByTestId('curl-status').textContent()) ?? '') || undefined,
      'copy confirmation',
    );
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^curl /);
    assert.ok(copied.includes(`${base}/curl-me?q=1`), copied);
    assert.ok(copied.includes('X-Probe: socketscope'), copied);
    assert.equal(await page.getByTestId('curl-manual').count(), 0);

    // Without a clipboard API the command is shown, read-only, for copying by hand.
    await page.evaluate(() => {
      Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    });
    await page.getByTestId('copy-curl').click();
    const box = page.getByTestId('curl-command');
    await box.waitFor();
    const shown = await box.inputValue();
    assert.ok(shown.includes(`${base}/curl-me?q=1`), shown);
    assert.equal(await box.getAttribute('readonly'), '');
    assert.equal(shown, copied);
  },
);

test(
  'the sessions tab, HAR tools and cURL button are translated to 中文',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    try {
      assert.equal((await page.getByTestId('sessions-tab').innerText()).trim(), '会话');
      await showTab(page, 'sessions');
      assert.equal((await page.getByTestId('session-new').innerText()).trim(), '新建会话');
      assert.match(await page.getByTestId('har-export').innerText(), /导出 HAR（\d+ 个请求）/);
      await showTab(page, 'inspector');
      assert.equal((await page.getByTestId('copy-curl').innerText()).trim(), '复制为 cURL');
    } finally {
      await page.getByTestId('lang-switch').selectOption('en');
    }
  },
);
