// Responses read as a browser reads them: against tutorial-exact a real Chromium page renders
// and loads its image, and the UI shows the browser's reading (headers, body, preview) with each
// deviation named, its byte span, what the RFC says and what browsers do, coloured as a
// deviation in the byte view (not as invalid). A response a browser refuses too stays an error.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readResponse } from '../../src-main/engine/browser-reading';
import { explainDeviation } from '../../src-main/engine/explanations';
import type { ExchangeSummary } from '../../src-main/protocol/types';
import { eventually, missingPrerequisite, resultPath, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let captureUrl = '';

function row(page: Page, target: string) {
  return page.locator('[data-testid="connection-row"]').filter({
    has: page.locator('.c-target', {
      hasText: new RegExp(`^\\s*${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`),
    }),
  });
}

async function exchanges(): Promise<ExchangeSummary[]> {
  return (await ui.core.call('snapshot', {})).exchanges;
}

async function responseBytes(exchangeId: string): Promise<Uint8Array> {
  const bytes = await ui.core.call('exchange.bytes', { exchangeId });
  return new Uint8Array(Buffer.from(bytes.responseBase64, 'base64'));
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const { page } = ui;
  await page.getByTestId('server-port').fill('0');
  await page.getByTestId('tutorial-exact').check();
  await page.getByTestId('server-toggle').click();
  const server = await eventually(async () => {
    const state = (await ui.core.call('snapshot', {})).server;
    return state.status === 'listening' && state.url ? state : undefined;
  }, 'server listening');
  assert.equal(server.tutorialExact, true);
  captureUrl = server.url ?? '';
});

after(async () => {
  await ui?.close();
});

test(
  'tutorial-exact: Chromium renders the page and its image; the UI shows the browser’s reading and each deviation',
  { skip: missing ?? false },
  async () => {
    const { page, browser } = ui;
    const visitor = await browser.newContext();
    const visit = await visitor.newPage();
    await visit.goto(captureUrl);
    await visit.waitForLoadState('load');
    assert.match(await visit.evaluate(() => document.body.innerText), /\S/, 'the page renders');
    await eventually(
      () =>
        visit.evaluate(() =>
          Array.from(document.images).some((img) => img.complete && img.naturalWidth > 0)
            ? true
            : undefined,
        ),
      'the image shown',
    );
    await visitor.close();

    await row(page, '/').first().click();
    await page.getByTestId('tab-response').click();
    assert.match((await page.getByTestId('start-line').textContent()) ?? '', /^HTTP\/1\.x 200 OK$/);
    assert.match(
      (await page.getByTestId('deviation-summary').textContent()) ?? '',
      /Departs from the RFC in \d+ places that a browser reads past/,
    );
    const headers = (await page.getByTestId('headers').textContent()) ?? '';
    assert.match(headers, /Content-Type\s*text\/html/, 'the browser’s headers, not “no headers”');
    assert.equal(await page.getByText('No body').count(), 0, 'the body is shown');
    await page.getByTestId('body-preview').waitFor();

    // Each deviation the engine finds is listed with its span and its explanation.
    const page0 = (await exchanges()).find((e) => e.target === '/' && e.source === 'capture');
    assert.ok(page0);
    const bytes = await responseBytes(page0.exchangeId);
    const reading = readResponse(bytes, { requestMethod: 'GET', complete: true });
    assert.ok(reading.browser, 'a browser reads it');
    const codes = reading.deviations.map((d) => d.code);
    for (const code of ['MALFORMED_VERSION', 'BARE_LF', 'CLOSE_DELIMITED'] as const)
      assert.ok(codes.includes(code), `${code} among ${codes.join(', ')}`);
    const listed = page.getByTestId('deviation');
    assert.equal(await listed.count(), reading.deviations.length);
    const shownCodes = await listed.evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-code')),
    );
    assert.deepEqual(shownCodes, codes);
    const bareLf = reading.deviations.find((d) => d.code === 'BARE_LF')!;
    const item = page.locator('[data-testid="deviation"][data-code="BARE_LF"]').first();
    const text = explainDeviation('BARE_LF', 'en');
    const itemText = (await item.textContent()) ?? '';
    assert.ok(itemText.includes(text.title));
    assert.ok(itemText.includes(text.rfcSays));
    assert.ok(itemText.includes(text.browsersDo));
    assert.ok(itemText.includes('RFC 9112 §2.2'));
    assert.ok(
      itemText.includes(
        bareLf.length > 0
          ? `bytes ${bareLf.offset}–${bareLf.offset + bareLf.length - 1}`
          : `at byte ${bareLf.offset}`,
      ),
      itemText,
    );

    // The byte view: deviations have a colour and legend entry of their own; nothing is invalid.
    await page.getByTestId('legend-deviation').waitFor();
    assert.equal(await page.locator('[data-testid="byte-view"] [data-kind="invalid"]').count(), 0);
    assert.equal(await page.getByTestId('error-byte').count(), 0);
    const cell = page.locator(
      `[data-testid="byte-view"] .hex [data-offset="${bareLf.offset}"][data-deviation]`,
    );
    assert.equal(await cell.getAttribute('data-deviation'), 'BARE_LF');
    await cell.hover();
    const explanation = page.getByTestId('deviation-explanation');
    await explanation.waitFor();
    assert.ok(((await explanation.textContent()) ?? '').includes(text.browsersDo));
    await page.screenshot({ path: resultPath('deviations.png') });
    // The content-type field is coloured as a field to the browser, not as unparsed bytes.
    const ctAt = Buffer.from(bytes).toString('latin1').indexOf('Content-Type');
    assert.equal(
      await page
        .locator(`[data-testid="byte-view"] .hex [data-offset="${ctAt}"]`)
        .getAttribute('data-kind'),
      'fieldName',
    );

    // In Chinese too.
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    const zh = explainDeviation('BARE_LF', 'zh-CN');
    await eventually(
      async () => ((await item.textContent()) ?? '').includes(zh.title) || undefined,
      'the deviation in Chinese',
    );
    assert.ok(((await item.textContent()) ?? '').includes(zh.browsersDo));
    await page.getByTestId('lang-switch').selectOption('en');

    // The image's answer starts with an empty line: named, and the image is previewed.
    await row(page, '/test.jpg').first().click();
    await page.getByTestId('tab-response').click();
    await page.locator('[data-testid="deviation"][data-code="LEADING_EMPTY_LINE"]').waitFor();
    assert.match((await page.getByTestId('headers').textContent()) ?? '', /image\/jpg/);
    await page.getByTestId('body-preview').waitFor();
  },
);

test(
  'a replay of the tutorial-exact page is read as a browser reads it, not shown as an error',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const port = Number(new URL(captureUrl).port);
    const request = Buffer.from(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 'latin1');
    const replay = await ui.core.call('replay.send', {
      target: { host: '127.0.0.1', port, tls: false, insecure: false },
      requestBase64: request.toString('base64'),
    });
    await eventually(
      async () =>
        (await exchanges()).some((e) => e.exchangeId === replay.exchangeId) ? true : undefined,
      'the replay listed',
    );
    // Select it through the list: the newest row for / is the replay.
    await row(page, '/').last().click();
    await page.getByTestId('tab-response').click();
    await page.locator('[data-testid="deviation"][data-code="BARE_LF"]').first().waitFor();
    assert.equal(await page.getByTestId('exchange-error').count(), 0);
    assert.match((await page.getByTestId('headers').textContent()) ?? '', /text\/html/);
  },
);

test(
  'a response a browser refuses too (no status line) stays an error',
  { skip: missing ?? false },
  async () => {
    const { page, browser } = ui;
    await page.getByTestId('tutorial-exact').uncheck();
    await eventually(async () => {
      const state = (await ui.core.call('snapshot', {})).server;
      return state.status === 'listening' && !state.tutorialExact ? true : undefined;
    }, 'server without tutorial-exact');
    const body = '<!doctype html><p>body only</p>';
    await ui.core.call('rules.set', {
      rules: [
        {
          id: 'http09',
          enabled: true,
          name: 'Body only',
          match: { method: 'GET', path: '/body-only', mode: 'exact' },
          response: { kind: 'raw', base64: Buffer.from(body).toString('base64') },
          delayMs: 0,
        },
      ],
    });
    const visitor = await browser.newContext();
    const visit = await visitor.newPage();
    const failed = await visit.goto(new URL('/body-only', captureUrl).href).then(
      () => null,
      (error: Error) => error.message,
    );
    assert.match(failed ?? '', /ERR_INVALID_HTTP_RESPONSE/);
    await visitor.close();
    await row(page, '/body-only').first().click();
    await page.getByTestId('tab-response').click();
    const reading = page.getByTestId('browser-reading');
    await reading.waitFor();
    assert.equal(await reading.getAttribute('data-end'), 'refused');
    assert.match((await reading.textContent()) ?? '', /A browser refuses this response too/);
    await page.getByTestId('error-byte').waitFor();
    assert.match((await page.getByTestId('message-rule').textContent()) ?? '', /Body only/);
  },
);
