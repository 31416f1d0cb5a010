// The server bar's body limit: seeded from the server's state, applied at start, refused when it
// is not a size, and a body over it is answered 413 naming it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
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

function post(port: number, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(5000, () => socket.destroy());
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n`);
  });
}

test('the max body field sets the limit a 413 names', { skip: missing ?? false }, async () => {
  const { page, core } = ui;
  const field = page.getByTestId('server-max-body');
  await eventually(async () => ((await field.inputValue()) === '10' ? true : undefined), 'seed');
  await page.getByTestId('server-port').fill('0');
  await field.fill('ten');
  await page.getByTestId('server-toggle').click();
  await page.getByRole('alert').filter({ hasText: 'Max body must be' }).waitFor();
  await field.fill('0.5');
  await page.getByTestId('server-toggle').click();
  const state = await eventually(async () => {
    const { server } = await core.call('snapshot', {});
    return server.status === 'listening' ? server : undefined;
  }, 'server listening');
  assert.equal(state.maxBodyBytes, 512 * 1024);
  assert.equal(await field.isDisabled(), true, 'fixed while the server runs');
  const answer = await post(state.port, 600 * 1024);
  assert.match(answer, /^HTTP\/1\.1 413 /);
  assert.match(answer, /The limit is 524288 bytes/);
  assert.deepEqual(
    ui.pageErrors.filter((e) => !/favicon\.ico/.test(e)),
    [],
  );
});
