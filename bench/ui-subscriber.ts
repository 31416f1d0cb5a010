// A subscriber that serialises every batch of a Core's events as the web host does for its UI
// (without raw `data` events), so a bench's product path pays what a UI costs.

import type { Core } from '../src-main/host/core';
import type { CoreEvent } from '../src-main/protocol/types';

/** Subscribes to `core`; the result says how much it delivered. */
export function subscribeLikeUi(core: Core): () => string {
  let batches = 0;
  let events = 0;
  let serialised = 0;
  core.subscribe(
    (batch: CoreEvent[]) => {
      batches++;
      events += batch.length;
      serialised += JSON.stringify({ kind: 'events', events: batch }).length;
    },
    { data: false },
  );
  return () => `${events} events in ${batches} batches, ${serialised} characters as JSON`;
}
