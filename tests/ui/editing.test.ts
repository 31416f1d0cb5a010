// Editing never loses work: rule drafts survive a tab switch and are marked unsaved, leaving the
// page with unsaved changes asks first, and rows and the message view name the rule that
// answered ("Answered by rule ‘name’"), never its id.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let base = '';
const RULE_ID = '5f0c2a7e-9d1b-4c4e-8f3a-2b6d7e8f9a01';

before(async () => {
  if (missing) return;
  ui = await startUi();
  const state = await ui.core.call('server.start', { host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${state.port}`;
});

after(async () => {
  await ui?.close();
});

test(
  'an unsaved rule survives a tab switch, marked unsaved; saving clears the marks',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-rules').click();
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-name').fill('Draft that must survive');
    await page.getByTestId('rule-path').fill('/draft');
    await page.getByTestId('rules-unsaved').waitFor();
    assert.equal(await page.getByTestId('rule-unsaved').count(), 1, 'the new rule is marked');
    await page.getByTestId('main-tab-inspector').click();
    await page.getByTestId('rules-tab-unsaved').waitFor();
    assert.equal(await page.getByTestId('rule-name').count(), 0, 'the editor is gone');
    await page.getByTestId('main-tab-rules').click();
    assert.equal(await page.getByTestId('rule-name').inputValue(), 'Draft that must survive');
    assert.equal(await page.getByTestId('rule-path').inputValue(), '/draft');
    assert.equal(await page.getByTestId('rules-unsaved').count(), 1, 'still marked unsaved');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rules-unsaved').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('rules-tab-unsaved').count(), 0);
    assert.equal(await page.getByTestId('rule-unsaved').count(), 0);
    const saved = await ui.core.call('rules.get', {});
    assert.deepEqual(
      saved.map((r) => r.name),
      ['Draft that must survive'],
    );
  },
);

test(
  'leaving the page with unsaved changes asks first; with none it does not',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await page.getByTestId('main-tab-rules').click();
    await page.getByTestId('rule-name').fill('Edited, not saved');
    await page.getByTestId('rules-unsaved').waitFor();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await eventually(() => (dialogs.length > 0 ? true : undefined), 'the beforeunload prompt');
    assert.deepEqual(dialogs, ['beforeunload']);
    assert.equal(page.isClosed(), false, 'dismissing the prompt keeps the page');
    assert.equal(await page.getByTestId('rule-name').inputValue(), 'Edited, not saved');
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rules-unsaved').waitFor({ state: 'detached' });
    // Nothing unsaved: a reload goes through with no prompt.
    await page.reload();
    await page.getByTestId('server-status').waitFor();
    assert.deepEqual(dialogs, ['beforeunload']);
  },
);

test(
  'rows and the message view name the rule that answered, not its id, in English and Chinese',
  { skip: missing ?? false },
  async () => {
    const { page } = ui;
    await ui.core.call('rules.set', {
      rules: [
        {
          id: RULE_ID,
          name: 'Teapot',
          enabled: true,
          match: { method: 'GET', path: '/tea', mode: 'exact' },
          response: {
            kind: 'structured',
            status: 418,
            reason: "I'm a teapot",
            headers: [['Content-Type', 'text/plain']],
            body: { type: 'text', text: 'short and stout' },
            autoContentLength: true,
            autoDate: true,
            chunked: false,
          },
        },
      ] as never,
    });
    await (await fetch(`${base}/tea`)).arrayBuffer();
    await page.getByTestId('main-tab-inspector').click();
    const mark = page.getByTestId('row-rule');
    await mark.first().waitFor();
    assert.equal((await mark.first().textContent())?.trim(), 'Answered by rule ‘Teapot’');
    await page
      .locator('[data-testid="connection-row"]', { has: page.getByTestId('row-rule') })
      .first()
      .click();
    const inMessage = page.getByTestId('message-rule');
    await inMessage.waitFor();
    assert.equal((await inMessage.textContent())?.trim(), 'Answered by rule ‘Teapot’');
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await eventually(
      async () =>
        (await inMessage.textContent())?.trim() === '由规则“Teapot”应答' ? true : undefined,
      'the rule named in Chinese',
    );
    assert.equal((await mark.first().textContent())?.trim(), '由规则“Teapot”应答');
    await page.getByTestId('lang-switch').selectOption('en');
    await eventually(
      async () =>
        (await inMessage.textContent())?.trim() === 'Answered by rule ‘Teapot’' ? true : undefined,
      'back in English',
    );
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(RULE_ID), 'the rule id is shown nowhere');
    // A rule since removed is named as such, still without its id.
    await ui.core.call('rules.set', { rules: [] });
    await eventually(
      async () =>
        (await inMessage.textContent())?.includes('no longer in the list') ? true : undefined,
      'the removed rule named as removed',
    );
    assert.ok(!(await page.locator('body').innerText()).includes(RULE_ID));
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await eventually(
      async () =>
        (await inMessage.textContent())?.trim() === '由一条已不在列表中的规则应答'
          ? true
          : undefined,
      'the removed rule named in Chinese',
    );
    await page.getByTestId('lang-switch').selectOption('en');
  },
);
