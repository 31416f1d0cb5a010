// The connection list and the body previews in Chromium: filter, keyboard navigation, pause and
// resume, clear, sandboxed previews, and the banner when the link to the Core drops and returns.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startWebHost } from '../../src-main/host/web';
import { eventually, missingPrerequisite, rendererDir, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let base = '';

async function rowTargets(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="connection-row"] .c-target').allTextContents()).map(
    (t) => t.trim(),
  );
}

async function total(page: Page): Promise<number> {
  return Number(await page.getByTestId('list-count').getAttribute('data-total'));
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${state.port}`;
  for (const path of ['/', '/test.jpg', '/a', '/b']) await (await fetch(base + path)).arrayBuffer();
  await eventually(async () => ((await total(ui.page)) >= 4 ? true : undefined), 'four rows');
});

after(async () => {
  await ui?.close();
});

test(
  'the filter narrows the list by text, method and status class',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('filter-text').fill('test.jpg');
    await eventually(
      async () => ((await rowTargets(page)).join() === '/test.jpg' ? true : undefined),
      'only /test.jpg',
    );
    await page.getByTestId('filter-text').fill('');
    await page.getByTestId('filter-status').selectOption('4xx');
    await eventually(async () => {
      const targets = await rowTargets(page);
      return targets.length > 0 && !targets.includes('/') ? targets : undefined;
    }, 'only 4xx rows');
    const statuses = await page
      .locator('[data-testid="connection-row"]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    assert.ok(
      statuses.every((s) => s !== null && s.startsWith('4')),
      `statuses ${statuses.join()}`,
    );
    await page.getByTestId('filter-status').selectOption('');
    await eventually(
      async () => ((await rowTargets(page)).length === (await total(page)) ? true : undefined),
      'all rows back',
    );
  },
);

test(
  'arrow keys, Home and End move the selection through the list',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const list = page.getByTestId('connection-list');
    await list.focus();
    await page.keyboard.press('Home');
    const selected = (): Promise<string> =>
      page.locator('[data-testid="connection-row"][aria-selected="true"] .c-target').innerText();
    assert.equal(await selected(), '/');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(), '/test.jpg');
    await page.keyboard.press('End');
    assert.equal(await selected(), (await rowTargets(page)).at(-1));
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(), (await rowTargets(page)).at(-2));
  },
);

test(
  'the response of / and of /test.jpg are previewed in a sandboxed frame without scripts',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    for (const target of ['/', '/test.jpg']) {
      await page
        .locator('[data-testid="connection-row"]', { hasText: target })
        .filter({
          has: page.locator('.c-target', {
            hasText: new RegExp(`^\\s*${target.replace('.', '\\.')}\\s*$`),
          }),
        })
        .click();
      await page.getByTestId('tab-response').click();
      const frame = page.getByTestId('body-preview');
      await frame.waitFor();
      assert.equal(await frame.getAttribute('sandbox'), '');
      const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
      assert.match(
        srcdoc,
        /^<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">/,
      );
      if (target === '/test.jpg') assert.match(srcdoc, /src="data:image\/jpeg;base64,\/9j\//);
    }
    await page.getByTestId('tab-request').click();
  },
);

test(
  'pause buffers new requests, resume shows them, clear empties the list',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const before = await total(page);
    await page.getByTestId('pause').click();
    await (await fetch(`${base}/while-paused`)).arrayBuffer();
    await eventually(
      async () => ((await page.getByText('1 buffered').count()) > 0 ? true : undefined),
      'buffered count',
    );
    assert.equal(await total(page), before);
    await page.getByTestId('pause').click();
    await eventually(
      async () => ((await total(page)) === before + 1 ? true : undefined),
      'row after resume',
    );
    await eventually(
      async () => ((await rowTargets(page)).includes('/while-paused') ? true : undefined),
      'the buffered row shown',
    );
    await page.getByTestId('clear').click();
    await eventually(async () => ((await total(page)) === 0 ? true : undefined), 'cleared list');
  },
);

test(
  'a request typed in the replay editor is sent with CRLF line ends',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-replay').click();
    await page.getByTestId('replay-port').fill(new URL(base).port);
    const editor = page.locator('[data-testid="replay-editor"] .cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.type('GET /typed HTTP/1.1');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Host: 127.0.0.1');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Connection: close');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByTestId('replay-send').click();
    await page.getByTestId('replay-result').waitFor({ timeout: 10_000 });
    const snapshot = await ui.core.call('snapshot', {});
    const replay = snapshot.exchanges.find((e) => e.source === 'replay');
    assert.ok(replay, 'a replay exchange exists');
    const sent = await ui.core.call('exchange.bytes', { exchangeId: replay.exchangeId });
    assert.equal(
      Buffer.from(sent.requestBase64, 'base64').toString('latin1'),
      'GET /typed HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    assert.ok(
      snapshot.exchanges.some((e) => e.source === 'capture' && e.target === '/typed'),
      'the capture server got it',
    );
    await page.getByTestId('main-tab-inspector').click();
  },
);

test(
  'the tutorial-exact switch restarts the server in that mode on the same port',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const before = await ui.core.call('snapshot', {});
    assert.equal(before.server.tutorialExact, false);
    await page.getByTestId('tutorial-exact').check();
    const after = await eventually(async () => {
      const state = (await ui.core.call('snapshot', {})).server;
      return state.tutorialExact && state.status === 'listening' ? state : undefined;
    }, 'tutorial-exact server');
    assert.equal(after.port, before.server.port);
    await page.getByTestId('tutorial-exact').uncheck();
    await eventually(async () => {
      const state = (await ui.core.call('snapshot', {})).server;
      return !state.tutorialExact && state.status === 'listening' ? state : undefined;
    }, 'normal server');
  },
);

test(
  'a large body renders only the visible rows of the byte view',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const body = 'x'.repeat(200_000);
    await (
      await fetch(`${base}/upload`, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain' },
      })
    ).arrayBuffer();
    const upload = page
      .locator('[data-testid="connection-row"]')
      .filter({ hasText: '/upload' })
      .first();
    await upload.click();
    await page.getByTestId('tab-request').click();
    const lastCell = page.locator('[data-testid="byte-view"] .hex [data-offset]').last();
    await lastCell.waitFor();
    const cells = await page.locator('[data-testid="byte-view"] .hex [data-offset]').count();
    assert.ok(cells > 16 && cells < 2000, `${cells} cells rendered for a 200 kB body`);
    // Scrolling to the end brings the last bytes in.
    await page.locator('[data-testid="byte-view"] [role="grid"]').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      el.dispatchEvent(new Event('scroll'));
    });
    await eventually(async () => {
      const offsets = await page
        .locator('[data-testid="byte-view"] .hex [data-offset]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
      return Math.max(...offsets) > 200_000 ? true : undefined;
    }, 'last bytes rendered');
  },
);

test(
  'a banner shows when the link to the Core drops; a page of the new host gets every row from the snapshot',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const rowsBefore = await total(page);
    await (await fetch(`${base}/before-drop`)).arrayBuffer();
    await eventually(
      async () => ((await total(page)) === rowsBefore + 1 ? true : undefined),
      'one more row',
    );
    const port = new URL(ui.host.url).port;
    const token = ui.host.token;
    await ui.host.close();
    await page.getByTestId('disconnected-banner').waitFor({ timeout: 10_000 });
    await (await fetch(`${base}/while-away`)).arrayBuffer();
    const again = await startWebHost({ core: ui.core, port: Number(port), rendererDir });
    assert.equal(
      new URL(again.url).searchParams.get('token') === token,
      false,
      'a new token is issued',
    );
    ui.host = again;
    // The page keeps retrying with its old token, which the new host refuses: the banner stays.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.getByTestId('disconnected-banner').count(), 1);
    await page.goto(again.url);
    await page.getByTestId('server-status').waitFor();
    await eventually(
      async () => ((await total(page)) === rowsBefore + 2 ? true : undefined),
      'both rows from the snapshot',
    );
    assert.equal(await page.getByTestId('disconnected-banner').count(), 0);
  },
);
