// The WebSocket messages card: a `ws` client talks to a `ws` echo server through the reverse
// proxy, and the 101 exchange's detail lists each direction's messages (a masked text, a
// fragmented text, a 70 KB binary with its 64-bit length, ping/pong, close with its code), in
// English and in Chinese; a frame's header bytes explain themselves.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually, missingPrerequisite, repoRoot, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe-core's serious and critical violations inside `selector`. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async (within) => {
    type Result = { violations: { id: string; impact?: string | null }[] };
    const axe = (window as unknown as { axe: { run(c: Element, o: object): Promise<Result> } }).axe;
    const result = await axe.run(document.querySelector(within)!, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id);
  }, selector);
}
let echo: WebSocketServer;

before(async () => {
  if (missing) return;
  ui = await startUi();
  echo = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => echo.once('listening', () => resolve()));
  echo.on('connection', (socket) => {
    socket.on('message', (data: RawData, isBinary: boolean) =>
      socket.send(data, { binary: isBinary }),
    );
  });
});

after(async () => {
  for (const client of echo?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  await ui?.close();
});

test(
  'the messages of a WebSocket through the proxy, in English and Chinese',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    const echoPort = (echo.address() as { port: number }).port;
    const state = await core.call('server.start', {
      port: 0,
      upstream: `http://127.0.0.1:${echoPort}`,
    });
    assert.equal(state.status, 'listening');
    const port = state.status === 'listening' ? state.port : 0;

    const startedAt = Date.now();
    const client = new WebSocket(`ws://127.0.0.1:${port}/chat`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    let echoed = 0;
    client.on('message', () => echoed++);
    client.send('hello through the proxy');
    client.send('frag', { fin: false });
    client.send('mented', { fin: true });
    client.send(Buffer.alloc(70_000, 0xab));
    await eventually(() => (echoed === 3 ? true : undefined), 'three echoes');
    await new Promise<void>((resolve) => {
      client.once('pong', () => resolve());
      client.ping('are you there');
    });
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.close(1000, 'bye');
    });

    await page.getByTestId('main-tab-inspector').click();
    const row = page.locator('[data-testid="connection-row"]', { hasText: '101' }).first();
    await row.waitFor();
    await row.click();
    const card = page.getByTestId('ws-messages');
    await card.waitFor();
    const rows = card.getByTestId('ws-row');
    const texts = async () =>
      (await rows.allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    // Each message's time after the 101, "+0.214 s", with its clock time in the tooltip; from
    // the start of the test to its end at most, in the order the messages came.
    const checkTimes = async (zh = false) => {
      const pattern = zh ? /^\+(\d+\.\d{3}) 秒$/ : /^\+(\d+\.\d{3}) s$/;
      const cells = card.getByTestId('ws-time');
      const seconds = await eventually(async () => {
        const found = (await cells.allInnerTexts()).map((text) => pattern.exec(text.trim()));
        return found.every((match) => match !== null) ? found.map((m) => Number(m![1])) : undefined;
      }, 'every message timed');
      const elapsed = (Date.now() - startedAt) / 1000;
      for (const [i, s] of seconds.entries()) {
        assert.ok(s >= 0 && s <= elapsed, `message ${i}: +${s} s within ${elapsed} s`);
        if (i > 0) assert.ok(s >= seconds[i - 1]!, `message ${i} is not before message ${i - 1}`);
      }
      const title = (await cells.first().getAttribute('title')) ?? '';
      assert.match(
        title,
        zh ? /^完整于 .*\d\d:\d\d:\d\d\.\d{3}/ : /^Complete at .*\d\d:\d\d:\d\d\.\d{3}/,
      );
    };
    await eventually(
      async () => ((await rows.count()) === 5 ? true : undefined),
      'five client messages',
    );
    await checkTimes();
    assert.equal(await card.locator('th').last().textContent(), 'Time');
    const sent = await texts();
    assert.match(sent[0]!, /^0 text 23 B hello through the proxy \+\d+\.\d{3} s$/);
    assert.match(sent[1]!, /^1 text 2 frames 10 B fragmented \+\d+\.\d{3} s$/);
    assert.match(sent[2]!, /^2 binary 70000 B ab ab ab/);
    assert.match(sent[3]!, /^3 ping 13 B/);
    assert.match(sent[4]!, /^4 close 5 B 1000 Normal Closure bye \+\d+\.\d{3} s$/);
    assert.match(
      (await card.getByTestId('ws-dir-in').textContent()) ?? '',
      /Client → server \(5\)/,
    );

    await card.getByTestId('ws-dir-out').click();
    await eventually(
      async () => ((await rows.count()) === 5 ? true : undefined),
      'five server messages',
    );
    await checkTimes();
    const back = await texts();
    assert.match(back[0]!, /^0 text 23 B hello through the proxy \+\d+\.\d{3} s$/);
    assert.match(back[1]!, /^1 text 10 B fragmented \+\d+\.\d{3} s$/);
    assert.match(back[3]!, /^3 pong 13 B/);

    // The 70 KB frame's header: FIN/opcode, MASK/length 127, the 64-bit length, explained.
    await card.getByTestId('ws-dir-in').click();
    await rows.nth(2).click();
    const frame = card.getByTestId('ws-frame').first();
    await frame.waitFor();
    assert.match(
      (await frame.textContent()) ?? '',
      /opcode 0x2 \(binary\) · MASK 1 · payload 70000 B/,
    );
    const cells = frame.locator('[data-key]');
    await eventually(async () => ((await cells.count()) > 14 ? true : undefined), 'frame bytes');
    assert.deepEqual(
      await cells.evaluateAll((els) => els.slice(0, 14).map((el) => el.getAttribute('data-key'))),
      [
        'ws.first-byte',
        'ws.second-byte',
        ...Array<string>(8).fill('ws.length-64'),
        ...Array<string>(4).fill('ws.masking-key'),
      ],
    );
    assert.deepEqual(
      await cells.evaluateAll((els) => els.slice(0, 2).map((el) => el.textContent)),
      ['82', 'ff'],
    );
    await cells.nth(2).hover();
    const explanation = card.getByTestId('ws-explanation');
    assert.match(
      (await explanation.textContent()) ?? '',
      /Extended payload length \(64 bits\)\s*RFC 6455 §5\.2/,
    );
    await cells.nth(10).focus();
    assert.match((await explanation.textContent()) ?? '', /Masking key\s*RFC 6455 §5\.3/);

    // The fragmented message: two frames, FIN 0 then FIN 1.
    await rows.nth(1).click();
    const frames = card.getByTestId('ws-frame');
    await eventually(async () => ((await frames.count()) === 2 ? true : undefined), 'two frames');
    assert.match(
      (await frames.nth(0).textContent()) ?? '',
      /FIN 0 · RSV 000 · opcode 0x1 \(text\)/,
    );
    assert.match(
      (await frames.nth(1).textContent()) ?? '',
      /FIN 1 · RSV 000 · opcode 0x0 \(continuation\)/,
    );

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await eventually(
      async () =>
        (await card.getByRole('heading').textContent()) === 'WebSocket 消息' ? true : undefined,
      'the card in Chinese',
    );
    await checkTimes(true);
    const zh = await texts();
    assert.match(zh[0]!, /^0 文本 23 字节 hello through the proxy \+\d+\.\d{3} 秒$/);
    assert.match(zh[1]!, /^1 文本 2 个帧 10 字节 fragmented \+\d+\.\d{3} 秒$/);
    assert.match(zh[2]!, /^2 二进制 70000 字节/);
    assert.match((await card.getByTestId('ws-dir-in').textContent()) ?? '', /客户端 → 服务器/);
    await frames.nth(0).locator('[data-key]').first().hover();
    assert.match(
      (await card.getByTestId('ws-explanation').first().textContent()) ?? '',
      /FIN、RSV1–3 与操作码/,
    );
    await page.getByTestId('lang-switch').selectOption('en');
    assert.deepEqual(await seriousViolations(page, '[data-testid="ws-messages"]'), []);
    // The web host has no favicon: the page's 404 for it is not an error of this view.
    assert.deepEqual(
      ui.pageErrors.filter((error) => !error.includes('/favicon.ico')),
      [],
    );
  },
);

test(
  'a live connection: new frames on request, by themselves while it is open, and its Close',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    const { server } = await core.call('snapshot', {});
    assert.equal(server.status, 'listening');
    const port = server.status === 'listening' ? server.port : 0;
    const client = new WebSocket(`ws://127.0.0.1:${port}/live`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    let echoed = 0;
    client.on('message', () => echoed++);
    client.send('one');
    await eventually(() => (echoed === 1 ? true : undefined), 'first echo');
    const row = page.locator('[data-testid="connection-row"]', { hasText: '/live' }).first();
    await row.waitFor();
    await row.click();
    const card = page.getByTestId('ws-messages');
    const rows = card.getByTestId('ws-row');
    await card.getByTestId('ws-dir-in').click();
    await eventually(async () => ((await rows.count()) === 1 ? true : undefined), 'one message');
    client.send('two');
    await eventually(() => (echoed === 2 ? true : undefined), 'second echo');
    await card.getByRole('button', { name: 'Read new frames' }).click();
    await eventually(async () => ((await rows.count()) === 2 ? true : undefined), 'two messages');
    // And without asking: an open connection is read again every few seconds.
    client.send('three');
    await eventually(async () => ((await rows.count()) === 3 ? true : undefined), 'three', 10_000);
    await new Promise<void>((resolve) => {
      client.once('close', () => resolve());
      client.close(4000, 'app says bye');
    });
    // The close is read by itself when the connection ends.
    await eventually(
      async () => ((await rows.count()) === 4 ? true : undefined),
      'the close',
      15_000,
    );
    assert.match(
      (await rows.nth(3).innerText()).replace(/\s+/g, ' '),
      /close 14 B 4000 app says bye/,
    );
  },
);
