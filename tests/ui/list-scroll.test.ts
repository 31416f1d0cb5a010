// The list's virtual rows: a fixed set of row slots that keep their elements as the list scrolls
// and as rows arrive (a row still being fetched and the row itself are one element). Regression:
// every scroll step and every batch at a followed tail made new row elements (a keyed virtual
// list over the row's index), the main thread's longest tasks while scrolling a million rows.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, missingPrerequisite, type UiHarness } from './helpers';
import { startListUi, type ListUi } from './list-fixture';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let path: ListUi['path'];
const ROWS = 400;

declare global {
  interface HTMLElement {
    __slot?: number;
  }
}

/** Marks every row element of the list (rows and rows being fetched); returns how many. */
function markRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const rows = document.querySelectorAll<HTMLElement>('[data-testid="connection-list"] .row');
    rows.forEach((row, i) => (row.__slot = i));
    return rows.length;
  });
}

/** The list's row elements now: how many, how many are marked, the first row's place. */
function rowsNow(
  page: Page,
): Promise<{ count: number; marked: number; pending: number; first: number }> {
  return page.evaluate(() => {
    const rows = [
      ...document.querySelectorAll<HTMLElement>('[data-testid="connection-list"] .row'),
    ];
    const filled = rows.filter((r) => r.dataset.testid === 'connection-row');
    return {
      count: rows.length,
      marked: rows.filter((r) => r.__slot !== undefined).length,
      pending: rows.length - filled.length,
      first: Math.min(...filled.map((r) => Number(r.getAttribute('aria-posinset')))),
    };
  });
}

before(async () => {
  if (missing) return;
  ({ ui, path } = await startListUi('s', ROWS));
});

after(async () => {
  await ui?.close();
});

test(
  'scrolling keeps the row elements: only their texts change, rows being fetched included',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('connection-row').first().waitFor();
    const marked = await markRows(page);
    assert.ok(marked > 10, `${marked} row elements`);
    await page.getByTestId('connection-list').hover();
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, 1500);
    const after = await eventually(async () => {
      const now = await rowsNow(page);
      return now.pending === 0 && now.first > 100 ? now : undefined;
    }, 'rows far down the list, fetched');
    assert.equal(after.count, marked, 'as many row elements as before');
    assert.equal(after.marked, marked, 'each of them the element it was');
  },
);

test(
  'End reaches the last row, in view, with its place in the list',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('End');
    const last = page.locator(`[data-testid="connection-row"][aria-posinset="${ROWS}"]`);
    await last.waitFor({ state: 'visible' });
    assert.equal((await last.locator('.c-target').innerText()).trim(), path(ROWS - 1));
    assert.equal(await last.getAttribute('aria-setsize'), String(ROWS));
    const inView = await last.evaluate((row) => {
      const box = row.getBoundingClientRect();
      const list = row.closest('.viewport')!.getBoundingClientRect();
      return box.top >= list.top && box.bottom <= list.bottom + 1;
    });
    assert.equal(inView, true);
  },
);
