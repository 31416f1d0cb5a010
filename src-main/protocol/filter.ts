// What the connection list's filter means, in one place: the Core runs it over its exchange
// columns (exchanges.rows), and the UI's own checks use the same predicate.

export type StatusClass = '' | '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'error' | 'pending';

export interface ListFilter {
  text: string;
  method: string;
  statusClass: StatusClass;
}

export const emptyFilter: ListFilter = { text: '', method: '', statusClass: '' };

const statusClasses = new Set<string>(['', '1xx', '2xx', '3xx', '4xx', '5xx', 'error', 'pending']);

/** The fields of one exchange the filter looks at. */
export interface FilterFields {
  method: string | null;
  target: string | null;
  host: string | null;
  status: number | null;
  hasError: boolean;
  connectionId: string;
}

export function isFilterActive(filter: ListFilter): boolean {
  return filter.text.trim() !== '' || filter.method !== '' || filter.statusClass !== '';
}

export function statusClassOf(status: number | null, hasError: boolean): StatusClass {
  if (hasError) return 'error';
  if (status === null) return 'pending';
  const hundreds = Math.floor(status / 100);
  if (hundreds >= 1 && hundreds <= 5) return `${hundreds}xx` as StatusClass;
  return 'error';
}

/** A filter from untrusted input, or a message saying what is wrong with it. */
export function checkFilter(value: unknown): ListFilter | string {
  if (value === undefined || value === null) return emptyFilter;
  if (typeof value !== 'object' || Array.isArray(value)) return 'filter must be an object.';
  const { text = '', method = '', statusClass = '' } = value as Partial<Record<string, unknown>>;
  if (typeof text !== 'string' || text.length > 1000)
    return 'filter.text must be a string of at most 1000 characters.';
  if (typeof method !== 'string' || method.length > 100)
    return 'filter.method must be a string of at most 100 characters.';
  if (typeof statusClass !== 'string' || !statusClasses.has(statusClass))
    return 'filter.statusClass must be one of 1xx, 2xx, 3xx, 4xx, 5xx, error, pending or empty.';
  return { text, method, statusClass: statusClass as StatusClass };
}

/** A predicate for the filter (the text matched case-insensitively), or null when it keeps all. */
export function compileFilter(filter: ListFilter): ((fields: FilterFields) => boolean) | null {
  if (!isFilterActive(filter)) return null;
  const text = filter.text.trim().toLowerCase();
  const { method, statusClass } = filter;
  return (fields) => {
    if (method && fields.method !== method) return false;
    if (statusClass && statusClassOf(fields.status, fields.hasError) !== statusClass) return false;
    if (!text) return true;
    return (
      (fields.target !== null && fields.target.toLowerCase().includes(text)) ||
      (fields.method !== null && fields.method.toLowerCase().includes(text)) ||
      (fields.host !== null && fields.host.toLowerCase().includes(text)) ||
      (fields.status !== null && String(fields.status).includes(text)) ||
      fields.connectionId.toLowerCase().includes(text)
    );
  };
}
