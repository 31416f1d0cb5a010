// The list and the keyboard: one row per arrow after a mouse click, Home/End/PageUp/PageDown
// keep the focus, `/` and Ctrl+F reach the filter, and the list follows new rows when scrolled
// to the bottom (and only then).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, missingPrerequisite, type UiHarness } from './helpers';
import { listTotal, startListUi, type ListUi } from './list-fixture';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let path: ListUi['path'];
let fetchPaths: ListUi['fetchPaths'];
const ROWS = 80;

function selected(page: Page): Promise<string> {
  return page
    .locator('[data-testid="connection-row"][aria-selected="true"] .c-target')
    .innerText()
    .then((t) => t.trim());
}

function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

before(async () => {
  if (missing) return;
  ({ ui, path, fetchPaths } = await startListUi('k', ROWS));
});

after(async () => {
  await ui?.close();
});

test(
  'after a click each arrow moves one row; Home, End, PageUp and PageDown keep the focus',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.locator('[data-testid="connection-row"]', { hasText: path(3) }).click();
    assert.equal(await selected(page), path(3));
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(page), path(4), 'one row down, not two');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(page), path(5));
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(page), path(4), 'one row up');
    await page.keyboard.press('End');
    await eventually(
      async () => ((await selected(page).catch(() => '')) === path(ROWS - 1) ? true : undefined),
      'the last row selected',
    );
    assert.equal(await focusedTestId(page), 'connection-list', 'End keeps the focus');
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(page), path(ROWS - 2), 'the keys still work after End');
    await page.keyboard.press('PageUp');
    await eventually(
      async () => ((await selected(page).catch(() => '')) === path(ROWS - 22) ? true : undefined),
      'a page up',
    );
    assert.equal(await focusedTestId(page), 'connection-list', 'PageUp keeps the focus');
    await page.keyboard.press('Home');
    await eventually(
      async () => ((await selected(page).catch(() => '')) === path(0) ? true : undefined),
      'the first row',
    );
    assert.equal(await focusedTestId(page), 'connection-list', 'Home keeps the focus');
    await page.keyboard.press('PageDown');
    await eventually(
      async () => ((await selected(page).catch(() => '')) === path(20) ? true : undefined),
      'a page down',
    );
    assert.equal(await focusedTestId(page), 'connection-list', 'PageDown keeps the focus');
  },
);

test('/ and Ctrl+F focus the filter', { skip: missing ?? false }, async () => {
  const { page } = ui;
  await page.locator('[data-testid="connection-row"]', { hasText: path(20) }).click();
  await page.keyboard.press('/');
  assert.equal(await focusedTestId(page), 'filter-text');
  assert.equal(await page.getByTestId('filter-text').inputValue(), '', 'the / is not typed');
  // In the filter, / is text.
  await page.keyboard.type('/k/');
  assert.equal(await page.getByTestId('filter-text').inputValue(), '/k/');
  await page.getByTestId('filter-text').fill('');
  await page.getByTestId('connection-list').focus();
  await page.keyboard.press('Control+f');
  assert.equal(await focusedTestId(page), 'filter-text');
  await page.getByTestId('connection-list').focus();
  await page.keyboard.press('Meta+f');
  assert.equal(await focusedTestId(page), 'filter-text');
});

test(
  'scrolled to the bottom the list follows new rows; scrolled up it stays',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const rowVisible = (p: string) =>
      page
        .locator('[data-testid="connection-row"]', { hasText: p })
        .isVisible()
        .catch(() => false);
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('End');
    await eventually(
      async () =>
        (await page.getByTestId('connection-list').getAttribute('data-following')) === 'true'
          ? true
          : undefined,
      'the list at its bottom',
    );
    await fetchPaths(ROWS, ROWS + 20);
    await eventually(
      async () => ((await rowVisible(path(ROWS + 19))) ? true : undefined),
      'the newest row in view',
    );
    await page.keyboard.press('Home');
    await eventually(async () => ((await rowVisible(path(0))) ? true : undefined), 'the top');
    await fetchPaths(ROWS + 20, ROWS + 40);
    await eventually(
      async () => ((await listTotal(page)) >= ROWS + 40 ? true : undefined),
      'the rows counted',
    );
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await rowVisible(path(0)), true, 'scrolled up, the list does not jump');
    assert.equal(await rowVisible(path(ROWS + 39)), false);
  },
);

function uiSettingsFile(): {
  columns?: { id: string; width?: number; hidden?: boolean }[];
  sort?: unknown;
  panes?: Record<string, number>;
} {
  const text = readFileSync(join(ui.home, 'settings.json'), 'utf8');
  return (JSON.parse(text) as { ui?: ReturnType<typeof uiSettingsFile> }).ui ?? {};
}

test(
  'columns sort in the Core, resize, hide, and are remembered (settings.json) across a reload',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('Home');
    const firstTargets = async (): Promise<string[]> =>
      (await page.locator('[data-testid="connection-row"] .c-target').allTextContents())
        .map((t) => t.trim())
        .slice(0, 3);
    await page.getByTestId('sort-target').click();
    await eventually(async () => {
      const t = await firstTargets();
      return t[0] === path(0) && t[1] === path(1) ? true : undefined;
    }, 'ascending by target');
    await page.getByTestId('sort-target').click();
    const last = path(ROWS + 39);
    await eventually(
      async () => ((await firstTargets())[0] === last ? true : undefined),
      'descending by target',
    );
    assert.equal(await page.getByTestId('sort-target').getAttribute('data-sort'), 'descending');
    await eventually(
      () =>
        JSON.stringify(uiSettingsFile().sort) ===
        JSON.stringify({ column: 'target', descending: true })
          ? true
          : undefined,
      'the sort kept',
    );
    // Sorting works with paging: the far end of the sorted list is the smallest target.
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('End');
    await eventually(
      async () => ((await selected(page).catch(() => '')) === path(0) ? true : undefined),
      'the end of the sorted list',
    );

    // Resize the method column by dragging its edge.
    const methodCell = page.locator('[data-testid="list-head"] .c-method');
    const before = (await methodCell.boundingBox())!.width;
    const handle = (await page.getByTestId('resize-method').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 60, handle.y + handle.height / 2, { steps: 5 });
    await page.mouse.up();
    const after = (await methodCell.boundingBox())!.width;
    assert.ok(after > before + 40, `the method column went from ${before} to ${after} px`);
    await eventually(
      () =>
        (uiSettingsFile().columns?.find((c) => c.id === 'method')?.width ?? 0) > 100
          ? true
          : undefined,
      'the width kept',
    );

    // Hide the connection column.
    await page.getByTestId('columns-menu').click();
    await page.getByTestId('column-toggle-connection').uncheck();
    await eventually(
      async () =>
        (await page.locator('[data-testid="connection-row"] .c-conn').count()) === 0
          ? true
          : undefined,
      'the connection column hidden',
    );
    assert.equal(await page.getByTestId('column-toggle-target').isDisabled(), true);

    // Resize the list pane with the keyboard.
    const listPane = page.locator('.inspector > .left');
    const paneBefore = (await listPane.boundingBox())!.width;
    await page.getByTestId('splitter-list').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await eventually(
      async () => ((await listPane.boundingBox())!.width >= paneBefore + 30 ? true : undefined),
      'a wider list pane',
    );
    await eventually(() => (uiSettingsFile().panes?.list ? true : undefined), 'the pane kept');
    const paneWidth = (await listPane.boundingBox())!.width;

    await page.reload();
    await page.getByTestId('server-status').waitFor();
    await eventually(
      async () =>
        (await page.getByTestId('sort-target').getAttribute('data-sort')) === 'descending'
          ? true
          : undefined,
      'the sort back after a reload',
    );
    await eventually(
      async () => ((await firstTargets())[0] === last ? true : undefined),
      'sorted rows after a reload',
    );
    assert.equal(await page.locator('[data-testid="connection-row"] .c-conn').count(), 0);
    const widthAfter = (await methodCell.boundingBox())!.width;
    assert.ok(
      Math.abs(widthAfter - after) < 2,
      `the method column ${widthAfter} px after a reload`,
    );
    assert.ok(
      Math.abs((await listPane.boundingBox())!.width - paneWidth) < 2,
      'the list pane keeps its width',
    );
    // Back to the order of arrival.
    await page.getByTestId('sort-target').click();
    await eventually(
      async () => ((await firstTargets())[0] === path(0) ? true : undefined),
      'arrival order',
    );
    assert.equal(await page.getByTestId('sort-target').getAttribute('data-sort'), 'none');
  },
);
