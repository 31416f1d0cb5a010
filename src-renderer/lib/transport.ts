// Connects the UI to the Core: through the Electron preload when present, else over the web
// host's WebSocket (same origin, token from the page URL), with reconnect and backoff.
import type {
  ClientFrame,
  CommandName,
  CommandParams,
  CommandResult,
  CoreApi,
  CoreEvent,
  PreloadApi,
  ServerFrame,
} from '../../src-main/protocol/types';
import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../../src-main/protocol/types';
import { isPartFrame, PartJoiner, splitIntoParts } from '../../src-main/protocol/parts';
import type { WorkerInbound, WorkerOutbound } from './socket-messages';

export type LinkStatus = 'connecting' | 'open' | 'closed';

export interface CoreClient extends CoreApi {
  /** Called with 'open' after every (re)connection, so the caller can take a fresh snapshot. */
  onStatus(listener: (status: LinkStatus) => void): () => void;
  status(): LinkStatus;
  /** The selected exchange: its updates keep coming however thin a flood of events is made. */
  pin?(exchangeId: string | null): void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

declare global {
  interface Window {
    socketscope?: PreloadApi;
  }
}

export class CoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isServerFrame(value: unknown): value is ServerFrame {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'hello' || kind === 'reply' || kind === 'events' || kind === 'part';
}

/** Shared frame bookkeeping: request ids, pending replies, event listeners, link status. */
class FrameClient implements CoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(events: CoreEvent[]) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private linkStatus: LinkStatus = 'connecting';
  private readonly joiner = new PartJoiner(MAX_MESSAGE_BYTES * 2);
  /** The pinned exchange; the Core's channel is told, and a socket worker (it thins events too). */
  pinned: string | null = null;
  onPin: (exchangeId: string | null) => void = () => undefined;

  constructor(private readonly sendFrame: (frame: ClientFrame) => boolean) {}

  pin(exchangeId: string | null): void {
    this.pinned = exchangeId;
    this.onPin(exchangeId);
    this.sendFrame({ kind: 'watch', exchangeId });
  }

  call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    const id = this.nextId++;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CommandResult<K>), reject });
      if (!this.sendBounded({ kind: 'command', id, name, params })) {
        this.pending.delete(id);
        reject(new CoreError('DISCONNECTED', 'Not connected to the core'));
      }
    });
  }

  /** Sends the frame, or its parts when its JSON is over the frame bound. */
  private sendBounded(frame: ClientFrame): boolean {
    const text = JSON.stringify(frame);
    // Characters, not bytes: a frame near the bound is sent in parts to be sure.
    if (text.length * 3 <= MAX_FRAME_BYTES) return this.sendFrame(frame);
    for (const part of splitIntoParts(text)) if (!this.sendFrame(part)) return false;
    return true;
  }

  subscribe(listener: (events: CoreEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  status(): LinkStatus {
    return this.linkStatus;
  }

  setStatus(status: LinkStatus): void {
    if (status === this.linkStatus) return;
    this.linkStatus = status;
    if (status !== 'open') this.failPending('Disconnected from the core');
    // A new connection's channel knows nothing of the last one's selection.
    else if (this.pinned !== null) this.sendFrame({ kind: 'watch', exchangeId: this.pinned });
    for (const listener of this.statusListeners) listener(status);
  }

  receive(frame: unknown): void {
    if (!isServerFrame(frame)) return;
    if (isPartFrame(frame)) {
      const joined = this.joiner.push(frame);
      if (joined.kind !== 'text') return;
      try {
        this.receive(JSON.parse(joined.text));
      } catch {
        // A malformed frame is ignored; the next ones still count.
      }
      return;
    }
    if (frame.kind === 'events') {
      for (const listener of this.eventListeners) listener(frame.events);
    } else if (frame.kind === 'reply') {
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      this.pending.delete(frame.id);
      if (frame.ok) pending.resolve(frame.result);
      else pending.reject(new CoreError(frame.error.code, frame.error.message));
    }
  }

  private failPending(message: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(new CoreError('DISCONNECTED', message));
  }
}

function connectPreload(api: PreloadApi): CoreClient {
  const client = new FrameClient((frame) => {
    api.send(frame);
    return true;
  });
  api.onFrame((frame) => client.receive(frame));
  client.setStatus('open');
  return client;
}

function webSocketUrl(): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

/** One socket connection: a WebSocket held by a worker, or in this thread when workers fail. */
interface Link {
  send(text: string): boolean;
  close(): void;
  pin?(exchangeId: string | null): void;
}

interface LinkHandlers {
  open(): void;
  close(): void;
  frame(frame: unknown): void;
}

function workerLink(url: string, on: LinkHandlers): Link | null {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./socket.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
  let open = false;
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    open = false;
    worker.terminate();
    on.close();
  };
  worker.onmessage = (event: MessageEvent<WorkerOutbound>) => {
    const message = event.data;
    if (message.type === 'open') {
      open = true;
      on.open();
    } else if (message.type === 'close') finish();
    else on.frame(message.frame);
  };
  worker.onerror = () => finish();
  worker.postMessage({ type: 'connect', url } satisfies WorkerInbound);
  return {
    pin(exchangeId) {
      worker.postMessage({ type: 'pin', exchangeId } satisfies WorkerInbound);
    },
    send(text) {
      if (!open) return false;
      worker.postMessage({ type: 'send', text } satisfies WorkerInbound);
      return true;
    },
    close: finish,
  };
}

function directLink(url: string, on: LinkHandlers): Link {
  const ws = new WebSocket(url);
  ws.onopen = () => on.open();
  ws.onclose = () => on.close();
  ws.onmessage = (message) => {
    if (typeof message.data !== 'string') return;
    try {
      on.frame(JSON.parse(message.data));
    } catch {
      // A malformed frame is ignored; the next ones still count.
    }
  };
  return {
    send(text) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(text);
      return true;
    },
    close: () => ws.close(),
  };
}

let workersFailed = false;

function connectWebSocket(): Promise<CoreClient> {
  let link: Link | null = null;
  let attempt = 0;
  const client = new FrameClient((frame) => link?.send(JSON.stringify(frame)) ?? false);
  client.onPin = (exchangeId) => link?.pin?.(exchangeId);

  return new Promise<CoreClient>((resolveFirst) => {
    let announced = false;
    const announce = (): void => {
      if (announced) return;
      announced = true;
      resolveFirst(client);
    };
    const open = (): void => {
      client.setStatus('connecting');
      let opened = false;
      const handlers: LinkHandlers = {
        open() {
          opened = true;
          attempt = 0;
          client.setStatus('open');
          announce();
        },
        close() {
          if (link !== current) return;
          // A worker that never opened may be refused (CSP): use this thread from now on.
          if (!opened && viaWorker && attempt === 0) workersFailed = true;
          client.setStatus('closed');
          announce();
          const delay = Math.min(250 * 2 ** attempt, 5000);
          attempt++;
          setTimeout(open, delay);
        },
        frame: (frame) => client.receive(frame),
      };
      const url = webSocketUrl();
      const viaWorker = !workersFailed;
      const current: Link =
        (viaWorker ? workerLink(url, handlers) : null) ?? directLink(url, handlers);
      link = current;
      current.pin?.(client.pinned);
    };
    open();
  });
}

export function connectCore(): Promise<CoreClient> {
  if (typeof window !== 'undefined' && window.socketscope) {
    return Promise.resolve(connectPreload(window.socketscope));
  }
  return connectWebSocket();
}
