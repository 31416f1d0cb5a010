// The Electron shell: one window on the Core. The UI is served from the app:// scheme (a
// privileged standard scheme, see docs/security.md), sandboxed, without Node, under a strict
// CSP; navigation, new windows and permission requests are denied.

import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerState } from './protocol/types';
import { createCore } from './host/core';
import { rendererCsp } from './host/csp';
import { attachIpcHost } from './host/electron-ipc';
import { saveHarAs } from './host/har-tasks';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  appUrlToFile,
  isAppUrl,
  isCaptureServerUrl,
  isSubframeUrl,
} from './host/electron-policy';
import { contentTypeFor } from './host/content-types';
import { NO_EXCHANGES } from './protocol/exchange-interest';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', 'renderer');
const preloadPath = join(here, 'preload.cjs');
const csp = rendererCsp();

protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function serveAppFile(request: Request): Promise<Response> {
  const file =
    request.method === 'GET' || request.method === 'HEAD'
      ? appUrlToFile(rendererDir, request.url)
      : null;
  const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' };
  if (file === null) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...headers, 'Content-Type': contentTypeFor(file) },
    });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

/** Applies the navigation and window rules to every WebContents the app ever creates. */
function lockDown(contents: WebContents, captureServerPort: () => number | null): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (details) => {
    if (details.isMainFrame || !isSubframeUrl(details.url)) details.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isCaptureServerUrl(url, captureServerPort())) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

async function start(): Promise<void> {
  if (process.env.SOCKETSCOPE_HOME) app.setPath('userData', process.env.SOCKETSCOPE_HOME);
  await app.whenReady();

  const core = await createCore({
    home: app.getPath('userData'),
    assetsDir: join(app.getAppPath(), 'assets'),
    // The session that was current when the app last stopped (a new one when it cannot be).
    resume: true,
  });
  let server: ServerState | null = null;
  // Only the server state matters here; raw data events are left out so they are not batched.
  core.subscribe(
    (events) => {
      for (const event of events) if (event.type === 'server') server = event.state;
    },
    { data: false, interest: NO_EXCHANGES },
  );
  const captureServerPort = (): number | null =>
    server?.status === 'listening' ? server.port : null;

  const appSession = session.defaultSession;
  appSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  appSession.setPermissionCheckHandler(() => false);
  appSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  protocol.handle(APP_SCHEME, serveAppFile);
  app.on('web-contents-created', (_event, contents) => lockDown(contents, captureServerPort));

  let window: BrowserWindow | null = null;
  let detachIpc: (() => void) | null = null;
  const openWindow = (): void => {
    window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 720,
      minHeight: 480,
      title: 'Socketscope',
      show: false,
      webPreferences: {
        preload: preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        webviewTag: false,
        allowRunningInsecureContent: false,
        spellcheck: false,
      },
    });
    detachIpc = attachIpcHost({
      core,
      ipcMain,
      webContents: window.webContents,
      onRefused: (reason) => console.warn(`socketscope: IPC message refused: ${reason}`),
      // HAR export to a file the user picks, written entry by entry.
      saveHar: (params) =>
        saveHarAs(
          (options, sink) => core.exportHar(options, sink),
          async (defaultPath) => {
            const owner = window;
            if (owner === null) return null;
            const choice = await dialog.showSaveDialog(owner, {
              defaultPath,
              filters: [{ name: 'HAR', extensions: ['har'] }],
            });
            return choice.canceled || !choice.filePath ? null : choice.filePath;
          },
          params,
        ),
    });
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => {
      detachIpc?.();
      detachIpc = null;
      window = null;
    });
    void window.loadURL(APP_ENTRY_URL);
  };

  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (window === null) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing: Promise<void> | null = null;
  app.on('before-quit', (event) => {
    if (closing === null) {
      event.preventDefault();
      closing = core
        .close()
        .catch((error: unknown) => console.error('socketscope: closing the core failed', error))
        .finally(() => app.quit());
    }
  });

  const port = Number(process.env.SOCKETSCOPE_PORT);
  await core
    .call(
      'server.start',
      Number.isInteger(port) && port >= 0 && process.env.SOCKETSCOPE_PORT ? { port } : {},
    )
    .catch((error: unknown) =>
      console.error('socketscope: the capture server did not start', error),
    );
  openWindow();
}
