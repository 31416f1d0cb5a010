// What a tunnel carried, read from its connection: the bytes each way after the CONNECT and its
// 2xx (or the upgrade and its 101), and how the connection ended. Computed when a summary is built, so it is never
// stale and costs nothing per byte.

import type { ConnectionSummary, ExchangeSummary, TunnelSummary } from '../protocol/types';

/** The id of the decrypted connection interception makes of a tunnel. */
export function decryptedId(connectionId: string): string {
  return `${connectionId}.tls`;
}

/**
 * Whether the connection becomes a tunnel after this exchange: a CONNECT answered 2xx, or an
 * upgrade answered 101 (a WebSocket, say), after which its bytes are no longer HTTP.
 */
export function isTunnelOpening(method: string | null, status: number | null): boolean {
  if (status === 101) return true;
  return method === 'CONNECT' && status !== null && status >= 200 && status < 300;
}

export function tunnelOf(
  exchange: ExchangeSummary,
  connections: ReadonlyMap<string, ConnectionSummary>,
): TunnelSummary | undefined {
  if (!isTunnelOpening(exchange.method, exchange.status) || exchange.responseSpan === null)
    return undefined;
  const connection = connections.get(exchange.connectionId);
  if (!connection) return undefined;
  const upOffset = exchange.requestSpan.offset + exchange.requestSpan.length;
  const downOffset = exchange.responseSpan.offset + exchange.responseSpan.length;
  return {
    intercepted: connections.has(decryptedId(exchange.connectionId)),
    upOffset,
    bytesUp: Math.max(0, connection.bytesIn - upOffset),
    downOffset,
    bytesDown: Math.max(0, connection.bytesOut - downOffset),
    closedAt: connection.closedAt,
    closeReason: connection.closeReason,
  };
}
