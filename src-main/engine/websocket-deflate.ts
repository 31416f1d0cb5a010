// permessage-deflate (RFC 7692): what the 101's Sec-WebSocket-Extensions agreed, and a message's
// payload inflated as the receiver does it: the four bytes 00 00 FF FF the sender removed put
// back (§7.2.2), and the window kept from message to message unless "no context takeover".

import { RawInflater, type InflateResult } from './inflate-raw';

export interface DeflateAgreement {
  /** The server forgets its window after each message (its messages inflate alone). */
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
}

/** The permessage-deflate parameters of a Sec-WebSocket-Extensions value, or null without it. */
export function deflateAgreement(extensions: string): DeflateAgreement | null {
  for (const offer of extensions.split(',')) {
    const [name, ...params] = offer.split(';').map((part) => part.trim().toLowerCase());
    if (name !== 'permessage-deflate') continue;
    const names = params.map((param) => param.split('=')[0]!.trim());
    return {
      serverNoContextTakeover: names.includes('server_no_context_takeover'),
      clientNoContextTakeover: names.includes('client_no_context_takeover'),
    };
  }
  return null;
}

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** One direction's messages inflated in order. */
export class MessageInflater {
  private readonly raw = new RawInflater();

  constructor(private readonly noContextTakeover: boolean) {}

  inflate(payload: Uint8Array, maxOutput?: number): InflateResult {
    const input = new Uint8Array(payload.length + TAIL.length);
    input.set(payload);
    input.set(TAIL, payload.length);
    return this.raw.inflate(input, !this.noContextTakeover, maxOutput);
  }
}
