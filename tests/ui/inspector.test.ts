// The inspector end to end: a real Core and web host, the built UI in Chromium, a second
// Chromium page as the browser under inspection, raw sockets for malformed input.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { annotate } from '../../src-main/engine/annotate';
import { explanations } from '../../src-main/engine/explanations';
import type { ExchangeSummary } from '../../src-main/protocol/types';
import {
  eventually,
  missingPrerequisite,
  repoRoot,
  resultPath,
  startUi,
  type UiHarness,
} from './helpers';

/** Whether fontconfig knows a font with Chinese glyphs. */
function hasCjkFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}
const cjkFont = hasCjkFont();

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let captureUrl = '';

async function exchanges(): Promise<ExchangeSummary[]> {
  return (await ui.core.call('snapshot', {})).exchanges;
}

function row(page: Page, target: string) {
  return page.locator(`[data-testid="connection-row"]`).filter({
    has: page.locator('.c-target', {
      hasText: new RegExp(`^\\s*${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s*$`),
    }),
  });
}

/** Sends raw bytes to the capture server and returns what it answered. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.setTimeout(5000, () => socket.destroy());
    socket.end(Buffer.from(request, 'latin1'));
  });
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const { page } = ui;
  await page.getByTestId('server-port').fill('0');
  await page.getByTestId('server-toggle').click();
  await eventually(
    async () =>
      ((await page.getByTestId('server-status').textContent()) ?? '').includes('Listening') ||
      undefined,
    'server listening',
  );
  const text = (await page.getByTestId('server-status').textContent()) ?? '';
  const match = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(text);
  assert.ok(match, `status shows the URL: ${text}`);
  captureUrl = match[0];
});

after(async () => {
  await ui?.close();
});

test(
  'a browser visiting the capture server shows / and /test.jpg live, with the cause in the timeline',
  { skip: missing ?? false },
  async () => {
    const { page, browser } = ui;
    const link = page.getByTestId('open-in-browser');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match((await link.getAttribute('rel')) ?? '', /noopener/);

    const visitor = await browser.newContext();
    const visit = await visitor.newPage();
    await visit.goto(captureUrl);
    await visit.waitForLoadState('load');
    const imageLoaded = await visit.evaluate(() =>
      Array.from(document.images).some((img) => img.complete && img.naturalWidth > 0),
    );
    assert.ok(imageLoaded, 'the page shows its image');
    await visitor.close();

    await row(page, '/').first().waitFor({ timeout: 10_000 });
    await row(page, '/test.jpg').first().waitFor({ timeout: 10_000 });

    await row(page, '/test.jpg').first().click();
    const cause = page.getByTestId('timeline-cause');
    await cause.waitFor();
    const causeText = (await cause.textContent()) ?? '';
    assert.match(causeText, /\/test\.jpg was requested because of \//);
    assert.match(causeText, /GET \//);
  },
);

test(
  'hovering the first CRLF of a request explains it; the header highlight links both ways',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await row(page, '/').first().click();
    await page.getByTestId('tab-request').click();
    const all = await exchanges();
    const root = all.find((e) => e.target === '/' && e.source === 'capture' && !e.error);
    assert.ok(root, 'the / exchange is in the core');
    const bytes = Buffer.from(
      (await ui.core.call('exchange.bytes', { exchangeId: root.exchangeId })).requestBase64,
      'base64',
    );
    const firstCr = bytes.indexOf('\r\n');
    assert.ok(firstCr > 0);
    const span = annotate(new Uint8Array(bytes), 'request').find(
      (s) => firstCr >= s.offset && firstCr < s.offset + s.length,
    );
    assert.ok(span, 'the CRLF has a span');
    const expected = explanations[span.key];
    assert.ok(expected, `an explanation exists for ${span.key}`);

    const cell = page.locator(`[data-testid="byte-view"] .hex [data-offset="${firstCr}"]`);
    await cell.hover();
    const explanation = page.getByTestId('byte-explanation');
    await eventually(
      async () =>
        ((await explanation.textContent()) ?? '').includes(expected.en.title) || undefined,
      'CRLF explanation',
    );
    assert.ok(((await explanation.textContent()) ?? '').includes(expected.rfc));
    // The text column shows the line end as visible glyphs.
    assert.equal(
      await page
        .locator(`[data-testid="byte-view"] .text [data-offset="${firstCr}"]`)
        .textContent(),
      '␍',
    );
    assert.equal(
      await page
        .locator(`[data-testid="byte-view"] .text [data-offset="${firstCr + 1}"]`)
        .textContent(),
      '␊',
    );

    // Choosing the Host header highlights its bytes; clicking a byte of a header selects its row.
    const hostRow = page
      .getByTestId('header-row')
      .filter({ hasText: /^\s*Host/i })
      .first();
    await hostRow.locator('button').click();
    const hostAt = bytes.indexOf('Host:');
    await eventually(
      async () =>
        (
          (await page
            .locator(`[data-testid="byte-view"] .hex [data-offset="${hostAt}"]`)
            .getAttribute('class')) ?? ''
        ).includes('hl') || undefined,
      'host bytes highlighted',
    );
    const uaAt = bytes.toString('latin1').toLowerCase().indexOf('user-agent:');
    assert.ok(uaAt > 0);
    await page.locator(`[data-testid="byte-view"] .hex [data-offset="${uaAt + 2}"]`).click();
    const highlighted = page.locator('[data-testid="header-row"].highlight');
    await highlighted.waitFor();
    assert.match((await highlighted.textContent()) ?? '', /user-agent/i);

    await cell.hover();
    await page.screenshot({ path: resultPath('inspector.png') });
    // The README's screenshot is refreshed on request, so a test run leaves the tree clean.
    if (process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(repoRoot, 'docs'), { recursive: true });
      await page.screenshot({ path: join(repoRoot, 'docs', 'screenshot.png') });
    }
    // The dark theme follows prefers-color-scheme.
    const lightBackground = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    await page.emulateMedia({ colorScheme: 'dark' });
    const darkBackground = await page.evaluate(
      () => getComputedStyle(document.body).backgroundColor,
    );
    assert.notEqual(darkBackground, lightBackground);
    await page.screenshot({ path: resultPath('inspector-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  },
);

test(
  'switching to 中文 translates the UI and the byte explanations',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await eventually(
      async () =>
        ((await page.getByTestId('server-status').textContent()) ?? '').includes('正在监听') ||
        undefined,
      'Chinese status',
    );
    assert.equal(await page.getByTestId('tab-request').textContent(), '请求');
    const explanation = (await page.getByTestId('byte-explanation').textContent()) ?? '';
    const chineseTitles = Object.values(explanations).map((e) => e['zh-CN'].title);
    assert.ok(
      chineseTitles.some((title) => explanation.includes(title)),
      `a Chinese explanation is shown: ${explanation.slice(0, 200)}`,
    );
    assert.equal(await page.evaluate(() => localStorage.getItem('socketscope.lang')), 'zh-CN');
    // Real glyphs, not boxes: two different characters draw different pixels only when a CJK font
    // is installed (.ci/run installs fonts-noto-cjk); without one both are the same empty box.
    // A string, not a function: the test's TypeScript transform would wrap a function's names.
    const distinct = await page.evaluate<boolean>(`(() => {
      const draw = (text) => {
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const context = canvas.getContext('2d');
        context.font = '48px ' + getComputedStyle(document.body).fontFamily;
        context.fillText(text, 4, 52);
        return canvas.toDataURL();
      };
      return draw('请') !== draw('求');
    })()`);
    if (cjkFont) assert.ok(distinct, 'Chinese characters are drawn with a CJK font');
    else
      console.log('# no CJK font installed (apt-get install fonts-noto-cjk): glyphs not checked');
    await page.screenshot({ path: resultPath('inspector-zh.png') });
    if (process.env.UPDATE_SCREENSHOT === '1') {
      await page.screenshot({ path: join(repoRoot, 'docs', 'screenshot-zh.png') });
    }
    await page.getByTestId('lang-switch').selectOption('en');
    await eventually(
      async () =>
        ((await page.getByTestId('server-status').textContent()) ?? '').includes('Listening') ||
        undefined,
      'English status',
    );
  },
);

test(
  'a malformed request shows its status, the reason and the failing byte',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const port = Number(new URL(captureUrl).port);
    const answer = await rawExchange(port, 'GET / HTTP/1.x\r\nHost: x\r\n\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1]);
    assert.ok(
      status === 400 || status === 505,
      `the server answered 400 or 505: ${answer.slice(0, 40)}`,
    );

    const bad = await eventually(
      async () => (await exchanges()).find((e) => e.error !== null && e.source === 'capture'),
      'error exchange',
    );
    assert.ok(bad.error);
    const errorRow = page.locator(
      `[data-testid="connection-row"][data-exchange-id="${bad.exchangeId}"]`,
    );
    await errorRow.waitFor();
    assert.equal(await errorRow.getAttribute('data-status'), String(status));
    assert.match((await errorRow.textContent()) ?? '', new RegExp(String(status)));
    await errorRow.click();
    await page.getByTestId('tab-request').click();

    const errorByte = page.getByTestId('error-byte');
    await errorByte.waitFor();
    const expectedOffset = bad.error.offset - bad.requestSpan.offset;
    assert.equal(await errorByte.getAttribute('data-offset'), String(expectedOffset));
    const banner = (await page.getByTestId('exchange-error').textContent()) ?? '';
    assert.ok(banner.includes(bad.error.reason), 'the reason is shown');
    const entry = explanations[`error.${bad.error.code}`];
    assert.ok(entry, `an explanation exists for ${bad.error.code}`);
    const explained = (await page.getByTestId('error-explanation').textContent()) ?? '';
    assert.ok(explained.includes(entry.en.title), `error explained: ${explained}`);
    await page.screenshot({ path: resultPath('malformed.png') });
  },
);

test(
  'a request without Host is explained in the byte view, as any parse error is',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const port = Number(new URL(captureUrl).port);
    const answer = await rawExchange(port, 'GET /no-host HTTP/1.1\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const bad = await eventually(
      async () => (await exchanges()).find((e) => e.error?.code === 'MISSING_HOST'),
      'missing-host exchange',
    );
    await page
      .locator(`[data-testid="connection-row"][data-exchange-id="${bad.exchangeId}"]`)
      .click();
    await page.getByTestId('tab-request').click();
    await page.getByTestId('error-byte').waitFor();
    const explained = (await page.getByTestId('error-explanation').textContent()) ?? '';
    assert.ok(
      explained.includes(explanations['error.MISSING_HOST']!.en.title),
      `missing Host explained: ${explained}`,
    );
  },
);

test(
  'a rule edited in the UI answers / with the new HTML',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-rules').click();
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-path').fill('/');
    const marker = `edited-${Date.now()}`;
    const editor = page.locator('[data-testid="rule-body-editor"] .cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(`<!doctype html><h1>${marker}</h1>`);
    // An invalid status is refused with a message, then fixed.
    await page.getByTestId('rule-status-code').fill('42');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-error').first().waitFor();
    await page.getByTestId('rule-status-code').fill('200');
    await page.getByTestId('rule-save').click();
    await eventually(
      async () =>
        ((await page.getByTestId('rule-status').textContent()) ?? '').includes('saved') ||
        undefined,
      'rules saved',
    );
    const rules = await ui.core.call('rules.get', {});
    assert.equal(rules.length, 1);

    const response = await fetch(captureUrl);
    assert.equal(response.status, 200);
    assert.match(await response.text(), new RegExp(marker));
    await page.screenshot({ path: resultPath('rules.png') });
  },
);

test(
  'replaying a captured request creates a replay exchange with a status',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-inspector').click();
    await row(page, '/test.jpg').first().click();
    await page.getByTestId('tab-request').click();
    await page.getByTestId('replay-button').click();
    await page.getByTestId('replay-panel').waitFor({ state: 'visible' });
    const editorText =
      (await page.locator('[data-testid="replay-editor"] .cm-content').textContent()) ?? '';
    assert.match(editorText, /GET \/test\.jpg HTTP\/1\.1/);
    await page.getByTestId('replay-send').click();
    const result = page.getByTestId('replay-result');
    await result.waitFor({ timeout: 15_000 });
    assert.match((await result.textContent()) ?? '', /200/);

    const replay = await eventually(
      async () => (await exchanges()).find((e) => e.source === 'replay'),
      'replay exchange',
    );
    assert.equal(replay.status, 200);
    assert.ok(replay.timings, 'the replay has timings');
    await page.getByTestId('main-tab-inspector').click();
    await page
      .locator(`[data-testid="connection-row"][data-exchange-id="${replay.exchangeId}"]`)
      .waitFor();
    // The browser asks the web host for /favicon.ico, which it does not serve; nothing else may fail.
    assert.deepEqual(
      ui.pageErrors.filter((e) => !/favicon\.ico/.test(e)),
      [],
    );
  },
);
