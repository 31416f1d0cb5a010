// What break rules hold now, kept live from the Core's `holds` events (and read once per link).
import type { CoreEvent, HeldItem } from '../../src-main/protocol/types';
import type { CoreClient } from './transport';

class HeldMessages {
  items = $state.raw<HeldItem[]>([]);
  /** The panel is open. */
  open = $state(false);

  /** Follows the Core's list: reads it now, then every change. Returns the remover. */
  watch(client: CoreClient): () => void {
    const off = client.subscribe((events) => this.apply(events));
    void this.refresh(client);
    return off;
  }

  async refresh(client: CoreClient): Promise<void> {
    try {
      this.items = await client.call('holds.list', {});
    } catch {
      // The link dropped; the next open reads it again.
    }
  }

  apply(events: readonly CoreEvent[]): void {
    for (const event of events) if (event.type === 'holds') this.items = event.holds;
  }
}

export const held = new HeldMessages();
