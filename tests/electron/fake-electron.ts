// A stand-in for the `electron` module, just wide enough for src-main/main.ts, so the shell's
// wiring runs in plain Node where no Electron binary can. Everything it is asked to do is
// recorded in one state object on globalThis, shared by the bundled shell and the test.

import { EventEmitter } from 'node:events';

export interface PreventableEvent {
  prevented: boolean;
  preventDefault(): void;
}

export function preventable<T extends object>(fields: T): T & PreventableEvent {
  return {
    ...fields,
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;
type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; payload: unknown }[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface FakeElectronState {
  log: string[];
  singleInstanceLock: boolean;
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response> | Response>;
  windows: FakeBrowserWindow[];
  paths: Map<string, string>;
  permissionRequestHandler: PermissionRequestHandler | null;
  permissionCheckHandler: (() => boolean) | null;
  headersListener: HeadersListener | null;
  openedExternally: string[];
  quitting: boolean;
  quitted: boolean;
  app: FakeApp;
  ipcMain: EventEmitter;
}

class FakeApp extends EventEmitter {
  requestSingleInstanceLock(): boolean {
    state().log.push('requestSingleInstanceLock');
    return state().singleInstanceLock;
  }
  whenReady(): Promise<void> {
    state().log.push('whenReady');
    return Promise.resolve();
  }
  getPath(name: string): string {
    return state().paths.get(name) ?? `/nonexistent/${name}`;
  }
  setPath(name: string, value: string): void {
    state().paths.set(name, value);
  }
  getAppPath(): string {
    return state().paths.get('app') ?? process.cwd();
  }
  quit(): void {
    state().log.push('quit');
    const event = preventable({});
    this.emit('before-quit', event);
    if (!event.prevented) state().quitted = true;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  shown = false;
  constructor(
    readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>,
  ) {
    super();
    state().windows.push(this);
    state().app.emit('web-contents-created', preventable({}), this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

const KEY = '__socketscopeFakeElectron';

export function state(): FakeElectronState {
  const holder = globalThis as unknown as Record<string, FakeElectronState | undefined>;
  let current = holder[KEY];
  if (!current) {
    current = {
      log: [],
      singleInstanceLock: true,
      schemes: [],
      protocolHandlers: new Map(),
      windows: [],
      paths: new Map(),
      permissionRequestHandler: null,
      permissionCheckHandler: null,
      headersListener: null,
      openedExternally: [],
      quitting: false,
      quitted: false,
      app: new FakeApp(),
      ipcMain: new EventEmitter(),
    };
    holder[KEY] = current;
  }
  return current;
}

export const app = state().app;
export const ipcMain = state().ipcMain;
export const BrowserWindow = FakeBrowserWindow;

export const protocol = {
  registerSchemesAsPrivileged(
    schemes: { scheme: string; privileges: Record<string, boolean> }[],
  ): void {
    state().log.push('registerSchemesAsPrivileged');
    state().schemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    state().log.push(`protocol.handle ${scheme}`);
    state().protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: PermissionRequestHandler): void {
      state().permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: () => boolean): void {
      state().permissionCheckHandler = handler;
    },
    webRequest: {
      onHeadersReceived(listener: HeadersListener): void {
        state().headersListener = listener;
      },
    },
  },
};

/** The save dialog answers with what a test put in `state().saveDialogPath` (default: cancel). */
export const dialog = {
  showSaveDialog(
    _window: unknown,
    options: { defaultPath?: string },
  ): Promise<{ canceled: boolean; filePath?: string }> {
    state().log.push(`showSaveDialog ${options.defaultPath ?? ''}`);
    const path = (state() as { saveDialogPath?: string }).saveDialogPath;
    return Promise.resolve(path ? { canceled: false, filePath: path } : { canceled: true });
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    state().openedExternally.push(url);
  },
};
