// A break rule edited from the UI, in Chromium against the real Core, web host and a Node http
// upstream: the rule is made in the Responses tab, a request is held, shown live in the Held panel
// with its count, edited there (target, a header; then the response's status and body) and
// released, and the client gets the edited answer; an aborted hold leaves the client with no
// answer. The panel's words are there in English and in Chinese.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { connect } from 'node:net';
import { en } from '../../src-renderer/lib/locales/en';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';
import {
  eventually,
  missingPrerequisite,
  repoRoot,
  resultPath,
  startUi,
  type UiHarness,
} from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let origin: Server;
let proxyPort = 0;

before(async () => {
  if (missing) return;
  origin = createServer((request, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(`origin saw ${request.method} ${request.url} x-edited=${request.headers['x-edited']}`);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', () => resolve()));
  ui = await startUi();
  const upstream = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  const state = await ui.core.call('server.start', { port: 0, upstream });
  assert.equal(state.status, 'listening');
  proxyPort = state.port;
});

after(async () => {
  await ui?.close();
  origin?.closeAllConnections();
  origin?.close();
});

const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is (ids and targets). */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = {
      violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[];
    };
    const axe = (window as unknown as { axe: { run(d: Document): Promise<Result> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** What the page logged as errors, but the browser's own ask for a favicon the web host lacks. */
const pageErrors = (): string[] => ui.pageErrors.filter((error) => !error.includes('/favicon.ico'));

/** A raw request on its own connection: everything the server sent, and how it ended. */
function send(request: string): Promise<{ bytes: Buffer; end: string }> {
  return new Promise((resolve) => {
    const socket = connect({ port: proxyPort, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = (end: string): void => resolve({ bytes: Buffer.concat(chunks), end });
    socket.on('end', () => done('eof'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    socket.setTimeout(30_000, () => {
      socket.destroy();
      done('timeout');
    });
    socket.write(request);
  });
}

test('both catalogues name the Held panel and its buttons', () => {
  for (const key of [
    'holds.toggle',
    'holds.release',
    'holds.releaseUntouched',
    'holds.abort',
  ] as const) {
    assert.ok(en[key].length > 0, key);
    assert.match(zhCN[key], /\p{Script=Han}/u, key);
  }
});

test(
  'a break rule made in the editor holds a request; edited in the Held panel and released, the client gets the edited answer',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-rules').click();
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-path').fill('/held');
    await page.getByTestId('rule-kind').selectOption('break');
    assert.equal(await page.getByTestId('rule-break-request').isChecked(), true);
    await page.getByTestId('rule-break-response').check();
    await page.getByTestId('rule-break-timeout').fill('30000');
    assert.deepEqual(await seriousViolations(page), [], 'the break editor');
    await page.getByTestId('rule-kind').selectOption('forward');
    await page.getByTestId('rule-forward-response-status-on').check();
    await page.getByTestId('rule-forward-request-add-set').click();
    await page.getByTestId('rule-forward-request-add-remove').click();
    await page.getByTestId('rule-forward-response-body-on').check();
    assert.deepEqual(await seriousViolations(page), [], 'the forward editor');
    await page.screenshot({ path: resultPath('holds-forward-editor.png') });
    await page.getByTestId('rule-kind').selectOption('fail');
    assert.equal(await page.getByTestId('rule-fail-mode').inputValue(), 'reset');
    await page.getByTestId('rule-kind').selectOption('break');
    await page.getByTestId('rule-break-response').check();
    await page.getByTestId('rule-break-timeout').fill('30000');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-status').filter({ hasText: en['rules.saved'] }).waitFor();
    const saved = await ui.core.call('rules.get', {});
    assert.deepEqual(saved[0]!.response, {
      kind: 'break',
      request: true,
      response: true,
      timeoutMs: 30_000,
    });

    const answer = send('GET /held?q=1 HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    // The request stage: shown live, with its count, wherever the user is.
    await page.getByTestId('main-tab-inspector').click();
    const item = page.getByTestId('held-item');
    await item.waitFor();
    assert.equal(await page.getByTestId('held-count').textContent(), '1');
    assert.equal(await item.getAttribute('data-stage'), 'request');
    assert.equal(await page.getByTestId('held-target').inputValue(), '/held?q=1');
    await page.getByTestId('held-target').fill('/edited');
    const headers = await page.getByTestId('held-headers').inputValue();
    await page.getByTestId('held-headers').fill(`${headers}\nX-Edited: yes`);
    await page.screenshot({ path: resultPath('holds-request.png') });
    assert.deepEqual(await seriousViolations(page), [], 'the Held panel');
    await page.getByTestId('held-release').click();

    // The response stage: the origin's answer to the edited request, held in its turn.
    await page.locator('[data-testid="held-item"][data-stage="response"]').waitFor();
    assert.match(
      await page.getByTestId('held-body').inputValue(),
      /origin saw GET \/edited x-edited=yes/,
    );
    await page.getByTestId('held-status').fill('202');
    await page.getByTestId('held-reason').fill('Edited');
    await page.getByTestId('held-body').fill('edited in the Held panel');
    await page.getByTestId('held-release').click();

    const { bytes } = await answer;
    const text = bytes.toString('utf8');
    assert.match(text, /^HTTP\/1\.1 202 Edited\r\n/);
    assert.match(text, /\r\nContent-Length: 24\r\n/);
    assert.ok(text.endsWith('\r\n\r\nedited in the Held panel'), text);
    await page.getByTestId('held-item').waitFor({ state: 'detached' });
    assert.deepEqual(await ui.core.call('holds.list', {}), []);
    assert.deepEqual(pageErrors(), []);
  },
);

test(
  'an aborted hold leaves the client with no answer; the panel speaks Chinese too',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const answer = send('GET /held HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await page.getByTestId('held-item').waitFor();
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await eventually(
      async () =>
        (await page.getByTestId('held-abort').textContent()) === zhCN['holds.abort']
          ? true
          : undefined,
      'the Chinese words',
    );
    assert.match(
      (await page.getByTestId('held-toggle').textContent()) ?? '',
      new RegExp(zhCN['holds.toggle']),
    );
    assert.equal(await page.getByTestId('held-release').textContent(), zhCN['holds.release']);
    await page.screenshot({ path: resultPath('holds-zh.png') });
    await page.getByTestId('held-abort').click();
    const { bytes, end } = await answer;
    assert.equal(bytes.length, 0);
    assert.equal(end, 'eof');
    await page.getByTestId('held-item').waitFor({ state: 'detached' });
    await page.getByTestId('lang-switch').selectOption('en');
    assert.deepEqual(pageErrors(), []);
  },
);
