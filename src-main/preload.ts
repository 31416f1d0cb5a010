// The sandboxed preload: exposes exactly `window.socketscope = { send, onFrame }` (PreloadApi)
// and nothing of ipcRenderer itself. Frames that arrive before the page subscribes (the
// `hello`, early events) are held and delivered to the first subscriber.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ClientFrame, PreloadApi, ServerFrame } from './protocol/types';
import { FRAME_CHANNEL, OPEN_CHANNEL } from './host/ipc-channel';

const MAX_HELD_FRAMES = 10_000;

const listeners = new Set<(frame: ServerFrame) => void>();
const held: ServerFrame[] = [];

function deliver(frame: ServerFrame): void {
  for (const listener of listeners) {
    try {
      listener(frame);
    } catch (error) {
      console.error('socketscope: a frame listener failed', error);
    }
  }
}

ipcRenderer.on(FRAME_CHANNEL, (_event: IpcRendererEvent, frame: ServerFrame) => {
  if (listeners.size > 0) {
    deliver(frame);
    return;
  }
  held.push(frame);
  if (held.length > MAX_HELD_FRAMES) held.splice(0, held.length - MAX_HELD_FRAMES);
});

const api: PreloadApi = {
  send(frame: ClientFrame): void {
    ipcRenderer.send(FRAME_CHANNEL, frame);
  },
  onFrame(listener: (frame: ServerFrame) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onFrame needs a function.');
    listeners.add(listener);
    if (held.length > 0) {
      for (const frame of held.splice(0)) deliver(frame);
    }
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('socketscope', api);
ipcRenderer.send(OPEN_CHANNEL);
