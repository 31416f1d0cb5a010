// "Answer with a rule" in Chromium: a captured exchange becomes a new, unsaved responder rule at
// the top of the Responses tab, answering with the captured response; edited and saved, it
// answers the next request. An exchange that cannot be a rule says why, in the UI's language.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';
import { exchangeUntilClose } from '../capture/helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let port = 0;

before(async () => {
  if (missing) return;
  ui = await startUi();
  port = (await ui.core.call('server.start', { host: '127.0.0.1', port: 0 })).port;
});

after(async () => {
  await ui?.close();
});

/** The server's answer to `bytes` on a new connection, until it closes. */
async function reply(bytes: string): Promise<string> {
  return (await exchangeUntilClose(port, bytes)).toString('latin1');
}

async function select(target: string): Promise<void> {
  const { page } = ui;
  await page.getByTestId('main-tab-inspector').click();
  const row = page.locator('[data-testid="connection-row"]', {
    has: page.locator('.c-target', { hasText: target }),
  });
  await row.first().click();
}

test(
  'a captured page becomes a rule that, edited and saved, answers the next request',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    await reply('GET /hello?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await eventually(
      async () => ((await page.getByTestId('connection-row').count()) > 0 ? true : undefined),
      'the captured row',
    );
    // An earlier rule for every path: the new one must come before it to answer.
    await core.call('rules.set', {
      rules: [
        {
          id: 'older',
          enabled: true,
          name: 'Everything',
          match: { method: '*', path: '/', mode: 'prefix' },
          response: { kind: 'fail', mode: 'close' },
          delayMs: 0,
        },
      ],
    });
    await select('/hello');
    await page.getByTestId('answer-with-rule').click();
    await page.getByTestId('rule-name').waitFor();
    assert.equal(
      await page.getByTestId('main-tab-rules').getAttribute('aria-selected'),
      'true',
      'the Responses tab is open',
    );
    assert.equal(await page.getByTestId('rule-name').inputValue(), 'GET /hello');
    assert.equal(await page.getByTestId('rule-path').inputValue(), '/hello');
    assert.equal(await page.getByTestId('rule-method').inputValue(), 'GET');
    assert.equal(await page.getByTestId('rule-status-code').inputValue(), '404');
    const editor = page.locator('[data-testid="rule-body-editor"] .cm-content');
    assert.match((await editor.textContent()) ?? '', /nothing at <code>\/hello<\/code>/);
    assert.equal(await page.getByTestId('rule-unsaved').count(), 1, 'new and unsaved');
    // Nothing changed until saved: the older rule still answers (by closing).
    assert.equal(await reply('GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), '');

    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('<h1>mine now</h1>');
    await page.getByTestId('rule-status-code').fill('200');
    await page.getByTestId('rule-save').click();
    await eventually(async () => {
      const rules = await core.call('rules.get', {});
      return rules.length === 2 ? rules : undefined;
    }, 'the rules saved');
    const rules = await core.call('rules.get', {});
    assert.deepEqual(
      rules.map((r) => r.name),
      ['GET /hello', 'Everything'],
      'the new rule is first',
    );
    const answer = await reply(
      'GET /hello?other=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    assert.match(answer, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(answer, /Content-Type: text\/html; charset=utf-8\r\n/);
    assert.match(answer, /Content-Length: 17\r\n/);
    assert.ok(answer.endsWith('\r\n\r\n<h1>mine now</h1>'), answer);
    await core.call('rules.set', { rules: [] });
  },
);

test(
  'a request that is not HTTP cannot be a rule: the reason shows, in Chinese too',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    const rows = page.getByTestId('connection-row');
    const before = await rows.count();
    await reply('NOT HTTP AT ALL\r\n\r\n');
    await page.getByTestId('main-tab-inspector').click();
    await eventually(async () => ((await rows.count()) > before ? true : undefined), 'its row');
    await rows.last().click();
    await page.getByTestId('answer-with-rule').click();
    const problem = page.getByTestId('answer-with-rule-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /not valid HTTP/);
    assert.equal(
      await page.getByTestId('main-tab-inspector').getAttribute('aria-selected'),
      'true',
      'the inspector stays open',
    );
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.getByTestId('answer-with-rule').click();
    await eventually(
      async () => (/不是有效的 HTTP/.test(await problem.innerText()) ? true : undefined),
      'the reason in Chinese',
    );
    assert.match(await page.getByTestId('answer-with-rule').innerText(), /用规则应答/);
    await page.getByTestId('lang-switch').selectOption('en');
  },
);
