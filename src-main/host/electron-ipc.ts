// The Electron IPC host: the same frames as the web host, carried on one IPC channel. Every
// incoming message is checked for its sender (our window, its top frame, an app:// page)
// before its frame is validated and handed to the Core.

import type {
  CommandName,
  CommandParams,
  CommandResult,
  CoreApi,
  ServerFrame,
} from '../protocol/types';
import { isAppUrl } from './electron-policy';
import { openFrameChannel, type FrameChannel } from './frames';
import { FRAME_CHANNEL, OPEN_CHANNEL } from './ipc-channel';

/** The parts of Electron's IpcMainEvent the host relies on. */
export interface IpcSenderEvent {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

type IpcListener = (event: IpcSenderEvent, frame: unknown) => void;

/** The parts of Electron's ipcMain the host relies on. */
export interface IpcMainLike {
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

/** The parts of the window's WebContents the host relies on. */
export interface WebContentsLike {
  send(channel: string, frame: ServerFrame): void;
  isDestroyed(): boolean;
  on(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcHostOptions {
  core: CoreApi;
  ipcMain: IpcMainLike;
  webContents: WebContentsLike;
  /** Called for each refused message (for logging); never required. */
  onRefused?: (reason: string) => void;
  /** Forward raw `data` events to the window (default false: the UI does not use them). */
  dataEvents?: boolean;
  /**
   * Answers `export.har.save`: the shell asks where with the system's save dialog and streams
   * the HAR there. Without it the Core refuses the command (no page chooses a path itself).
   */
  saveHar?: (params: CommandParams<'export.har.save'>) => Promise<CommandResult<'export.har.save'>>;
}

/** Why a message must be ignored, or null when it comes from our own app page. */
export function refuseSender(event: IpcSenderEvent, ours: WebContentsLike): string | null {
  if (event.sender !== ours) return 'sender is not the app window';
  const frame = event.senderFrame;
  if (frame === null) return 'sender frame is gone';
  if (frame.parent !== null) return 'sender is a subframe';
  if (!isAppUrl(frame.url)) return `sender page is not an app page: ${frame.url.slice(0, 80)}`;
  return null;
}

/**
 * Connects the window to the Core. The preload of each new document asks for a channel on
 * OPEN_CHANNEL before the page can send anything (IPC keeps order), so a reload is greeted
 * with `hello` again. Returns a function that detaches everything.
 */
export function attachIpcHost(options: IpcHostOptions): () => void {
  const { ipcMain, webContents } = options;
  const saveHar = options.saveHar;
  const core: CoreApi = saveHar
    ? {
        call: <K extends CommandName>(name: K, params: CommandParams<K>) =>
          name === 'export.har.save'
            ? (saveHar(params as CommandParams<'export.har.save'>) as Promise<CommandResult<K>>)
            : options.core.call(name, params),
        subscribe: (listener, subscribeOptions) =>
          options.core.subscribe(listener, subscribeOptions),
      }
    : options.core;
  let channel: FrameChannel | null = null;
  let detached = false;

  const send = (frame: ServerFrame): void => {
    if (!webContents.isDestroyed()) webContents.send(FRAME_CHANNEL, frame);
  };
  const closeChannel = (): void => {
    channel?.close();
    channel = null;
  };

  const trusted = (event: IpcSenderEvent): boolean => {
    const refusal = refuseSender(event, webContents);
    if (refusal !== null) options.onRefused?.(refusal);
    return refusal === null;
  };
  const onOpen: IpcListener = (event) => {
    if (detached || !trusted(event)) return;
    closeChannel();
    channel = openFrameChannel(core, send, { data: options.dataEvents === true });
  };
  const onFrame: IpcListener = (event, frame) => {
    // Parts of a big frame are joined first; every frame sent back fits MAX_FRAME_BYTES.
    if (trusted(event)) channel?.incoming.value(frame);
  };

  ipcMain.on(OPEN_CHANNEL, onOpen);
  ipcMain.on(FRAME_CHANNEL, onFrame);
  webContents.on('destroyed', closeChannel);

  return () => {
    detached = true;
    closeChannel();
    ipcMain.removeListener(OPEN_CHANNEL, onOpen);
    ipcMain.removeListener(FRAME_CHANNEL, onFrame);
  };
}
