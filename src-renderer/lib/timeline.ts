// Which request led to which: a request whose Referer is an earlier exchange's URL was caused by
// it, and requests sharing a connection are keep-alive reuses of it.
import type { ExchangeSummary } from '../../src-main/protocol/types';

export interface TimelineLinks {
  causes: ExchangeSummary[];
  consequences: ExchangeSummary[];
  sameConnection: ExchangeSummary[];
}

const urlCache = new WeakMap<ExchangeSummary, string | null>();
const refererCache = new WeakMap<ExchangeSummary, string | null>();

/** The absolute URL a request asked for, or null when it cannot be known (memoised per summary). */
export function exchangeUrl(exchange: ExchangeSummary): string | null {
  let url = urlCache.get(exchange);
  if (url === undefined) {
    url = computeUrl(exchange);
    urlCache.set(exchange, url);
  }
  return url;
}

function refererUrl(exchange: ExchangeSummary): string | null {
  let url = refererCache.get(exchange);
  if (url === undefined) {
    url = exchange.referer ? normaliseUrl(exchange.referer) : null;
    refererCache.set(exchange, url);
  }
  return url;
}

function computeUrl(exchange: ExchangeSummary): string | null {
  const target = exchange.target;
  if (!target) return null;
  if (/^https?:\/\//i.test(target)) return normaliseUrl(target);
  if (!exchange.host || !target.startsWith('/')) return null;
  const scheme = exchange.replayTarget?.tls ? 'https' : 'http';
  return normaliseUrl(`${scheme}://${exchange.host}${target}`);
}

function normaliseUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return null;
  }
}

export function linksFor(
  selected: ExchangeSummary,
  all: readonly ExchangeSummary[],
): TimelineLinks {
  const referer = refererUrl(selected);
  const url = exchangeUrl(selected);
  const causes: ExchangeSummary[] = [];
  const consequences: ExchangeSummary[] = [];
  const sameConnection: ExchangeSummary[] = [];
  for (const other of all) {
    if (other.exchangeId === selected.exchangeId) continue;
    if (other.connectionId === selected.connectionId) sameConnection.push(other);
    if (referer && other.startedAt <= selected.startedAt && exchangeUrl(other) === referer) {
      causes.push(other);
    }
    if (url && other.startedAt >= selected.startedAt && refererUrl(other) === url) {
      consequences.push(other);
    }
  }
  // Only the latest earlier exchange with the referring URL is the cause.
  causes.sort((a, b) => b.startedAt - a.startedAt);
  sameConnection.sort((a, b) => a.indexOnConnection - b.indexOnConnection);
  return { causes: causes.slice(0, 1), consequences, sameConnection };
}
