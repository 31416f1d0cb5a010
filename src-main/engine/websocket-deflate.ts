// permessage-deflate (RFC 7692): what the 101's Sec-WebSocket-Extensions agreed. Inflating the
// messages is the renderer's (src-renderer/lib/websocket-inflate.ts, over fflate).

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
