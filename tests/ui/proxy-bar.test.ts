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
