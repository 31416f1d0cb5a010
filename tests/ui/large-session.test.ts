// A large session in Chromium against the real Core and web host: 200,000 captured requests
// (written through SessionStore's own API) opened from the Sessions tab. The list shows its
// first rows and then the whole count while the file is read; it fetches only the rows it shows;
// the filter runs in the Core; every frame the host sends stays under the frame bound, and
// opening sends no event per exchange.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Page } from 'playwright-core';
import { createSession } from '../../src-main/capture/sessions';
import { sessionsFolder } from '../../src-main/host/paths';
import { MAX_FRAME_BYTES, type ServerFrame } from '../../src-main/protocol/types';
import { writeSessionFixture } from '../../bench/session-fixture';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

const REQUESTS = 200_000;
let ui: UiHarness;
let sessionId = '';

/** Every frame a second WebSocket client of the host receives, with its size in bytes. */
class FrameWatch {
  frames: { bytes: number; frame: ServerFrame }[] = [];
  private socket: WebSocket;

  constructor(harness: UiHarness) {
    const url = new URL(harness.host.url);
    this.socket = new WebSocket(`ws://${url.host}/ws?token=${harness.host.token}`, {
      origin: `http://${url.host}`,
    });
    this.socket.on('message', (data: Buffer) => {
      this.frames.push({
        bytes: data.length,
        frame: JSON.parse(data.toString('utf8')) as ServerFrame,
      });
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  close(): void {
    this.socket.close();
  }
}

async function listState(page: Page): Promise<{ rows: number; total: number; loading: boolean }> {
  return page.evaluate(() => {
    const count = document.querySelector('[data-testid="list-count"]');
    return {
      rows: document.querySelectorAll('[data-testid="connection-row"]').length,
      total: Number(count?.getAttribute('data-total') ?? 0),
      loading: count?.getAttribute('data-loading') === 'true',
    };
  });
}

async function rowTargets(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="connection-row"] .c-target').allTextContents()).map(
    (t) => t.trim(),
  );
}

before(async () => {
  if (missing) return;
  ui = await startUi();
  const meta = createSession(sessionsFolder(ui.home), 'large');
  sessionId = meta.id;
  writeSessionFixture(join(sessionsFolder(ui.home), meta.id), {
    requests: REQUESTS,
    timeLimitMs: 60_000,
  });
});

after(async () => {
  await ui?.close();
});

test(
  'a session of 200,000 requests opens from the Sessions tab: first rows, then the whole count, in bounded frames without an event per exchange',
  { skip: missing ?? false, timeout: 120_000 },
  async () => {
    const { page } = ui;
    const watch = new FrameWatch(ui);
    await watch.opened();
    await page.getByTestId('sessions-tab').click();
    const row = page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
    await row.getByTestId('session-open').click();
    await page.getByTestId('main-tab-inspector').click();
    await eventually(
      async () => ((await listState(page)).rows > 0 ? true : undefined),
      'the first rows',
      10_000,
    );
    assert.deepEqual((await rowTargets(page)).slice(0, 2), ['/item/0?q=0', '/item/1?q=1']);
    await eventually(
      async () => {
        const state = await listState(page);
        return state.total === REQUESTS && !state.loading ? true : undefined;
      },
      'the whole count',
      60_000,
    );
    // The page holds only rows near what it shows.
    const rendered = (await listState(page)).rows;
    assert.ok(rendered > 10 && rendered < 200, `${rendered} rows rendered`);
    watch.close();
    const biggest = Math.max(...watch.frames.map((f) => f.bytes));
    assert.ok(biggest <= MAX_FRAME_BYTES, `a frame of ${biggest} bytes`);
    const exchangeEvents = watch.frames
      .flatMap(({ frame }) => (frame.kind === 'events' ? frame.events : []))
      .filter((e) => e.type === 'exchange').length;
    assert.ok(exchangeEvents < 100, `${exchangeEvents} exchange events while opening`);

    // The end of the list: fetched when scrolled to, not before.
    await page.getByTestId('connection-list').focus();
    await page.keyboard.press('End');
    await eventually(
      async () =>
        (await rowTargets(page)).includes(`/item/${REQUESTS - 1}?q=${(REQUESTS - 1) % 97}`)
          ? true
          : undefined,
      'the last row',
    );
    assert.match(
      await page
        .locator('[data-testid="connection-row"][aria-selected="true"] .c-target')
        .innerText(),
      new RegExp(`/item/${REQUESTS - 1}\\?`),
    );

    // The filter runs in the Core over every row.
    await page.getByTestId('filter-text').fill('/item/12345?');
    await eventually(
      async () => ((await rowTargets(page)).join() === '/item/12345?q=26' ? true : undefined),
      'one filtered row',
    );
    assert.equal(await page.getByTestId('list-count').getAttribute('data-shown'), '1');
    await page.getByTestId('filter-text').fill('');
    await page.getByTestId('filter-status').selectOption('4xx');
    await eventually(
      async () =>
        (await page.getByTestId('list-count').getAttribute('data-shown')) === String(REQUESTS / 50)
          ? true
          : undefined,
      'every 404',
    );
    await page.getByTestId('filter-status').selectOption('');

    const session = await ui.context.newCDPSession(page);
    await session.send('HeapProfiler.collectGarbage');
    await session.send('Performance.enable');
    const { metrics } = await session.send('Performance.getMetrics');
    const heapMb = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
    assert.ok(heapMb < 100, `the page's heap is ${heapMb.toFixed(1)} MB`);
    assert.deepEqual(
      ui.pageErrors.filter((e) => !/favicon\.ico/.test(e)),
      [],
    );
  },
);

function bigHar(entries: number): string {
  const entry = (i: number): unknown => ({
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 1,
    request: {
      method: 'GET',
      url: `http://example.test/imported/${i}`,
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Host', value: 'example.test' }],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: 'text/plain' }],
      cookies: [],
      content: { size: 400, mimeType: 'text/plain', text: 'x'.repeat(400) },
      redirectURL: '',
      headersSize: -1,
      bodySize: 400,
    },
    cache: {},
    timings: { send: 0, wait: 1, receive: 0 },
  });
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 't', version: '1' },
      entries: Array.from({ length: entries }, (_, i) => entry(i)),
    },
  });
}

test(
  'a big HAR import shows its progress and can be cancelled; what was imported stays and is counted',
  { skip: missing ?? false, timeout: 120_000 },
  async () => {
    const { page } = ui;
    const before = (await ui.core.call('exchanges.rows', { from: 0, count: 1 })).all;
    await page.getByTestId('sessions-tab').click();
    await page.getByTestId('har-import').setInputFiles({
      name: 'big.har',
      mimeType: 'application/json',
      buffer: Buffer.from(bigHar(40_000)),
    });
    await page.getByTestId('har-progress').waitFor();
    await page.getByTestId('har-cancel').click();
    const message = page.getByTestId('har-message');
    await eventually(
      async () => (/cancelled/.test(await message.innerText()) ? true : undefined),
      'the cancelled message',
      60_000,
    );
    const imported = Number(/(\d+) requests had already/.exec(await message.innerText())?.[1]);
    const after = (await ui.core.call('exchanges.rows', { from: 0, count: 1 })).all;
    assert.equal(after - before, imported, 'the message counts what stays');
    assert.ok(imported < 40_000, `${imported} of 40,000 imported`);
    assert.equal(await page.getByTestId('har-progress').count(), 0);
  },
);
