// Fixtures shared by the session store's tests.

import type { StoredExchange } from '../../src-main/capture/store';
import { emptyExchange } from '../../src-main/host/exchanges';

/** A finished replay exchange as the Core stores it: one request on its own connection. */
export function storedExchange(id: string): StoredExchange {
  const exchange = emptyExchange(`${id}#0`, id, 0, 5, 0);
  exchange.source = 'replay';
  return {
    exchange,
    connection: {
      connectionId: id,
      source: 'replay',
      remoteAddress: '127.0.0.1',
      remotePort: 80,
      localPort: 1234,
      openedAt: 5,
      closedAt: 9,
      closeReason: 'client',
      bytesIn: 3,
      bytesOut: 4,
      exchanges: 1,
    },
  };
}
