// src-main/main.ts run in plain Node against a stand-in `electron` module (fake-electron.ts) and
// the real Core: the window's preferences, the app:// handler, the navigation, window and
// permission rules, IPC end to end with a capture, and the quit that closes the Core. What only
// a real Chromium can show (the page really lacks `require`, a real navigation is really
// blocked) is tests/electron/app.test.ts, which needs the Electron binary.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FRAME_CHANNEL, OPEN_CHANNEL } from '../../src-main/host/ipc-channel';
import type { ServerFrame, Snapshot } from '../../src-main/protocol/types';
import { preventable, state, type FakeBrowserWindow } from './fake-electron';

const work = mkdtempSync(join(tmpdir(), 'socketscope-shell-'));
const previousEnv = { home: process.env.SOCKETSCOPE_HOME, port: process.env.SOCKETSCOPE_PORT };
let appWindow: FakeBrowserWindow;

async function until<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

before(async () => {
  // The bundle goes to <work>/main/main.js, so main.ts finds the renderer at <work>/renderer.
  mkdirSync(join(work, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(work, 'renderer', 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(work, 'renderer', 'assets', 'app.js'), 'export {};');
  writeFileSync(join(work, 'secret.txt'), 'secret');
  await build({
    entryPoints: ['src-main/main.ts'],
    outfile: join(work, 'main', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias: { electron: resolve('tests/electron/fake-electron.ts') },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'silent',
  });
  process.env.SOCKETSCOPE_HOME = join(work, 'home');
  process.env.SOCKETSCOPE_PORT = '0';
  state().paths.set('app', resolve('.'));
  await import(pathToFileURL(join(work, 'main', 'main.js')).href);
  appWindow = await until(() => state().windows[0], 'the window');
});

after(async () => {
  if (!state().quitted) state().app.quit();
  await until(() => state().quitted, 'quit').catch(() => undefined);
  process.env.SOCKETSCOPE_HOME = previousEnv.home;
  process.env.SOCKETSCOPE_PORT = previousEnv.port;
  if (previousEnv.home === undefined) delete process.env.SOCKETSCOPE_HOME;
  if (previousEnv.port === undefined) delete process.env.SOCKETSCOPE_PORT;
  rmSync(work, { recursive: true, force: true });
});

test('the app:// scheme is privileged before ready, and one instance is enforced', () => {
  const { log, schemes } = state();
  assert.ok(log.indexOf('registerSchemesAsPrivileged') < log.indexOf('whenReady'));
  assert.ok(log.indexOf('requestSingleInstanceLock') < log.indexOf('whenReady'));
  assert.deepEqual(
    schemes.map((s) => [s.scheme, s.privileges.standard, s.privileges.secure]),
    [['app', true, true]],
  );
  assert.ok(log.indexOf('protocol.handle app') > log.indexOf('whenReady'));
});

test('one window: sandboxed, isolated, no Node, web security on, no webview, our preload', () => {
  assert.equal(state().windows.length, 1);
  const prefs = appWindow.options.webPreferences ?? {};
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.preload, join(work, 'main', 'preload.cjs'));
  assert.equal(appWindow.loadedUrl, 'app://socketscope/index.html');
  assert.equal(
    state().paths.get('userData'),
    join(work, 'home'),
    'SOCKETSCOPE_HOME becomes userData',
  );
});

test('app:// serves the renderer with the CSP, and nothing outside it', async () => {
  const handle = state().protocolHandlers.get('app');
  assert.ok(handle);
  const page = await handle(new Request('app://socketscope/index.html'));
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await page.text(), '<!doctype html><div id="app"></div>');
  const script = await handle(new Request('app://socketscope/assets/app.js'));
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const url of [
    'app://socketscope/..%2fsecret.txt',
    'app://socketscope/%2e%2e%2fsecret.txt',
    'app://socketscope/../secret.txt',
    'app://socketscope/missing.js',
    'app://elsewhere/index.html',
  ]) {
    const response = await handle(new Request(url));
    assert.equal(response.status, 404, url);
    assert.notEqual(await response.text(), 'secret', url);
  }
  const post = await handle(
    new Request('app://socketscope/index.html', { method: 'POST', body: 'x' }),
  );
  assert.equal(post.status, 404);
});

test('permissions are denied and every response gets the CSP', () => {
  const { permissionRequestHandler, permissionCheckHandler, headersListener } = state();
  const answers: boolean[] = [];
  for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
    permissionRequestHandler?.(appWindow.webContents, permission, (granted) =>
      answers.push(granted),
    );
  }
  assert.deepEqual(answers, [false, false, false, false]);
  assert.equal(permissionCheckHandler?.(), false);
  let headers: Record<string, string[]> | undefined;
  headersListener?.(
    { responseHeaders: { 'x-other': ['1'] } },
    (r) => (headers = r.responseHeaders),
  );
  assert.deepEqual(headers?.['x-other'], ['1']);
  assert.match(headers?.['Content-Security-Policy']?.[0] ?? '', /default-src 'self'/);
});

test('navigation, subframe escapes, webviews and new windows are denied', () => {
  const contents = appWindow.webContents;
  const navigate = preventable({});
  contents.emit('will-navigate', navigate, 'https://example.com/');
  assert.ok(navigate.prevented);

  const frameTo = (url: string, isMainFrame: boolean) => {
    const details = preventable({ url, isMainFrame });
    contents.emit('will-frame-navigate', details);
    return details.prevented;
  };
  assert.equal(frameTo('https://example.com/', false), true);
  assert.equal(frameTo('http://127.0.0.1:8080/', false), true);
  assert.equal(frameTo('about:srcdoc', false), false);
  assert.equal(frameTo('about:srcdoc', true), true);

  const redirect = preventable({});
  contents.emit('will-redirect', redirect, 'https://example.com/');
  assert.ok(redirect.prevented);
  const webview = preventable({});
  contents.emit('will-attach-webview', webview);
  assert.ok(webview.prevented);

  assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://example.com/' }), {
    action: 'deny',
  });
  assert.deepEqual(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(state().openedExternally, []);
});

test('IPC end to end: hello, snapshot, a capture, the capture-server link; strangers ignored', async () => {
  const contents = appWindow.webContents;
  const ours = {
    sender: contents,
    senderFrame: { url: 'app://socketscope/index.html', parent: null },
  };
  const frames = (): ServerFrame[] =>
    contents.sent.filter((m) => m.channel === FRAME_CHANNEL).map((m) => m.payload as ServerFrame);

  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (message: string) => warnings.push(message);
  try {
    state().ipcMain.emit(OPEN_CHANNEL, {
      sender: contents,
      senderFrame: { url: 'https://evil.example/', parent: null },
    });
    state().ipcMain.emit(
      FRAME_CHANNEL,
      { sender: {}, senderFrame: ours.senderFrame },
      { kind: 'command', id: 1, name: 'snapshot' },
    );
  } finally {
    console.warn = warn;
  }
  assert.equal(frames().length, 0, 'nothing answers a stranger');
  assert.equal(warnings.length, 2);

  state().ipcMain.emit(OPEN_CHANNEL, ours);
  assert.equal(frames()[0]?.kind, 'hello');
  state().ipcMain.emit(FRAME_CHANNEL, ours, {
    kind: 'command',
    id: 7,
    name: 'snapshot',
    params: {},
  });
  const reply = await until(
    () => frames().find((f) => f.kind === 'reply' && f.id === 7),
    'snapshot reply',
  );
  assert.ok(reply.kind === 'reply' && reply.ok);
  const server = (reply.result as Snapshot).server;
  assert.equal(server.status, 'listening');

  await fetch(`http://127.0.0.1:${server.port}/seen-through-ipc`);
  await until(
    () =>
      frames().some(
        (f) =>
          f.kind === 'events' &&
          f.events.some((e) => e.type === 'exchange' && e.exchange.target === '/seen-through-ipc'),
      ),
    'the capture as an events frame',
  );

  const link = `http://127.0.0.1:${server.port}/`;
  assert.deepEqual(contents.windowOpenHandler?.({ url: link }), { action: 'deny' });
  assert.deepEqual(contents.windowOpenHandler?.({ url: `http://127.0.0.1:${server.port + 1}/` }), {
    action: 'deny',
  });
  assert.deepEqual(
    state().openedExternally,
    [link],
    'only the capture server link goes to the browser',
  );
});

test('quitting waits for the Core to close: the capture server stops', async () => {
  const contents = appWindow.webContents;
  const ours = {
    sender: contents,
    senderFrame: { url: 'app://socketscope/index.html', parent: null },
  };
  state().ipcMain.emit(FRAME_CHANNEL, ours, {
    kind: 'command',
    id: 8,
    name: 'snapshot',
    params: {},
  });
  const reply = await until(
    () =>
      contents.sent
        .map((m) => m.payload as ServerFrame)
        .find((f) => f.kind === 'reply' && f.id === 8),
    'snapshot reply',
  );
  const port = reply.kind === 'reply' && reply.ok ? (reply.result as Snapshot).server.port : 0;
  assert.ok(port > 0);

  state().app.quit();
  assert.equal(state().quitted, false, 'the first quit is held');
  await until(() => state().quitted, 'the quit to complete');
  await assert.rejects(
    new Promise<void>((resolveConnect, rejectConnect) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolveConnect();
      });
      socket.on('error', rejectConnect);
    }),
    /ECONNREFUSED/,
  );
});
