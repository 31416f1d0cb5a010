// The guided lesson end to end: it opens on a first start, each step checks itself from live
// events while a real Chromium page visits the capture server, and once seen it stays closed
// on the next start until asked for.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  eventually,
  missingPrerequisite,
  repoRoot,
  resultPath,
  startUi,
  type UiHarness,
} from './helpers';

const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** The serious and critical axe violations on the page, as `id: targets`. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = {
      violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[];
    };
    const axe = (window as unknown as { axe: { run(d: Document, o: object): Promise<Result> } })
      .axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.map(String).join(' ')).join(', ')}`);
  });
}

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;

before(async () => {
  if (missing) return;
  ui = await startUi({ firstStart: true });
});

after(async () => {
  await ui?.close();
});

async function checkDone(page: Page, check: string, timeout = 15_000): Promise<void> {
  await page
    .locator(`[data-testid="lesson-check-${check}"][data-done="true"]`)
    .waitFor({ timeout });
}

async function isDone(page: Page, check: string): Promise<boolean> {
  return (await page.getByTestId(`lesson-check-${check}`).getAttribute('data-done')) === 'true';
}

test(
  'the lesson walks a learner through the exercise, each step checking itself',
  { skip: missing ?? false },
  async () => {
    const { page, browser } = ui;
    const lesson = page.getByTestId('lesson');
    await lesson.waitFor({ timeout: 10_000 });
    assert.equal(
      (await page.getByTestId('lesson-body').getAttribute('data-step')) ?? '',
      'start',
      'a first start opens the lesson at its first step',
    );
    assert.equal(await isDone(page, 'listening'), false);
    assert.match(
      (await page.getByTestId('lesson-check-page').textContent()) ?? '',
      /Waiting for your browser's GET \/…/,
    );

    // Step 1: start the server from the lesson; then a real browser visits.
    await page.getByTestId('lesson-start-server').click();
    await checkDone(page, 'listening');
    const url = ui.core.call('snapshot', {}).then((s) => s.server.url);
    const captureUrl = (await url) ?? '';
    assert.match(captureUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(await isDone(page, 'page'), false, 'still waiting for the browser');

    const visitor = await browser.newContext();
    const visit = await visitor.newPage();
    await visit.goto(captureUrl);
    await visit.waitForLoadState('load');
    await checkDone(page, 'page');
    assert.ok(await page.getByTestId('lesson-step-done').isVisible(), 'the step says it is done');

    // Step 2: the second request, for the image, with its Referer.
    await page.getByTestId('lesson-next').click();
    await checkDone(page, 'image');
    assert.match(
      (await page.getByTestId('lesson-check-image').textContent()) ?? '',
      new RegExp(`GET /test\\.jpg \\(Referer: ${captureUrl.replace(/[.]/g, '\\.')}\\)`),
    );

    // Step 3: open each message.
    await page.getByTestId('lesson-next').click();
    assert.equal(await isDone(page, 'readPage'), false);
    await page.getByTestId('lesson-open-page').click();
    await checkDone(page, 'readPage');
    assert.match((await page.getByTestId('start-line').textContent()) ?? '', /^GET \/ HTTP\/1\.1/);
    await page.getByTestId('lesson-open-response').click();
    await checkDone(page, 'readResponse');
    assert.match((await page.getByTestId('start-line').textContent()) ?? '', /^HTTP\/1\.1 200 OK/);
    // Point at each part of the page's response in the byte view.
    const root = (await ui.core.call('snapshot', {})).exchanges.find(
      (e) => e.target === '/' && e.source === 'capture',
    );
    assert.ok(root);
    const response = Buffer.from(
      (await ui.core.call('exchange.bytes', { exchangeId: root.exchangeId })).responseBase64,
      'base64',
    ).toString('latin1');
    const emptyLine = response.indexOf('\r\n\r\n') + 2;
    const parts = [0, response.indexOf('Content-Type'), emptyLine, emptyLine + 2];
    for (const [i, offset] of parts.entries()) {
      assert.equal(await isDone(page, 'readParts'), false);
      await page.locator(`[data-testid="byte-view"] .hex [data-offset="${offset}"]`).hover();
      if (i < parts.length - 1)
        await eventually(
          async () =>
            ((await page.getByTestId('lesson-check-readParts').textContent()) ?? '').includes(
              ['the start line', 'a header line', 'the empty line'][i],
            )
              ? undefined
              : true,
          `part ${i} seen`,
        );
    }
    await checkDone(page, 'readParts');
    await page.screenshot({ path: resultPath('lesson-read.png') });
    await page.getByTestId('lesson-open-image').click();
    await checkDone(page, 'readImage');

    // Step 4: tutorial-exact; the browser still copes.
    await page.getByTestId('lesson-next').click();
    assert.equal(await isDone(page, 'tutorialOn'), false);
    await page.getByTestId('tutorial-exact').check();
    await checkDone(page, 'tutorialOn');
    await eventually(
      async () =>
        (await ui.core.call('snapshot', {})).server.status === 'listening' ? true : undefined,
      'the server listening again',
    );
    assert.equal(await isDone(page, 'tutorialPage'), false, 'earlier requests do not count');
    await visit.goto(captureUrl);
    await visit.waitForLoadState('load');
    await eventually(
      () =>
        visit.evaluate(() =>
          Array.from(document.images).some((img) => img.complete && img.naturalWidth > 0)
            ? true
            : undefined,
        ),
      'the image shown under tutorial-exact',
    );
    await checkDone(page, 'tutorialPage');
    await checkDone(page, 'tutorialImage');
    assert.equal(await isDone(page, 'tutorialRead'), false);
    await page.getByTestId('lesson-open-tutorial').click();
    await page.getByTestId('deviation').first().waitFor({ timeout: 10_000 });
    await checkDone(page, 'tutorialRead');

    // Step 5: break the response from the lab, and watch what the browser does.
    await page.getByTestId('lesson-next').click();
    await page.getByTestId('tutorial-exact').uncheck();
    await eventually(async () => {
      const server = (await ui.core.call('snapshot', {})).server;
      return server.status === 'listening' && !server.tutorialExact ? true : undefined;
    }, 'the server listening without tutorial-exact');
    await page.getByTestId('lesson-open-lab').click();
    await page.getByTestId('break-lab').waitFor();
    assert.equal(await isDone(page, 'breakApplied'), false);
    await page.getByTestId('lab-apply-noEmptyLine').click();
    await checkDone(page, 'breakApplied');
    assert.equal(await isDone(page, 'breakVisited'), false);
    await visit.goto(captureUrl);
    await visit.waitForLoadState('load');
    assert.equal(
      await visit.evaluate(() => document.body?.innerText.trim() ?? ''),
      '',
      'with no empty line Chromium shows an empty page',
    );
    await checkDone(page, 'breakVisited');
    for (const step of ['start', 'two', 'read', 'tutorial', 'break'])
      assert.match(
        (await page.getByTestId(`lesson-step-${step}`).textContent()) ?? '',
        /^\s*✓/,
        `step ${step} stays done (tutorial-exact is off again)`,
      );
    const outcome = page.getByTestId('lesson').getByTestId('break-outcome');
    assert.match(
      (await outcome.getByTestId('break-prediction').textContent()) ?? '',
      /The head never ends/,
    );
    await outcome.locator('[data-testid="break-image"][data-followed="false"]').waitFor({
      timeout: 15_000,
    });
    await outcome.locator('[data-testid="break-verdict"][data-match="true"]').waitFor();
    await page.screenshot({ path: resultPath('lesson-break.png') });
    await visitor.close();

    // Finished; the lesson was remembered as seen in the Core's settings file.
    await page.getByTestId('lesson-finish').click();
    assert.equal(await lesson.count(), 0);
    const settings = JSON.parse(readFileSync(join(ui.home, 'settings.json'), 'utf8')) as {
      lessonSeen?: boolean;
    };
    assert.equal(settings.lessonSeen, true);
    await page.reload();
    await page.getByTestId('server-status').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(await page.getByTestId('lesson').count(), 0, 'a later start does not open it');
    await page.getByTestId('lesson-open').click();
    await lesson.waitFor();
    // The preview frame's policy blocks the page's own image on purpose (no loads from a capture).
    assert.deepEqual(
      ui.pageErrors.filter(
        (e) => !/favicon\.ico/.test(e) && !/Content Security Policy.*about:srcdoc/.test(e),
      ),
      [],
    );
  },
);

test('the lesson in Chinese', { skip: missing ?? false }, async () => {
  const { page } = ui;
  await page.getByTestId('lang-switch').selectOption('zh-CN');
  const text = (await page.getByTestId('lesson').textContent()) ?? '';
  assert.match(text, /课程/);
  assert.match(text, /\p{Script=Han}{4}/u);
});

test(
  'the lesson and the lab pass axe (no serious or critical violation), in both languages',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    if ((await page.getByTestId('lesson').count()) === 0)
      await page.getByTestId('lesson-open').click();
    await page.getByTestId('main-tab-rules').click();
    if ((await page.getByTestId('break-lab').count()) === 0)
      await page.getByTestId('lab-open').click();
    await page.getByTestId('break-lab').waitFor();
    for (const lang of ['en', 'zh-CN']) {
      await page.getByTestId('lang-switch').selectOption(lang);
      for (const step of ['start', 'read', 'break']) {
        await page.getByTestId(`lesson-step-${step}`).click();
        assert.deepEqual(await seriousViolations(page), [], `${lang}, step ${step}`);
      }
    }
  },
);
