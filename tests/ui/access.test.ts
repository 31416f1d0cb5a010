// Access: axe-core finds no serious or critical violation on any main tab, in English and
// Chinese, light and dark; every control of each tab is reached with Tab, and each shows a
// visible focus style when it is.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, missingPrerequisite, repoRoot, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const mainTabs = ['inspector', 'rules', 'replay', 'sessions', 'intercept'] as const;
type MainTab = (typeof mainTabs)[number];

let ui: UiHarness;

function tabButton(page: Page, tab: MainTab) {
  return page.getByTestId(tab === 'sessions' ? 'sessions-tab' : `main-tab-${tab}`);
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
            options: object,
          ): Promise<{
            violations: {
              id: string;
              impact?: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
    }));
  });
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${state.port}`;
  for (const path of ['/', '/test.jpg', '/missing']) await (await fetch(base + path)).arrayBuffer();
  // Something on every tab: a rule to edit, a replay draft, sessions to list.
  await ui.core.call('rules.set', {
    rules: [
      {
        id: 'r1',
        name: 'hello',
        enabled: true,
        match: { method: 'GET', path: '/hello', mode: 'exact' },
        response: {
          kind: 'structured',
          status: 200,
          reason: 'OK',
          headers: [['Content-Type', 'text/html']],
          body: { type: 'text', text: '<p>hello</p>' },
          autoContentLength: true,
          autoDate: true,
          chunked: false,
        },
      },
    ] as never,
  });
  const { page } = ui;
  // The guided lesson opens by itself on a first start: the tabs are checked without it, and it
  // is checked on its own below.
  await ui.core.call('settings.lessonSeen', { seen: true });
  await page.reload();
  await page.getByTestId('server-status').waitFor();
  await eventually(
    async () =>
      (await page.locator('[data-testid="connection-row"]').count()) >= 3 ? true : undefined,
    'three rows',
  );
  await page.locator('[data-testid="connection-row"]').first().click();
  await page.getByTestId('replay-button').click();
  await tabButton(page, 'inspector').click();
});

after(async () => {
  await ui?.close();
});

test(
  'axe finds no serious or critical violation on each main tab, in English and Chinese, light and dark',
  { skip: missing ?? false, timeout: 120_000 },
  async () => {
    const { page } = ui;
    const found: string[] = [];
    let checked = 0;
    for (const scheme of ['light', 'dark'] as const) {
      await page.getByTestId('theme-switch').selectOption(scheme);
      for (const lang of ['en', 'zh-CN']) {
        await page.getByTestId('lang-switch').selectOption(lang);
        for (const tab of mainTabs) {
          await tabButton(page, tab).click();
          await page.waitForTimeout(150);
          for (const v of await axeViolations(page)) {
            if (v.impact === 'serious' || v.impact === 'critical')
              found.push(
                `${scheme} ${lang} ${tab}: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(' | ')}`,
              );
          }
          checked++;
        }
      }
    }
    assert.equal(checked, 4 * mainTabs.length);
    // The lesson, over the inspector.
    await tabButton(page, 'inspector').click();
    await page.getByTestId('lesson-open').click();
    await page.getByTestId('lesson').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.getByTestId('theme-switch').selectOption(scheme);
      for (const lang of ['en', 'zh-CN']) {
        await page.getByTestId('lang-switch').selectOption(lang);
        for (const v of await axeViolations(page)) {
          if (v.impact === 'serious' || v.impact === 'critical')
            found.push(
              `${scheme} ${lang} lesson: ${v.id} (${v.impact}) ${v.help}: ${v.targets.join(' | ')}`,
            );
        }
      }
    }
    await page.getByTestId('lesson-close').click();
    assert.deepEqual(found, []);
    await page.getByTestId('theme-switch').selectOption('system');
    await page.getByTestId('lang-switch').selectOption('en');
  },
);

/** Marks the visible, enabled controls of the page and returns their descriptions by mark. */
function markControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector =
      'button, input, select, textarea, a[href], [contenteditable="true"], [tabindex]:not([tabindex="-1"])';
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('[data-a11y]'))
      el.removeAttribute('data-a11y');
    for (const el of document.querySelectorAll<HTMLElement>(selector)) {
      if (el.tabIndex < 0 || el.closest('[inert]')) continue;
      if ((el as HTMLButtonElement).disabled) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden')
        continue;
      el.dataset.a11y = String(out.length);
      out.push(
        `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`,
      );
    }
    return out;
  });
}

/** The focused control's mark, and whether its focus is visible (an outline or a ring). */
function focused(page: Page): Promise<{ mark: string | null; visible: boolean; what: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { mark: null, visible: true, what: 'body' };
    // CodeMirror draws the focus on its editor, around the editable content.
    const drawn = (el.closest('.cm-editor') as HTMLElement | null) ?? el;
    const style = getComputedStyle(drawn);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const ring = style.boxShadow !== 'none';
    return {
      mark: el.dataset.a11y ?? null,
      visible: outline || ring,
      what: `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''}.${el.className}`,
    };
  });
}

test(
  'every control of each main tab is reached with Tab, with a visible focus style',
  { skip: missing ?? false, timeout: 120_000 },
  async (t) => {
    const { page } = ui;
    // The check itself: a control whose focus style is taken away is caught.
    await page.getByTestId('theme-switch').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).visible, true);
    const hide = await page.addStyleTag({
      content: '[data-testid="theme-switch"]:focus-visible { outline: none !important; }',
    });
    assert.equal((await focused(page)).visible, false, 'a missing focus style is seen');
    await hide.evaluate((node) => (node as HTMLElement).remove());
    for (const tab of mainTabs) {
      await tabButton(page, tab).click();
      await page.waitForTimeout(150);
      const controls = await markControls(page);
      assert.ok(controls.length > 5, `${tab}: ${controls.length} controls`);
      const reached = new Set<string>();
      const unseen: string[] = [];
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      for (let i = 0; i < controls.length * 2 + 10 && reached.size < controls.length; i++) {
        await page.keyboard.press('Tab');
        let now = await focused(page);
        // CodeMirror marks its editor focused a moment after the focus moves.
        if (!now.visible) {
          await page.waitForTimeout(100);
          now = await focused(page);
        }
        if (now.mark !== null) reached.add(now.mark);
        if (!now.visible) unseen.push(now.what);
      }
      t.diagnostic(`${tab}: ${reached.size} of ${controls.length} controls reached with Tab`);
      const missed = controls.filter((_, index) => !reached.has(String(index)));
      assert.deepEqual(missed, [], `${tab}: controls Tab never reached`);
      assert.deepEqual([...new Set(unseen)], [], `${tab}: focus drawn nowhere`);
    }
  },
);
