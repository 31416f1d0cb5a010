// The server bar's proxy fields: the upstream makes a reverse proxy to that origin; the forward
// proxy switch, with HTTPS interception, a forward proxy that decrypts with the local CA.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;

before(async () => {
  if (missing) return;
  ui = await startUi();
});

after(async () => {
  await ui?.close();
});

test('the upstream field starts a reverse proxy to it', { skip: missing ?? false }, async () => {
  const origin = createServer((request, res) => res.end(`from the origin: ${request.url}`));
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', () => resolve()));
  try {
    const { page, core } = ui;
    const originPort = (origin.address() as { port: number }).port;
    await page.getByTestId('server-port').fill('0');
    await page.getByTestId('server-upstream').fill(`http://127.0.0.1:${originPort}`);
    await page.getByTestId('server-toggle').click();
    const state = await eventually(async () => {
      const { server } = await core.call('snapshot', {});
      return server.status === 'listening' ? server : undefined;
    }, 'server listening');
    const answer = await fetch(`http://127.0.0.1:${state.port}/through`);
    assert.equal(await answer.text(), 'from the origin: /through');
    assert.equal(await page.getByTestId('server-upstream').isDisabled(), true);
    // A reverse proxy's address is the upstream's site: it opens in a browser.
    await page.getByTestId('open-in-browser').waitFor();
    assert.equal(await page.getByTestId('open-intercept').count(), 0);
  } finally {
    origin.closeAllConnections();
    origin.close();
  }
});

test(
  'the forward proxy with HTTPS interception starts from the bar',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    await page.getByTestId('server-toggle').click();
    await eventually(async () => {
      const { server } = await core.call('snapshot', {});
      return server.status === 'stopped' ? true : undefined;
    }, 'server stopped');
    assert.equal(
      await page.getByTestId('server-intercept').isDisabled(),
      true,
      'only with the forward proxy',
    );
    await page.getByTestId('server-forward-proxy').check();
    await page.getByTestId('server-intercept').check();
    await page.getByTestId('server-toggle').click();
    const snapshot = await eventually(async () => {
      const found = await core.call('snapshot', {});
      return found.server.status === 'listening' ? found : undefined;
    }, 'proxy listening');
    assert.equal(snapshot.settings.proxy, true);
    assert.equal(snapshot.settings.intercept, true);
    assert.equal(snapshot.settings.upstream, undefined);
    // The CA was made in the data folder on this first use.
    assert.ok(existsSync(join(ui.home, 'ca', 'ca-cert.pem')));
    // The proxy's own address answers only absolute URLs: the bar points at the Intercept tab
    // instead of opening it in a browser.
    const pointer = page.getByTestId('open-intercept');
    await pointer.waitFor();
    assert.equal(await page.getByTestId('open-in-browser').count(), 0);
    assert.match((await pointer.textContent()) ?? '', /Point a browser or terminal at the proxy/);
    await pointer.click();
    await page.getByTestId('intercept-panel').waitFor();
    assert.equal(
      await page.getByTestId('main-tab-intercept').getAttribute('aria-selected'),
      'true',
    );
  },
);

test(
  'the lesson, opened while the forward proxy runs, says so and restarts the server as itself',
  { skip: missing ?? false },
  async () => {
    const { page, core } = ui;
    assert.equal((await core.call('snapshot', {})).server.proxy, 'forward');
    await page.getByTestId('lesson-open').click();
    await page.getByTestId('lesson-step-start').click();
    const check = page.getByTestId('lesson-check-listening');
    await eventually(
      async () => (/as a forward proxy/.test(await check.innerText()) ? true : undefined),
      'the check saying the server is a forward proxy',
    );
    assert.equal(await check.getAttribute('data-done'), 'false');
    // The proxy's own address is no page to open: the lesson offers the restart instead.
    const lesson = page.getByTestId('lesson');
    assert.equal(await lesson.locator('a[href]').count(), 0);
    await page.getByTestId('lesson-restart-plain').click();
    await page.locator('[data-testid="lesson-check-listening"][data-done="true"]').waitFor();
    const { server, settings } = await core.call('snapshot', {});
    assert.equal(server.status, 'listening');
    assert.equal(server.proxy, null);
    assert.ok(!settings.proxy && !settings.intercept, 'the forward proxy and interception are off');
    assert.equal(settings.upstream, undefined);
    const href = await lesson.locator('a[href]').getAttribute('href');
    assert.equal(href, server.url);
    const answer = await fetch(href ?? '');
    assert.match(await answer.text(), /test\.jpg/, 'the server itself answers with its page');
    // The bar agrees: its forward proxy switch is off and the address opens in a browser.
    assert.equal(await page.getByTestId('server-forward-proxy').isChecked(), false);
    await page.getByTestId('open-in-browser').waitFor();
    await page.getByTestId('lesson-close').click();
  },
);
