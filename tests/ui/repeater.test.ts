// The repeater in Chromium: a captured request replayed twice with an edit to a server that
// echoes a request field into a response field; both replays listed, the diff showing the changed
// field (as text and as hex), Ctrl+Enter sending from the editor and from a field, a refused port
// read as refused in red, and the history back after a reload.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import type { Page } from 'playwright-core';
import type { ExchangeSummary } from '../../src-main/protocol/types';
import { eventually, missingPrerequisite, resultPath, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let echo: Server;
let echoPort = 0;
let original: ExchangeSummary;

const request = (say: string): string[] => [
  'GET /echo HTTP/1.1',
  'Host: 127.0.0.1',
  `X-Say: ${say}`,
  'Connection: close',
];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Replaces the editor's text by typing it, line by line (Enter gives CRLF in the editor). */
async function typeRequest(page: Page, lines: string[]): Promise<void> {
  await page.locator('[data-testid="replay-editor"] .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await page.keyboard.press('Enter');
}

async function sentBytes(exchangeId: string): Promise<string> {
  const bytes = await ui.core.call('exchange.bytes', { exchangeId });
  return Buffer.from(bytes.requestBase64, 'base64').toString('latin1');
}

/** Closes anything the app opened over the page on a first start (a lesson), if it did. */
async function clearOverlays(page: Page): Promise<void> {
  const close = page.getByTestId('lesson-close');
  if (await close.isVisible().catch(() => false)) await close.click();
}

async function historyRows(page: Page, count: number): Promise<void> {
  await eventually(
    async () =>
      (await page.getByTestId('replay-history-row').count()) === count ? true : undefined,
    `${count} history rows`,
  );
}

before(async () => {
  if (missing) return;
  echo = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      const say = /^x-say: *(.*)$/im.exec(text)?.[1]?.trim() ?? 'nothing';
      socket.end(`HTTP/1.1 200 OK\r\nX-Echo: ${say}\r\nContent-Length: 4\r\n\r\nsame`);
    });
    socket.on('error', () => undefined);
  });
  echoPort = await listen(echo);
  ui = await startUi();
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  // The original: a request captured by the capture server.
  await new Promise<void>((resolve, reject) => {
    const socket = connect(state.port, '127.0.0.1', () =>
      socket.end(`${request('zero').join('\r\n')}\r\n\r\n`),
    );
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  original = await eventually(async () => {
    const rows = (await ui.core.call('snapshot', {})).exchanges;
    return rows.find((e) => e.target === '/echo' && e.status !== null);
  }, 'the captured request');
});

after(async () => {
  await ui?.close();
  await new Promise((resolve) => echo?.close(resolve));
});

test(
  'two replays with an edit are listed, the diff shows the changed field, Ctrl+Enter sends',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await clearOverlays(page);
    await page.getByTestId('main-tab-inspector').click();
    await page
      .locator(`[data-testid="connection-row"][data-exchange-id="${original.exchangeId}"]`)
      .click();
    await page.getByTestId('replay-button').click();
    await page.getByTestId('replay-panel').waitFor({ state: 'visible' });
    await page.getByTestId('replay-history-original').waitFor();
    assert.equal(await page.getByTestId('replay-history-row').count(), 0);

    await page.getByTestId('replay-port').fill(String(echoPort));
    const destination = page.getByTestId('replay-destination');
    assert.equal(
      (await destination.textContent())?.trim(),
      `Destination: http://127.0.0.1:${echoPort}`,
    );

    await typeRequest(page, request('one'));
    await page.getByTestId('replay-send').click();
    await historyRows(page, 1);
    const result = page.getByTestId('replay-result');
    assert.equal((await result.textContent())?.trim(), 'Answered with status 200 OK.');
    assert.match(
      (await page.getByTestId('replay-timings').textContent()) ?? '',
      /Complete \d+\.\d ms/,
    );

    // The second, edited, is sent with Ctrl+Enter from inside the editor: no line is added.
    await typeRequest(page, request('two'));
    await page.keyboard.press('Control+Enter');
    await historyRows(page, 2);
    const rows = page.getByTestId('replay-history-row');
    const ids = await rows.evaluateAll((list) =>
      list.map((r) => r.getAttribute('data-exchange-id')),
    );
    assert.equal(await sentBytes(ids[1] ?? ''), `${request('two').join('\r\n')}\r\n\r\n`);
    assert.match(
      (await rows.nth(1).textContent()) ?? '',
      new RegExp(`127\\.0\\.0\\.1:${echoPort}`),
    );
    assert.match((await rows.nth(1).textContent()) ?? '', /200 OK/);
    assert.match((await rows.nth(1).textContent()) ?? '', /\d+\.\d ms/);

    // The diff opens on the newest replay against the original; compare the two replays.
    const diff = page.getByTestId('diff-view');
    await diff.waitFor();
    await page.getByTestId('diff-right').selectOption({ label: '#1' });
    const head = page.getByTestId('diff-head');
    await eventually(
      async () => ((await head.locator('[data-op="added"]').count()) > 0 ? true : undefined),
      'the head diff',
    );
    assert.deepEqual(await head.locator('[data-op="removed"] .t').allTextContents(), [
      'X-Echo: one',
    ]);
    assert.deepEqual(await head.locator('[data-op="added"] .t').allTextContents(), ['X-Echo: two']);
    assert.equal(
      (await page.getByTestId('diff-body-counts').textContent())?.trim(),
      'No difference.',
    );
    await page.getByTestId('diff-side-request').click();
    await eventually(
      async () =>
        (await head.locator('[data-op="added"] .t').allTextContents()).join() === 'X-Say: two'
          ? true
          : undefined,
      'the request diff',
    );
    await page.getByTestId('diff-side-response').click();
    await page.getByTestId('diff-mode-hex').click();
    await eventually(async () => {
      const added = await head.locator('[data-op="added"] .t').allTextContents();
      return added.some((line) => line.includes('74 77 6f')) ? true : undefined;
    }, 'the hex diff ("two")');
    await page.getByTestId('diff-mode-text').click();
    await page.screenshot({ path: resultPath('repeater.png') });

    // Ctrl+Enter from a field of the form sends too.
    await page.getByTestId('replay-host').focus();
    await page.keyboard.press('Control+Enter');
    await historyRows(page, 3);
  },
);

test('a refused port reads as refused, in red', { skip: missing ?? false }, async () => {
  const { page } = ui;
  const port = await closedPort();
  await page.getByTestId('replay-port').fill(String(port));
  await page.getByTestId('replay-send').click();
  await historyRows(page, 4);
  const result = page.getByTestId('replay-result');
  assert.equal(
    (await result.textContent())?.trim(),
    `Refused: nothing accepted the connection at 127.0.0.1:${port}.`,
  );
  const red = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--err').trim(),
  );
  const colour = await result.evaluate((el) => getComputedStyle(el).color);
  const expected = await page.evaluate((value) => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.append(probe);
    const rgb = getComputedStyle(probe).color;
    probe.remove();
    return rgb;
  }, red);
  assert.equal(colour, expected, 'the refused result is in the error colour');
  const row = page.getByTestId('replay-history-row').nth(3);
  assert.equal((await row.getByTestId('replay-history-result').textContent())?.trim(), 'Refused');
  assert.equal(
    await row.getByTestId('replay-history-result').evaluate((el) => getComputedStyle(el).color),
    expected,
  );
});

test('the history is back after a reload of the page', { skip: missing ?? false }, async () => {
  const { page } = ui;
  await page.reload();
  await page.getByTestId('server-status').waitFor();
  await clearOverlays(page);
  await page.getByTestId('main-tab-inspector').click();
  await page
    .locator(`[data-testid="connection-row"][data-exchange-id="${original.exchangeId}"]`)
    .click();
  await page.getByTestId('replay-button').click();
  await historyRows(page, 4);
  assert.equal(await page.getByTestId('replay-history-original').count(), 1);
  assert.deepEqual(
    ui.pageErrors.filter((e) => !/favicon\.ico/.test(e)),
    [],
  );
});
