// Holds the web host's WebSocket off the main thread: event frames of a busy capture can be
// megabytes of JSON, and parsing them here keeps the UI's main thread free. Events wait for one
// window (at most `windowMs`, none when the link was quiet) and leave thinned (see
// event-thinning.ts: raw `data` chunks and summaries of rows the page does not hold are dropped),
// in slices so each one is cheap to receive.
import { MAX_MESSAGE_BYTES, type ServerFrame } from '../../src-main/protocol/types';
import { isPartFrame, PartJoiner } from '../../src-main/protocol/parts';
import { rowsOfReply } from '../../src-main/protocol/exchange-interest';
import { EventThinner } from './event-thinning';
import type { WorkerInbound, WorkerOutbound } from './socket-messages';

const sliceSize = 250;
const windowMs = 100;
const scope = self as unknown as {
  postMessage(message: WorkerOutbound): void;
  onmessage: ((event: MessageEvent<WorkerInbound>) => void) | null;
};
let socket: WebSocket | null = null;
/** Frames bigger than the bound arrive in parts: joined here, parsed once whole. */
const joiner = new PartJoiner(MAX_MESSAGE_BYTES * 2);
const thinner = new EventThinner(sliceSize);
let lastFlush = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  lastFlush = performance.now();
  const events = thinner.take();
  for (let i = 0; i < events.length; i += sliceSize) {
    scope.postMessage({
      type: 'frame',
      frame: { kind: 'events', events: events.slice(i, i + sliceSize) },
    });
  }
}

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
    // Events that came before a reply go before it (its rows are newer than theirs).
    if (thinner.size > 0) flush();
    if (frame.kind === 'reply' && frame.ok) thinner.watchRows(rowsOfReply(frame.result));
    scope.postMessage({ type: 'frame', frame });
    return;
  }
  thinner.push(frame.events);
  if (timer !== null) return;
  const wait = lastFlush + windowMs - performance.now();
  if (wait <= 0) flush();
  else timer = setTimeout(flush, wait);
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'connect') {
    const ws = new WebSocket(message.url);
    socket = ws;
    ws.onopen = () => scope.postMessage({ type: 'open' });
    ws.onclose = () => {
      if (thinner.size > 0) flush();
      scope.postMessage({ type: 'close' });
    };
    ws.onmessage = (m) => {
      if (typeof m.data === 'string') forward(m.data);
    };
  } else if (message.type === 'send') {
    if (socket?.readyState === WebSocket.OPEN) socket.send(message.text);
  } else if (message.type === 'pin') {
    thinner.pin(message.exchangeId);
  }
};
