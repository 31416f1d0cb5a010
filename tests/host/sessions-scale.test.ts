// Sessions at scale, below the UI: the list's filter run over the exchange columns, a big
// session opened in slices (first rows in the reply, the count announced, no event per exchange,
// live captures after the file's records), the list paged, HAR import in parts (with progress
// and cancel) and a streamed HAR export, over the Core and the web host's download.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core } from '../../src-main/host/core';
import { startWebHost } from '../../src-main/host/web';
import { ExchangeTable } from '../../src-main/host/exchange-table';
import { emptyExchange } from '../../src-main/host/exchanges';
import { createSession } from '../../src-main/capture/sessions';
import { sessionsFolder } from '../../src-main/host/paths';
import { SNAPSHOT_ROWS, type CoreEvent, type ExchangeSummary } from '../../src-main/protocol/types';
import type { ListFilter, StatusClass } from '../../src-main/protocol/filter';
import { matcher } from '../../src-renderer/lib/filter';
import { writeSessionFixture } from '../../bench/session-fixture';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-scale-'));
  homes.push(home);
  return home;
}
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function until(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A little random generator, so the property test is the same every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

test('the filter over the columns keeps exactly what the UI matcher keeps, also as rows change (property)', () => {
  const next = random(7);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const table = new ExchangeTable();
  const summaries: ExchangeSummary[] = [];
  const fill = (summary: ExchangeSummary): void => {
    summary.method = pick(['GET', 'POST', 'PUT', null]);
    summary.target = pick(['/a', '/Item/9', '/b?q=éx', null, '/test.jpg']);
    summary.host = pick(['127.0.0.1:8080', 'example.test', null]);
    summary.status = pick([200, 204, 301, 404, 500, 101, null, 999]);
    summary.error =
      next() < 0.1 ? { code: 'INVALID_METHOD', offset: 0, reason: 'x', status: 400 } : null;
  };
  for (let i = 0; i < 400; i++) {
    const summary = emptyExchange(
      `c${i % 13}#${Math.floor(i / 13)}`,
      `c${i % 13}`,
      Math.floor(i / 13),
      i,
      0,
    );
    fill(summary);
    summaries.push(summary);
    table.put(summary);
  }
  const filters: ListFilter[] = [];
  for (const text of ['', 'item', '/B', '40', 'C1', 'é', 'example']) {
    for (const method of ['', 'GET', 'PUT'])
      for (const statusClass of ['', '2xx', '4xx', 'error', 'pending'] as StatusClass[])
        filters.push({ text, method, statusClass });
  }
  const check = (filter: ListFilter): void => {
    const want = summaries.map((s, row) => (matcher(filter)(s) ? row : -1)).filter((r) => r >= 0);
    const got = table.filtered(filter);
    const rows = got ? [...got.rows.subarray(0, got.count)] : summaries.map((_, row) => row);
    assert.deepEqual(rows, want, JSON.stringify(filter));
  };
  for (const filter of filters) check(filter);
  // Rows change and new ones come while one filter stays: the kept scan follows.
  const filter: ListFilter = { text: '', method: '', statusClass: '2xx' };
  check(filter);
  for (let round = 0; round < 20; round++) {
    const row = Math.floor(next() * summaries.length);
    fill(summaries[row]);
    table.put(summaries[row]);
    const added = emptyExchange(`n${round}#0`, `n${round}`, 0, 1000 + round, 0);
    fill(added);
    summaries.push(added);
    table.put(added);
    check(filter);
  }
  assert.deepEqual(table.methods(), ['GET', 'POST', 'PUT']);
});

test('a big session opened from a UI: first rows in the reply, the count as it is read, no event per exchange, live captures after its records', async () => {
  const home = tempHome();
  const core = await createCore({ home, batchMs: 20 });
  try {
    const state = await core.call('server.start', { host: '127.0.0.1', port: 0 });
    const meta = createSession(sessionsFolder(home), 'big');
    const requests = 60_000;
    writeSessionFixture(join(sessionsFolder(home), meta.id), { requests, timeLimitMs: 60_000 });
    const events: CoreEvent[] = [];
    core.subscribe((batch) => events.push(...batch), { data: false });
    const snapshot = await core.call('session.open', { id: meta.id });
    assert.equal(snapshot.exchanges.length, Math.min(SNAPSHOT_ROWS, snapshot.exchangeCount));
    assert.ok(snapshot.exchangeCount > 0, 'the first slice is in the reply');
    assert.equal(snapshot.exchanges[0].target, '/item/0?q=0');
    assert.ok(snapshot.loading && !snapshot.loading.done, 'the rest is still being read');
    // A capture while the file is read comes after every record of the file.
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ port: state.port, host: '127.0.0.1' }, () =>
        socket.end('GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      socket.on('data', () => undefined);
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await until(
      () => events.some((e) => e.type === 'sessionLoad' && e.load.done),
      'the end of the load',
      60_000,
    );
    await until(
      () => events.some((e) => e.type === 'exchangeCount' && e.total === requests + 1),
      'the live exchange counted',
    );
    const counts = events.flatMap((e) => (e.type === 'exchangeCount' ? [e.total] : []));
    assert.ok(counts.length > 2, 'the count grows while the file is read');
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'and only grows',
    );
    const perExchange = events.filter((e) => e.type === 'exchange');
    assert.deepEqual(
      perExchange.map((e) => (e.type === 'exchange' ? e.exchange.target : null)),
      ['/live'],
      'only the live exchange is announced one by one',
    );
    const last = await core.call('exchanges.rows', { from: requests - 1, count: 5 });
    assert.equal(last.total, requests + 1);
    assert.deepEqual(
      last.rows.map((r) => r.target),
      [`/item/${requests - 1}?q=${(requests - 1) % 97}`, '/live'],
    );
    const notFound = await core.call('exchanges.rows', {
      from: 0,
      count: 10,
      filter: { statusClass: '4xx' },
    });
    assert.equal(notFound.total, requests / 50 + 1, 'every 50th is a 404, and /live too');
    assert.ok(notFound.rows.every((r) => r.status === 404));
    const at = await core.call('exchanges.indexOf', {
      exchangeId: notFound.rows[3].exchangeId,
      filter: { statusClass: '4xx' },
    });
    assert.equal(at.index, 3);
    await assert.rejects(core.call('exchanges.rows', { from: 0, count: 5000 }), /at most 1000/);
    await assert.rejects(
      core.call('exchanges.rows', {
        from: 0,
        count: 5,
        filter: { statusClass: '7xx' as StatusClass },
      }),
      /statusClass/,
    );
  } finally {
    await core.close();
  }
});

function har(entries: number): string {
  const entry = (i: number): unknown => ({
    startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
    time: 1,
    request: {
      method: 'GET',
      url: `http://example.test/h/${i}`,
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
      headers: [],
      cookies: [],
      content: { size: 2, mimeType: 'text/plain', text: 'ok' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 2,
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

test('HAR import in parts reports progress and can be cancelled; the export streams entry by entry, also as a download with the token', async () => {
  const home = tempHome();
  const core: Core = await createCore({ home, batchMs: 20 });
  const host = await startWebHost({ core, port: 0, rendererDir: join(home, 'none') });
  try {
    const events: CoreEvent[] = [];
    core.subscribe((batch) => events.push(...batch), { data: false });
    const text = har(3000);
    await core.call('import.har.begin', { taskId: 'imp1', name: 'a.har', size: text.length });
    for (let at = 0; at < text.length; at += 100_000)
      await core.call('import.har.chunk', { taskId: 'imp1', text: text.slice(at, at + 100_000) });
    assert.deepEqual(await core.call('import.har.end', { taskId: 'imp1' }), {
      imported: 3000,
      cancelled: false,
    });
    await until(
      () => events.some((e) => e.type === 'progress' && e.progress.state === 'finished'),
      'the last progress event',
    );
    const progress = events.flatMap((e) =>
      e.type === 'progress' && e.progress.taskId === 'imp1' ? [e.progress] : [],
    );
    assert.equal(progress.at(-1)?.done, 3000);
    assert.equal((await core.call('exchanges.rows', { from: 0, count: 1 })).all, 3000);

    // Cancelled while it uploads: nothing is imported and the task is gone.
    await core.call('import.har.begin', { taskId: 'imp2', name: 'b.har', size: text.length });
    await core.call('import.har.chunk', { taskId: 'imp2', text: text.slice(0, 1000) });
    assert.deepEqual(await core.call('import.har.cancel', { taskId: 'imp2' }), { cancelled: true });
    await assert.rejects(core.call('import.har.end', { taskId: 'imp2' }), /No HAR import/);
    // Cancelled while it imports: what was added stays, and says how many.
    const big = har(20_000);
    await core.call('import.har.begin', { taskId: 'imp3', name: 'c.har', size: big.length });
    for (let at = 0; at < big.length; at += 300_000)
      await core.call('import.har.chunk', { taskId: 'imp3', text: big.slice(at, at + 300_000) });
    const ending = core.call('import.har.end', { taskId: 'imp3' });
    await until(
      () => events.some((e) => e.type === 'progress' && e.progress.taskId === 'imp3'),
      'import progress',
    );
    await core.call('import.har.cancel', { taskId: 'imp3' });
    const cancelled = await ending;
    assert.equal(cancelled.cancelled, true);
    assert.ok(cancelled.imported > 0 && cancelled.imported < 20_000, `${cancelled.imported}`);
    assert.equal(
      (await core.call('exchanges.rows', { from: 0, count: 1 })).all,
      3000 + cancelled.imported,
    );
    // A broken file imports nothing.
    await core.call('import.har.begin', { taskId: 'imp4', name: 'd.har', size: 5 });
    await core.call('import.har.chunk', { taskId: 'imp4', text: '{"log"' });
    await assert.rejects(core.call('import.har.end', { taskId: 'imp4' }), /not valid JSON/);

    // The streamed export is the same document as the one-reply export.
    const chunks: string[] = [];
    const ids = (await core.call('exchanges.rows', { from: 0, count: 3 })).rows.map(
      (r) => r.exchangeId,
    );
    await core.exportHar({ exchangeIds: ids }, (chunk) => {
      chunks.push(chunk);
    });
    const streamed = JSON.parse(chunks.join('')) as { log: { entries: unknown[] } };
    const whole = JSON.parse((await core.call('export.har', { exchangeIds: ids })).har) as {
      log: { entries: unknown[] };
    };
    assert.deepEqual(streamed, whole);
    // The download: only with the token, and then every exchange.
    assert.equal((await get(host.port, '/export.har')).status, 401);
    assert.equal((await get(host.port, '/export.har?token=nope')).status, 401);
    const download = await get(host.port, `/export.har?token=${host.token}&task=exp1&name=all`);
    assert.equal(download.status, 200);
    const all = JSON.parse(download.body) as { log: { entries: unknown[] } };
    assert.equal(all.log.entries.length, 3000 + cancelled.imported);
    await until(
      () =>
        events.some(
          (e) =>
            e.type === 'progress' &&
            e.progress.taskId === 'exp1' &&
            e.progress.state === 'finished',
        ),
      'the export finished',
    );
    const unknown = await get(host.port, `/export.har?token=${host.token}&ids=nope`);
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /No exchange with id "nope"/);
  } finally {
    await host.close();
    await core.close();
  }
});
