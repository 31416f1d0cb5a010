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

export type LinkStatus = 'connecting' | 'open' | 'closed';

export interface CoreClient extends CoreApi {
  /** Called with 'open' after every (re)connection, so the caller can take a fresh snapshot. */
  onStatus(listener: (status: LinkStatus) => void): () => void;
  status(): LinkStatus;
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
  return kind === 'hello' || kind === 'reply' || kind === 'events';
}

/** Shared frame bookkeeping: request ids, pending replies, event listeners, link status. */
class FrameClient implements CoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(events: CoreEvent[]) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private linkStatus: LinkStatus = 'connecting';

  constructor(private readonly sendFrame: (frame: ClientFrame) => boolean) {}

  call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    const id = this.nextId++;
    return new Promise<CommandResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => resolve(v as CommandResult<K>), reject });
      if (!this.sendFrame({ kind: 'command', id, name, params })) {
        this.pending.delete(id);
        reject(new CoreError('DISCONNECTED', 'Not connected to the core'));
      }
    });
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
    for (const listener of this.statusListeners) listener(status);
  }

  receive(frame: unknown): void {
    if (!isServerFrame(frame)) return;
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

function connectWebSocket(): Promise<CoreClient> {
  let socket: WebSocket | null = null;
  let attempt = 0;
  const client = new FrameClient((frame) => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  });

  return new Promise<CoreClient>((resolveFirst) => {
    let announced = false;
    const open = (): void => {
      client.setStatus('connecting');
      const ws = new WebSocket(webSocketUrl());
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        client.setStatus('open');
        if (!announced) {
          announced = true;
          resolveFirst(client);
        }
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string') return;
        try {
          client.receive(JSON.parse(message.data));
        } catch {
          // A malformed frame is ignored; the next ones still count.
        }
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        client.setStatus('closed');
        if (!announced) {
          announced = true;
          resolveFirst(client);
        }
        const delay = Math.min(250 * 2 ** attempt, 5000);
        attempt++;
        setTimeout(open, delay);
      };
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
