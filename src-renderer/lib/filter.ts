// Matching of exchanges against the list's filter (text, method, status class).
import type { ExchangeSummary } from '../../src-main/protocol/types';

export type StatusClass = '' | '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error' | 'pending';

export interface ListFilter {
  text: string;
  method: string;
  statusClass: StatusClass;
}

export const emptyFilter: ListFilter = { text: '', method: '', statusClass: '' };

export function isFilterActive(filter: ListFilter): boolean {
  return filter.text.trim() !== '' || filter.method !== '' || filter.statusClass !== '';
}

export function statusClassOf(exchange: ExchangeSummary): StatusClass {
  if (exchange.error) return 'error';
  if (exchange.status === null) return 'pending';
  const hundreds = Math.floor(exchange.status / 100);
  if (hundreds >= 1 && hundreds <= 5) return `${hundreds}xx` as StatusClass;
  return 'error';
}

/** Returns a predicate for the filter; the text is matched case-insensitively. */
export function matcher(filter: ListFilter): (exchange: ExchangeSummary) => boolean {
  const text = filter.text.trim().toLowerCase();
  const { method, statusClass } = filter;
  return (exchange) => {
    if (method && exchange.method !== method) return false;
    if (statusClass) {
      const cls = statusClassOf(exchange);
      if (statusClass === 'error' ? cls !== 'error' : cls !== statusClass) return false;
    }
    if (!text) return true;
    return (
      (exchange.target ?? '').toLowerCase().includes(text) ||
      (exchange.method ?? '').toLowerCase().includes(text) ||
      (exchange.host ?? '').toLowerCase().includes(text) ||
      String(exchange.status ?? '').includes(text) ||
      exchange.connectionId.toLowerCase().includes(text)
    );
  };
}
