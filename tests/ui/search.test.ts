// Search in Chromium: header: and body: terms (bodies chunked and gzipped are decoded in the
// Core), matches marked in the message view, and a body search over 100,000 rows that the Core
// runs in slices while the page stays free and receives pages of rows, never the bodies. How long
// the page's tasks are under it is a budget of the UI bench (bench/ui.bench.ts), not of a test.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { Core } from '../../src-main/host/core';
import {
  MAX_PAGE_ROWS,
  type CommandName,
  type CommandParams,
  type CommandResult,
} from '../../src-main/protocol/types';
import { createSession } from '../../src-main/capture/sessions';
import { sessionsFolder } from '../../src-main/host/paths';
import { encodeChunked } from '../../src-main/engine/serialize';
import { writeSessionFixture } from '../../bench/session-fixture';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

const REQUESTS = 100_000;
let ui: UiHarness;
let port = 0;
let largeId = '';

function send(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

async function targets(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="connection-row"] .c-target').allTextContents()).map(
    (t) => t.trim(),
  );
}

async function shown(page: Page): Promise<{ shown: number; total: number; loading: boolean }> {
  const count = page.getByTestId('list-count');
  return {
    shown: Number(await count.getAttribute('data-shown')),
    total: Number(await count.getAttribute('data-total')),
    loading: (await count.getAttribute('data-loading')) === 'true',
  };
}

interface RowsCall {
  filterText: string;
  /** Still waiting for the Core's answer. */
  inFlight: boolean;
  rows: number;
  total: number;
  /** The answer as the page receives it (JSON). */
  reply: string;
}

/**
 * Records the list pages the page asks the Core for, and what each answer carries, until
 * `restore` is called.
 */
function watchRowsCalls(core: Core): { calls: RowsCall[]; restore(): void } {
  const calls: RowsCall[] = [];
  const original = core.call;
  const call = original.bind(core);
  core.call = async <K extends CommandName>(
    name: K,
    params: CommandParams<K>,
  ): Promise<CommandResult<K>> => {
    if (name !== 'exchanges.rows') return call(name, params);
    const asked = params as CommandParams<'exchanges.rows'>;
    const record: RowsCall = {
      filterText: asked.filter?.text ?? '',
      inFlight: true,
      rows: 0,
      total: 0,
      reply: '',
    };
    calls.push(record);
    try {
      const result = await call(name, params);
      const page = result as CommandResult<'exchanges.rows'>;
      record.rows = page.rows.length;
      record.total = page.total;
      record.reply = JSON.stringify(page);
      return result;
    } finally {
      record.inFlight = false;
    }
  };
  return { calls, restore: () => (core.call = original) };
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const meta = createSession(sessionsFolder(ui.home), 'search-large');
  largeId = meta.id;
  writeSessionFixture(join(sessionsFolder(ui.home), meta.id), {
    requests: REQUESTS,
    timeLimitMs: 60_000,
  });
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  port = state.port;
  const gz = gzipSync(Buffer.from('{"hidden":"a gzipped haystack"}'));
  await send(
    Buffer.concat([
      Buffer.from(
        'POST /zipped HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
          'Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
      ),
      Buffer.from(encodeChunked(gz, 9)),
    ]),
  );
  const plain = 'find the needle in here';
  await send(
    Buffer.from(
      `POST /plain HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trace-Id: trace-4242\r\nContent-Type: text/plain\r\n` +
        `Content-Length: ${plain.length}\r\nConnection: close\r\n\r\n${plain}`,
    ),
  );
  await send(Buffer.from('GET /other HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
  await eventually(async () => ((await shown(ui.page)).total >= 3 ? true : undefined), 'rows');
});

after(async () => {
  await ui?.close();
});

test(
  'header: and body: terms find exchanges by their headers and decoded bodies; matches are marked',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const filter = page.getByTestId('filter-text');
    const only = async (text: string, expected: string[]): Promise<void> => {
      await filter.fill(text);
      await eventually(
        async () => ((await targets(page)).join() === expected.join() ? true : undefined),
        `${expected.join() || 'no rows'} for ${text}`,
      );
    };
    await only('body:haystack', ['/zipped']);
    await only('body:needle', ['/plain']);
    await only('header:trace-4242', ['/plain']);
    await only('header:content-encoding method:POST', ['/zipped']);
    await only('method:GET other', ['/other']);
    await only('body:needle status:500', []);
    await only('header:x-trace-id body:needle', ['/plain']);
    await page.locator('[data-testid="connection-row"]').first().click();
    await page.getByTestId('tab-request').click();
    const view = page.getByTestId('message-view');
    const marked = await eventually(async () => {
      const n = Number(await view.getAttribute('data-matches'));
      return n >= 2 ? n : undefined;
    }, 'the words marked in the message');
    assert.ok(marked >= 2, `${marked} matches marked`);
    const highlight = await page.evaluate(() => {
      const registry = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights;
      const ranges = [...(registry.get('search-match') ?? [])];
      return ranges.map((r) => r.toString().toLowerCase());
    });
    assert.ok(highlight.includes('needle'), `highlighted: ${highlight.join(', ')}`);
    assert.ok(highlight.includes('x-trace-id'), `highlighted: ${highlight.join(', ')}`);
    await filter.fill('');
    await eventually(
      async () => (Number(await view.getAttribute('data-matches')) === 0 ? true : undefined),
      'no marks without a filter',
    );
  },
);

test(
  'a body search over 100,000 rows runs in the Core in slices: the page answers meanwhile and gets pages of rows, never bodies',
  { skip: missing ?? false, timeout: 180_000 },
  async (t) => {
    const { page } = ui;
    await page.getByTestId('sessions-tab').click();
    const row = page.locator(`[data-testid="session-row"][data-session-id="${largeId}"]`);
    await row.getByTestId('session-open').click();
    await page.getByTestId('main-tab-inspector').click();
    await eventually(
      async () => {
        const state = await shown(page);
        return state.total === REQUESTS && !state.loading ? true : undefined;
      },
      'the whole session',
      90_000,
    );
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    const search = 'body:fixture status:404';
    const { calls, restore } = watchRowsCalls(ui.core);
    t.after(restore);
    const started = Date.now();
    // Every 50th fixture response is a 404, and every body says "hello from the fixture".
    await page.getByTestId('filter-text').fill(search);
    const scan = await eventually(
      async () => calls.find((c) => c.filterText === search),
      'the page asked the Core for the first page of the search',
    );
    // While the Core scans, the page's main thread is free: a task queued now runs before the
    // scan's answer arrives (a scan of 100,000 bodies in one turn would have answered by now).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    assert.ok(scan.inFlight, 'the scan was over before the page could answer: not in slices');
    await eventually(
      async () => ((await shown(page)).shown === REQUESTS / 50 ? true : undefined),
      'the 404s found by their bodies',
      120_000,
    );
    const seconds = (Date.now() - started) / 1000;
    assert.equal(scan.total, REQUESTS / 50);
    const searched = calls.filter((c) => c.filterText === search);
    for (const c of searched) {
      assert.ok(c.rows <= MAX_PAGE_ROWS, `a page of ${c.rows} rows`);
      assert.ok(!c.reply.includes('hello from the fixture'), 'a body reached the page');
    }
    const delivered = searched.reduce((sum, c) => sum + c.rows, 0);
    assert.ok(
      delivered < REQUESTS / 50,
      `${delivered} rows reached the page for a list of ${REQUESTS / 50} (it holds what it shows)`,
    );
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('End');
    await eventually(
      async () =>
        (await targets(page)).includes(`/item/${REQUESTS - 50}?q=${(REQUESTS - 50) % 97}`)
          ? true
          : undefined,
      'the last 404 reached',
    );
    const longTasks = await page.evaluate(
      () => (window as unknown as { longTasks: number[] }).longTasks,
    );
    console.log(
      `# body search over ${REQUESTS} rows: ${seconds.toFixed(1)} s, ${searched.length} pages asked, ` +
        `${delivered} rows delivered, ${longTasks.length} long tasks in the page, the longest ` +
        `${Math.max(0, ...longTasks).toFixed(0)} ms (the budget is the UI bench's ui.search)`,
    );
  },
);
