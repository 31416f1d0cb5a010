// Matching of exchanges against the list's filter (text, method, status class). The meaning is
// shared with the Core, which filters the list itself (src-main/protocol/filter.ts).
import type { ExchangeSummary } from '../../src-main/protocol/types';
import {
  compileFilter,
  statusClassOf as classOf,
  type ListFilter,
  type StatusClass,
} from '../../src-main/protocol/filter';

export { emptyFilter, isFilterActive } from '../../src-main/protocol/filter';
export type { ListFilter, StatusClass } from '../../src-main/protocol/filter';

export function statusClassOf(exchange: ExchangeSummary): StatusClass {
  return classOf(exchange.status, exchange.error !== null);
}

/** Returns a predicate for the filter; the text is matched case-insensitively. */
export function matcher(filter: ListFilter): (exchange: ExchangeSummary) => boolean {
  const keep = compileFilter(filter);
  if (keep === null) return () => true;
  return (exchange) => keep({ ...exchange, hasError: exchange.error !== null });
}
