// A CONNECT tunnel as the list and the detail show it: its duration, how it ended, one line for
// the list, and how much of its bytes the detail shows.
import type { ExchangeSummary, TunnelSummary } from '../../src-main/protocol/types';
import { formatSize } from './bytes';
import type { CatalogueKey } from './locales/en';

/** Bytes of each direction the detail shows in hex (the rest is only counted). */
export const TUNNEL_HEX_BYTES = 512;

type Translate = (key: CatalogueKey, params?: Record<string, string | number>) => string;

/** From the tunnel's opening (its 200) to its close, or to `now` while it is open. */
export function tunnelMs(exchange: ExchangeSummary, tunnel: TunnelSummary, now: number): number {
  const from = exchange.completedAt ?? exchange.startedAt;
  return Math.max(0, (tunnel.closedAt ?? now) - from);
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function tunnelEnding(tunnel: TunnelSummary, t: Translate): string {
  if (tunnel.closedAt === null) return t('tunnel.open');
  return t(`tunnel.end.${tunnel.closeReason ?? 'client'}` as CatalogueKey);
}

/** "↑ 1.2 KiB ↓ 3.4 KiB · 2.1 s · closed by the client" */
export function tunnelLine(
  exchange: ExchangeSummary,
  tunnel: TunnelSummary,
  t: Translate,
  now: number,
): string {
  return t('tunnel.summary', {
    up: formatSize(tunnel.bytesUp),
    down: formatSize(tunnel.bytesDown),
    duration: formatMs(tunnelMs(exchange, tunnel, now)),
    ended: tunnelEnding(tunnel, t),
  });
}
