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
  /**
   * The request's and response's header lines (`name: value`, one a line, lowercased), read
   * only when a term asks; absent where they cannot be read (the renderer's own checks).
   */
  readonly headerText?: string | null;
  /** The bodies as text (chunks joined, gzip/br/deflate decoded), lowercased; read on demand. */
  readonly bodyText?: string | null;
}

/** Where a term of the filter text looks. */
export type TermField = 'any' | 'status' | 'method' | 'host' | 'header' | 'body';

export interface QueryTerm {
  field: TermField;
  /** Lowercased; never empty. */
  value: string;
}

const termFields = new Set<string>(['status', 'method', 'host', 'header', 'body']);

/**
 * The terms of the filter text: free words, `"quoted phrases"` and `field:value` (also
 * `field:"a phrase"`) for status, method, host, header and body. Every term must match. Free
 * words match the URL, method, status, host and connection as they always did (so a word is a
 * quick scan of the summaries); `header:` and `body:` read the messages.
 */
export function parseQuery(text: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const pattern = /(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))/giy;
  let at = 0;
  while (at < text.length) {
    while (at < text.length && /\s/.test(text[at])) at++;
    if (at >= text.length) break;
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) break;
    at = pattern.lastIndex;
    const name = match[1]?.toLowerCase();
    const value = (match[2] ?? match[3] ?? '').toLowerCase();
    if (name !== undefined && termFields.has(name)) {
      if (value !== '') terms.push({ field: name as TermField, value });
    } else {
      // An unknown `word:` is part of a free word (a URL's `http:` for one).
      const word = name !== undefined ? `${name}:${value}`.toLowerCase() : value;
      if (word !== '') terms.push({ field: 'any', value: word });
    }
  }
  return terms;
}

/** The words a match of the filter text shows in a message (for highlighting). */
export function highlightWords(text: string): string[] {
  const words = parseQuery(text)
    .filter((term) => term.field !== 'status' && term.field !== 'method')
    .map((term) => term.value);
  return [...new Set(words)];
}

/** Whether the filter reads headers or bodies (a slower scan, run in time slices). */
export function readsContent(filter: ListFilter): boolean {
  return parseQuery(filter.text).some((term) => term.field === 'header' || term.field === 'body');
}

function statusMatches(value: string, status: number | null, hasError: boolean): boolean {
  if (/^[1-5]xx$/.test(value) || value === 'error' || value === 'pending')
    return statusClassOf(status, hasError) === value;
  return status !== null && String(status).startsWith(value);
}

function summaryHas(fields: FilterFields, text: string): boolean {
  return (
    (fields.target !== null && fields.target.toLowerCase().includes(text)) ||
    (fields.method !== null && fields.method.toLowerCase().includes(text)) ||
    (fields.host !== null && fields.host.toLowerCase().includes(text)) ||
    (fields.status !== null && String(fields.status).includes(text)) ||
    fields.connectionId.toLowerCase().includes(text)
  );
}

function termMatches(term: QueryTerm, fields: FilterFields): boolean {
  const { value } = term;
  switch (term.field) {
    case 'status':
      return statusMatches(value, fields.status, fields.hasError);
    case 'method':
      return fields.method !== null && fields.method.toLowerCase() === value;
    case 'host':
      return fields.host !== null && fields.host.toLowerCase().includes(value);
    case 'header':
      return fields.headerText?.includes(value) ?? false;
    case 'body':
      return fields.bodyText?.includes(value) ?? false;
    case 'any':
      return summaryHas(fields, value);
  }
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

/**
 * A predicate for the filter (terms matched case-insensitively, all of them), or null when it
 * keeps all.
 */
export function compileFilter(filter: ListFilter): ((fields: FilterFields) => boolean) | null {
  if (!isFilterActive(filter)) return null;
  const terms = parseQuery(filter.text);
  const { method, statusClass } = filter;
  return (fields) => {
    if (method && fields.method !== method) return false;
    if (statusClass && statusClassOf(fields.status, fields.hasError) !== statusClass) return false;
    for (const term of terms) if (!termMatches(term, fields)) return false;
    return true;
  };
}

/** What the list can be sorted by (the Core sorts, so sorting works with paging). */
export type SortKey = 'method' | 'target' | 'status' | 'size' | 'duration' | 'connection';

export interface ListSort {
  key: SortKey;
  descending: boolean;
}

const sortKeys = new Set<string>(['method', 'target', 'status', 'size', 'duration', 'connection']);

/** A sort from untrusted input (null: the order of arrival), or what is wrong with it. */
export function checkSort(value: unknown): ListSort | null | string {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return 'sort must be an object.';
  const { key, descending = false } = value as Partial<Record<string, unknown>>;
  if (typeof key !== 'string' || !sortKeys.has(key))
    return 'sort.key must be one of method, target, status, size, duration or connection.';
  if (typeof descending !== 'boolean') return 'sort.descending must be true or false.';
  return { key: key as SortKey, descending };
}
