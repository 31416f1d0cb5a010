// The packaged shell under Playwright's Electron driver: the window opens on app://, the preload
// API is the only bridge, Node is out of reach, navigation is blocked, and a capture shows up.
// Where no Electron binary runs, every test is skipped with the reason printed, never passed.

import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { ClientFrame, PreloadApi, ServerFrame, Snapshot } from '../../src-main/protocol/types';
import { skipBecause } from '../skip';

const root = resolve('.');

/**
 * The Electron binary, read from the electron package's path.txt the way its index.js does,
 * but without index.js's side effect of downloading a missing binary (with no time bound).
 */
function electronBinary(): { path: string } | { reason: string } {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile))
    return { reason: 'node_modules/electron/path.txt is missing (binary never installed)' };
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, readFileSync(pathFile, 'utf8').trim())
    : join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { reason: `${binary} does not exist` };
  const version = spawnSync(binary, ['--version'], { timeout: 15_000, encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    const detail =
      version.error?.message ??
      (version.stderr.trim().split('\n').at(-1) || `exit ${version.status}`);
    return { reason: `\`electron --version\` failed (${detail})` };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { path: binary };
}

const binary = electronBinary();
const unavailable = 'reason' in binary ? `Electron binary not available: ${binary.reason}` : null;

let app: ElectronApplication | null = null;
let page: Page | null = null;
let home = '';

before(async () => {
  if (unavailable || !('path' in binary)) return;
  if (
    !existsSync(join(root, 'dist', 'main', 'main.js')) ||
    !existsSync(join(root, 'dist', 'renderer', 'index.html'))
  ) {
    const build = spawnSync('npm', ['run', 'build'], {
      cwd: root,
      stdio: 'inherit',
      timeout: 180_000,
    });
    assert.equal(build.status, 0, 'npm run build');
  }
  home = mkdtempSync(join(tmpdir(), 'socketscope-electron-'));
  app = await _electron.launch({
    executablePath: binary.path,
    args: ['.'],
    cwd: root,
    env: { ...process.env, SOCKETSCOPE_HOME: home, SOCKETSCOPE_PORT: '0' },
    timeout: 60_000,
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

after(async () => {
  await app?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Skips (with the reason printed) when Electron cannot run; otherwise returns the window. */
function windowOrSkip(t: TestContext): Page | null {
  if (unavailable || page === null) {
    const reason = unavailable ?? 'Electron binary not available: the app did not launch';
    skipBecause(t, reason);
    return null;
  }
  return page;
}

interface BridgedWindow {
  socketscope?: PreloadApi;
  require?: unknown;
  process?: unknown;
}

test('the window opens on the app:// page', (t) => {
  const win = windowOrSkip(t);
  if (!win) return;
  assert.match(win.url(), /^app:\/\/socketscope\//);
  assert.equal(app?.windows().length, 1);
});

test('the preload exposes exactly send and onFrame; Node is out of reach', async (t) => {
  const win = windowOrSkip(t);
  if (!win) return;
  const seen = await win.evaluate(() => {
    const w = window as unknown as BridgedWindow;
    return {
      keys: Object.keys(w.socketscope ?? {}).sort(),
      send: typeof w.socketscope?.send,
      onFrame: typeof w.socketscope?.onFrame,
      require: typeof w.require,
      process: typeof w.process,
      module: typeof (globalThis as Record<string, unknown>).module,
    };
  });
  assert.deepEqual(seen, {
    keys: ['onFrame', 'send'],
    send: 'function',
    onFrame: 'function',
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
  });
});

test('navigation away and new windows are blocked', async (t) => {
  const win = windowOrSkip(t);
  if (!win) return;
  const before = win.url();
  await win.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(win.url(), before);
  const opened = await win.evaluate(() => window.open('https://example.com/') === null);
  assert.equal(opened, true);
  assert.equal(app?.windows().length, 1);
});

test('a request to the capture server appears in the window', async (t) => {
  const win = windowOrSkip(t);
  if (!win) return;
  const frame: ClientFrame = { kind: 'command', id: 90_001, name: 'snapshot', params: {} };
  const reply = await win.evaluate(
    (command) =>
      new Promise<ServerFrame>((resolveReply) => {
        const bridge = (window as unknown as BridgedWindow).socketscope;
        const off = bridge?.onFrame((f) => {
          if (f.kind === 'reply' && f.id === command.id) {
            off?.();
            resolveReply(f);
          }
        });
        bridge?.send(command);
      }),
    frame,
  );
  assert.ok(reply.kind === 'reply' && reply.ok, JSON.stringify(reply));
  const snapshot = (reply as { result: Snapshot }).result;
  assert.equal(snapshot.server.status, 'listening');
  const response = await fetch(`http://127.0.0.1:${snapshot.server.port}/seen-in-electron`);
  assert.ok(response.status > 0);
  await win.getByText('/seen-in-electron').first().waitFor({ timeout: 10_000 });
});
