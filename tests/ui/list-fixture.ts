// A UI over a running capture server with `rows` requests already listed, as the list tests start
// it: `path(n)` is the n-th request's target, `fetchPaths` sends more, `total` reads the list's
// count from its footer.

import type { Page } from 'playwright-core';
import { eventually, startUi, type UiHarness } from './helpers';

export interface ListUi {
  ui: UiHarness;
  path(n: number): string;
  fetchPaths(from: number, to: number): Promise<void>;
}

export async function listTotal(page: Page): Promise<number> {
  return Number(await page.getByTestId('list-count').getAttribute('data-total'));
}

/** Starts the UI (1400 × 800), then sends and waits for `rows` requests to `/{prefix}/000`…. */
export async function startListUi(prefix: string, rows: number): Promise<ListUi> {
  const ui = await startUi({ viewport: { width: 1400, height: 800 } });
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${state.port}`;
  const path = (n: number): string => `/${prefix}/${String(n).padStart(3, '0')}`;
  const fetchPaths = async (from: number, to: number): Promise<void> => {
    for (let n = from; n < to; n++) await (await fetch(base + path(n))).arrayBuffer();
  };
  await fetchPaths(0, rows);
  await eventually(async () => ((await listTotal(ui.page)) >= rows ? true : undefined), 'the rows');
  return { ui, path, fetchPaths };
}
