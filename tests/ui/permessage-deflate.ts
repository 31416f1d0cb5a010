// Messages compressed as permessage-deflate does (RFC 7692 §7.2.1): one DEFLATE stream, a sync
// flush after each message, its 00 00 FF FF tail removed; `resetEach` starts a new stream for
// every message (no context takeover).

import assert from 'node:assert/strict';
import { constants, createDeflateRaw } from 'node:zlib';

export async function perMessage(messages: Uint8Array[], resetEach = false): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let stream = createDeflateRaw();
  for (const message of messages) {
    if (resetEach) stream = createDeflateRaw();
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    stream.on('data', onData);
    stream.write(message);
    await new Promise<void>((resolve) => stream.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    stream.off('data', onData);
    const all = Buffer.concat(chunks);
    assert.deepEqual([...all.subarray(-4)], [0, 0, 0xff, 0xff]);
    out.push(all.subarray(0, -4));
  }
  return out;
}
