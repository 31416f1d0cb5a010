// permessage-deflate's receiving side (RFC 7692 §7.2.2), for the WebSocket messages card: each
// message's payload with the four bytes 00 00 FF FF the sender removed put back, inflated by
// fflate with the last 32 KiB of the messages before as its dictionary (the "context
// takeover"), unless the agreement says that side forgets its window after each message. Its
// stored blocks' NLEN is checked first (engine/websocket-deflate.ts), which fflate does not do.

import { Inflate } from 'fflate';
import { damagedStoredBlock } from '../../src-main/engine/websocket-deflate';

export type InflateResult = { ok: true; data: Uint8Array } | { ok: false; reason: string };

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
const WINDOW = 32 * 1024;
/** Input is fed in slices, so the output bound is checked before a bomb has unpacked far. */
const SLICE = 4096;
const EMPTY = new Uint8Array(0);

/** One direction's messages inflated in order. */
export class MessageInflater {
  private window: Uint8Array = EMPTY;

  constructor(private readonly noContextTakeover: boolean) {}

  /** Inflates one message; output over `maxOutput` bytes is an error (and ends the window). */
  inflate(payload: Uint8Array, maxOutput = 64 * 1024 * 1024): InflateResult {
    const input = new Uint8Array(payload.length + TAIL.length);
    input.set(payload);
    input.set(TAIL, payload.length);
    // fflate does not check a stored block's NLEN: the block headers are walked first.
    const damage = damagedStoredBlock(input);
    if (damage) {
      return this.fail(
        `a stored block's NLEN (0x${hex4(damage.nlen)} at byte ${damage.offset + 2}) is not the ones' complement of its LEN (0x${hex4(damage.len)}) (RFC 1951 §3.2.4)`,
      );
    }
    const parts: Uint8Array[] = [];
    let length = 0;
    const inflater = new Inflate(this.window.length > 0 ? { dictionary: this.window } : {});
    inflater.ondata = (chunk) => {
      parts.push(chunk.slice());
      length += chunk.length;
    };
    try {
      for (let at = 0; at < input.length; at += SLICE) {
        inflater.push(input.subarray(at, at + SLICE), false);
        if (length > maxOutput) return this.fail(`it inflates to more than ${maxOutput} bytes`);
      }
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error));
    }
    const data = new Uint8Array(length);
    let at = 0;
    for (const part of parts) {
      data.set(part, at);
      at += part.length;
    }
    this.window = this.noContextTakeover ? EMPTY : lastWindow(this.window, data);
    return { ok: true, data };
  }

  private fail(reason: string): InflateResult {
    this.window = EMPTY;
    return { ok: false, reason };
  }
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** The last 32 KiB of what has been inflated: the window before, then `data`. */
function lastWindow(before: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length >= WINDOW) return data.slice(data.length - WINDOW);
  const keep = Math.min(before.length, WINDOW - data.length);
  const out = new Uint8Array(keep + data.length);
  out.set(before.subarray(before.length - keep));
  out.set(data, keep);
  return out;
}
