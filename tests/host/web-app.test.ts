// The web app's restart: the UI port and the token are remembered in the data folder (user-only
// permissions), so a tab left open finds the host again; a taken port falls back and says so.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebApp, type WebApp } from '../../src-main/host/web-app';
import { readWebIdentity, webIdentityFile } from '../../src-main/host/web-identity';
import { skipBecause } from '../skip';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-webapp-'));
  homes.push(home);
  return home;
}
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const rendererDir = join(tmpdir(), 'socketscope-no-renderer');

function start(home: string, uiPort?: number): Promise<WebApp> {
  return startWebApp({
    home,
    capturePort: 0,
    rendererDir,
    ...(uiPort !== undefined ? { uiPort } : {}),
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('a restart keeps the UI port, the token and the session', async () => {
  const home = tempHome();
  const first = await start(home);
  const { port, token, url } = first.host;
  const session = first.core.sessionDir();
  await first.close();
  const path = webIdentityFile(home);
  if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { port, token });

  const second = await start(home);
  try {
    assert.equal(second.host.port, port);
    assert.equal(second.host.token, token);
    assert.equal(second.host.url, url, 'the open tab’s address works again');
    assert.equal(second.core.sessionDir(), session);
    assert.deepEqual(second.notes, []);
  } finally {
    await second.close();
  }
});

test('a taken UI port falls back to a free one, says so once, and is remembered', async () => {
  const home = tempHome();
  const first = await start(home);
  const { port, token } = first.host;
  await first.close();
  const blocker = await occupy(port);
  try {
    const second = await start(home);
    try {
      assert.notEqual(second.host.port, port);
      assert.equal(second.host.token, token, 'the token stays');
      assert.equal(second.notes.length, 1);
      assert.equal(second.notes[0]?.key, 'web.portTaken');
      assert.match(
        second.notes[0]?.text ?? '',
        new RegExp(
          `^The UI port ${port} is taken, so the UI is on port ${second.host.port} this time`,
        ),
      );
      assert.equal(readWebIdentity(home).port, second.host.port);
    } finally {
      await second.close();
    }
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test('a token file others can read, or one that is broken, gives a new token', async (t) => {
  if (process.platform === 'win32') {
    skipBecause(t, 'file modes are not POSIX permissions on Windows');
    return;
  }
  const home = tempHome();
  const first = await start(home);
  const { token } = first.host;
  await first.close();
  const path = webIdentityFile(home);
  chmodSync(path, 0o644);
  const second = await start(home);
  const { token: second_token } = second.host;
  await second.close();
  assert.notEqual(second_token, token, 'a token others could read is not reused');
  assert.equal(statSync(path).mode & 0o777, 0o600);

  writeFileSync(path, '{ "port": "x", "token": "short" }', { mode: 0o600 });
  assert.equal(readWebIdentity(home).port, null);
  assert.match(readWebIdentity(home).token, /^[A-Za-z0-9_-]{32}$/);
  writeFileSync(path, 'not json', { mode: 0o600 });
  assert.equal(readWebIdentity(home).port, null);
});

test('an explicit UI port wins over the remembered one', async () => {
  const home = tempHome();
  const first = await start(home);
  const remembered = first.host.port;
  await first.close();
  const probe = await occupy(0);
  const free = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const second = await start(home, free);
  try {
    assert.equal(second.host.port, free);
    assert.notEqual(free, remembered);
  } finally {
    await second.close();
  }
});
