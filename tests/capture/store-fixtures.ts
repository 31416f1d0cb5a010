// Fixtures shared by the session store's tests.

import { crc32 } from '../../src-main/capture/crc32';
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

/** One record as the session file lays it out: header, metadata, payload. */
export function rawRecord(type: number, meta: Buffer, payload = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x53;
  header[1] = type;
  header.writeUInt32LE(meta.length, 2);
  header.writeUInt32LE(payload.length, 6);
  header.writeUInt32LE(crc32(Buffer.concat([meta, payload])), 10);
  return Buffer.concat([header, meta, payload]);
}
