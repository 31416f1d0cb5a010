// The server bar's upstream field: a server started with it is a reverse proxy to that origin.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
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
  } finally {
    origin.closeAllConnections();
    origin.close();
  }
});
