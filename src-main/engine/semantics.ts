// HTTP semantics every layer shares (RFC 9110): which statuses carry no content, reason phrases,
// header lookup by name, and writing a message head. One place for each.

/** A header list as the Core and the renderer keep it: `[name, value]` pairs in wire order. */
export type HeaderPairs = readonly (readonly [string, string])[];

/** Field names compare case-insensitively (RFC 9110 §5.1). */
export function sameFieldName(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase());
}

/** The value of the first field named `name`, or null. */
export function headerValue(headers: HeaderPairs, name: string): string | null {
  for (const [key, value] of headers) if (sameFieldName(key, name)) return value;
  return null;
}

/** Every value of the fields named `name`, in order. */
export function headerValues(headers: HeaderPairs, name: string): string[] {
  const out: string[] = [];
  for (const [key, value] of headers) if (sameFieldName(key, name)) out.push(value);
  return out;
}

export function hasHeader(headers: HeaderPairs, name: string): boolean {
  return headerValue(headers, name) !== null;
}

/** How many fields are named `name`. */
export function headerCount(headers: HeaderPairs, name: string): number {
  let count = 0;
  for (const [key] of headers) if (sameFieldName(key, name)) count++;
  return count;
}

/** 1xx, 204 and 304 responses never carry content (RFC 9110 §6.4.1, RFC 9112 §6.3). */
export function statusHasNoContent(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}

/**
 * Whether a sender writes Content-Length for a response with this status: never for 1xx and 204
 * (RFC 9110 §8.6); for 304 only what the user wrote, since it describes the selected
 * representation rather than this response.
 */
export function responseMayDeclareLength(status: number): boolean {
  return !statusHasNoContent(status);
}

/** Methods whose requests carry content by definition, so an empty body still gets `Content-Length: 0`. */
export function methodExpectsContent(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The reason phrase RFC 9110 §15 gives a status, or '' for one it does not name. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

/** A status code as the three digits of a status line. */
export function statusDigits(status: number): string {
  return String(status).padStart(3, '0');
}

export function requestLine(method: string, target: string, version: string): string {
  return `${method} ${target} ${version}`;
}

export function statusLine(version: string, status: number, reason: string): string {
  return `${version} ${statusDigits(status)} ${reason}`;
}

/**
 * A message head as text: the start line, one line per field, the empty line. Writes exactly
 * what it is given (a teaching tool must be able to produce broken heads); `lineEnd` lets the
 * tutorial site answer with bare LFs.
 */
export function formatHead(startLine: string, headers: HeaderPairs, lineEnd = '\r\n'): string {
  let head = startLine + lineEnd;
  for (const [name, value] of headers) head += `${name}: ${value}${lineEnd}`;
  return head + lineEnd;
}
