// A subscriber that takes a Core's events through the same frame channel as the web host's and
// Electron's UIs (thinned to what a UI is interested in, without raw `data` events, encoded as
// JSON frames), so a bench's product path pays what a UI costs.

import type { Core } from '../src-main/host/core';
import { openFrameChannel } from '../src-main/host/frames';

/** Subscribes to `core`; the result says how much it delivered. */
export function subscribeLikeUi(core: Core): () => string {
  let frames = 0;
  let events = 0;
  let serialised = 0;
  openFrameChannel(core, (frame, text) => {
    frames++;
    if (frame.kind === 'events') events += frame.events.length;
    serialised += text.length;
  });
  return () => `${events} events in ${frames} frames, ${serialised} characters as JSON`;
}
