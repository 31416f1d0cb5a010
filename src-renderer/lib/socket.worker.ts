// Holds the web host's WebSocket off the main thread: event frames of a busy capture can be
// megabytes of JSON, and parsing them here keeps the UI's main thread free. Events are forwarded
// in slices so each one is cheap to receive, and raw `data` chunks, which the UI does not use,
// are dropped.
import { MAX_MESSAGE_BYTES, type CoreEvent, type ServerFrame } from '../../src-main/protocol/types';
import { isPartFrame, PartJoiner } from '../../src-main/protocol/parts';
import type { WorkerInbound, WorkerOutbound } from './socket-messages';

const sliceSize = 250;
const scope = self as unknown as {
  postMessage(message: WorkerOutbound): void;
  onmessage: ((event: MessageEvent<WorkerInbound>) => void) | null;
};
let socket: WebSocket | null = null;
/** Frames bigger than the bound arrive in parts: joined here, parsed once whole. */
const joiner = new PartJoiner(MAX_MESSAGE_BYTES * 2);

function forward(text: string): void {
  let frame: ServerFrame;
  try {
    frame = JSON.parse(text) as ServerFrame;
  } catch {
    return;
  }
  if (isPartFrame(frame)) {
    const joined = joiner.push(frame);
    if (joined.kind === 'text') forward(joined.text);
    return;
  }
  if (frame.kind !== 'events' || !Array.isArray(frame.events)) {
    scope.postMessage({ type: 'frame', frame });
    return;
  }
  const events = coalesce(frame.events);
  for (let i = 0; i < events.length; i += sliceSize) {
    scope.postMessage({
      type: 'frame',
      frame: { kind: 'events', events: events.slice(i, i + sliceSize) },
    });
  }
}

/**
 * Drops `data` events and keeps one update per exchange: the last summary, at the position of
 * the first (a request and its response often arrive in the same batch).
 */
function coalesce(input: CoreEvent[]): CoreEvent[] {
  const out: CoreEvent[] = [];
  const at = new Map<string, number>();
  for (const event of input) {
    if (event.type === 'data') continue;
    if (event.type === 'cleared') at.clear();
    if (event.type === 'exchange') {
      const index = at.get(event.exchange.exchangeId);
      if (index !== undefined) {
        out[index] = event;
        continue;
      }
      at.set(event.exchange.exchangeId, out.length);
    }
    out.push(event);
  }
  return out;
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'connect') {
    const ws = new WebSocket(message.url);
    socket = ws;
    ws.onopen = () => scope.postMessage({ type: 'open' });
    ws.onclose = () => scope.postMessage({ type: 'close' });
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') forward(m.data);
    };
  } else if (message.type === 'send') {
    if (socket?.readyState === WebSocket.OPEN) socket.send(message.text);
  }
};
