// The heads a proxy passes on: every end-to-end field as parsed (names, values and order kept),
// hop-by-hop fields dropped and the framing written anew (RFC 9110 §7.6.1), so what is forwarded
// never depends on how the client or the upstream framed its message.

import type { BodyFraming } from '../engine/events';
import { sameFieldName, statusHasNoContent } from '../engine/semantics';

type Pairs = [string, string][];

/** Fields meant for one connection only (RFC 9110 §7.6.1, plus the old Proxy-Connection). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** How a message's body travels on the next hop. */
export type NextFraming = 'none' | 'length' | 'chunked' | 'close';

/**
 * The names in HOP_BY_HOP by length, every length up to the longest present (no holes, no read
 * past the end): most fields are told apart by their length alone.
 */
const HOP_BY_HOP_BY_LENGTH: string[][] = Array.from(
  { length: Math.max(...[...HOP_BY_HOP].map((name) => name.length)) + 1 },
  (): string[] => [],
);
for (const name of HOP_BY_HOP) HOP_BY_HOP_BY_LENGTH[name.length]!.push(name);

/** `name` is `lower` but for ASCII case (field names are tokens); nothing is allocated. */
function isName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  if (name === lower) return true;
  for (let i = 0; i < name.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function isOneOf(name: string, lowers: readonly string[]): boolean {
  for (let i = 0; i < lowers.length; i++) if (isName(name, lowers[i]!)) return true;
  return false;
}

/**
 * The options a Connection field names that are not hop-by-hop already (lower case), added to
 * `named`; `keep-alive`, the usual one, adds nothing.
 */
function connectionOptions(value: string, named: string[] | null): string[] | null {
  if (isName(value, 'keep-alive')) return named;
  let from = 0;
  while (from <= value.length) {
    let to = value.indexOf(',', from);
    if (to < 0) to = value.length;
    const option = value.slice(from, to).trim().toLowerCase();
    if (option !== '' && !HOP_BY_HOP.has(option)) (named ??= []).push(option);
    from = to + 1;
  }
  return named;
}

/**
 * A field the proxy writes itself on each hop, never a rule's edit: the framing (Content-Length,
 * Transfer-Encoding; computed from the message as parsed) and the hop-by-hop fields. An edit that
 * sets or removes one is left out, on the streamed and the held path alike.
 */
export function isProxyOwned(name: string): boolean {
  if (isName(name, 'content-length')) return true;
  return (
    name.length < HOP_BY_HOP_BY_LENGTH.length && isOneOf(name, HOP_BY_HOP_BY_LENGTH[name.length]!)
  );
}

/** The end-to-end fields: hop-by-hop ones and those the Connection field names are left out. */
export function endToEnd(fields: Pairs): Pairs {
  let named: string[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (isName(field[0], 'connection')) named = connectionOptions(field[1], named);
  }
  const out: Pairs = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const name = field[0];
    if (name.length < HOP_BY_HOP_BY_LENGTH.length) {
      if (isOneOf(name, HOP_BY_HOP_BY_LENGTH[name.length]!)) continue;
    }
    if (named !== null && isOneOf(name, named)) continue;
    out.push(field);
  }
  return out;
}

function upgradeValue(fields: Pairs): string | null {
  for (const [name, value] of fields) if (sameFieldName(name, 'upgrade')) return value;
  return null;
}

/** The Transfer-Encoding to send with a chunked body: the codings it came with, chunked last. */
function transferCodings(fields: Pairs): string {
  const codings: string[] = [];
  for (const [name, value] of fields) {
    if (!sameFieldName(name, 'transfer-encoding')) continue;
    for (const token of value.split(',')) {
      const trimmed = token.trim();
      if (trimmed !== '' && trimmed.toLowerCase() !== 'chunked') codings.push(trimmed);
    }
  }
  codings.push('chunked');
  return codings.join(', ');
}

/**
 * A head as text, one character a byte (latin1, as the fields were read): a socket writes it
 * without a Buffer made for it, and a response head is copied once, into the piece it goes in.
 */
function write(startLine: string, fields: Pairs): string {
  let text = `${startLine}\r\n`;
  for (const [name, value] of fields) text += `${name}: ${value}\r\n`;
  return `${text}\r\n`;
}

export interface ForwardRequest {
  method: string;
  /** The target to send (origin-form for an origin server). */
  target: string;
  fields: Pairs;
  framing: BodyFraming;
  /** Replaces the Host field's value (rewrite-host); null keeps the client's. */
  host: string | null;
  /** The request asks to switch protocols (Upgrade): keep Upgrade and say so in Connection. */
  upgrade: boolean;
}

/** The request head sent upstream, always HTTP/1.1 (latin1 text), and how its body travels. */
export function requestHead(request: ForwardRequest): { text: string; framing: NextFraming } {
  const fields = endToEnd(request.fields);
  if (request.host !== null) {
    const at = fields.findIndex(([name]) => sameFieldName(name, 'host'));
    if (at >= 0) fields[at] = [fields[at]![0], request.host];
    else fields.unshift(['Host', request.host]);
  }
  let framing: NextFraming = 'none';
  if (request.framing === 'chunked') {
    framing = 'chunked';
    fields.push(['Transfer-Encoding', transferCodings(request.fields)]);
  } else if (request.framing === 'content-length') {
    framing = 'length';
  }
  const upgrade = request.upgrade ? upgradeValue(request.fields) : null;
  if (upgrade !== null) {
    fields.push(['Connection', 'Upgrade'], ['Upgrade', upgrade]);
  }
  return { text: write(`${request.method} ${request.target} HTTP/1.1`, fields), framing };
}

export interface ForwardResponse {
  status: number;
  reason: string;
  fields: Pairs;
  framing: BodyFraming;
  /** The client's version: HTTP/1.0 clients get no chunked body. */
  clientMinor: number;
  /** The connection to the client ends after this response. */
  close: boolean;
}

/**
 * The response head sent to the client (latin1 text), how its body travels, and whether the
 * connection then ends.
 */
export function responseHead(response: ForwardResponse): {
  text: string;
  framing: NextFraming;
  close: boolean;
  fields: Pairs;
} {
  const fields = endToEnd(response.fields);
  let framing: NextFraming = 'none';
  let close = response.close;
  if (response.framing === 'content-length') framing = 'length';
  else if (response.framing === 'chunked' && response.clientMinor >= 1) framing = 'chunked';
  else if (response.framing === 'chunked' || response.framing === 'close-delimited') {
    framing = 'close';
    close = true;
  }
  if (framing === 'chunked') {
    const codings = response.framing === 'chunked' ? transferCodings(response.fields) : 'chunked';
    fields.push(['Transfer-Encoding', codings]);
  }
  if (response.status === 101) {
    const upgrade = upgradeValue(response.fields);
    fields.push(['Connection', 'Upgrade']);
    if (upgrade !== null) fields.push(['Upgrade', upgrade]);
  } else if (close) {
    fields.push(['Connection', 'close']);
  } else if (response.clientMinor === 0) {
    fields.push(['Connection', 'keep-alive']);
  }
  const reason = response.reason;
  return {
    text: write(`HTTP/1.1 ${response.status}${reason === '' ? ' ' : ` ${reason}`}`, fields),
    framing,
    close,
    fields,
  };
}

/**
 * The fields and framing of a response whose status a rule changed, from the upstream's parsed
 * framing: a status without content (204, 304) passes none of the upstream's body and no
 * Content-Length; one with content where the upstream's status had none gets an empty body
 * (Content-Length: 0). An answer to HEAD stays as it is (its Content-Length describes the GET body).
 */
export function restatus(
  fields: Pairs,
  framing: BodyFraming,
  status: number,
  head: boolean,
): { fields: Pairs; framing: BodyFraming } {
  if (head) return { fields, framing };
  const noContent = statusHasNoContent(status);
  if (!noContent && framing !== 'none') return { fields, framing };
  const rest = fields.filter(([name]) => !isName(name, 'content-length'));
  if (noContent) return { fields: rest, framing: 'none' };
  rest.push(['Content-Length', '0']);
  return { fields: rest, framing: 'content-length' };
}

const CRLF = Buffer.from('\r\n', 'latin1');
export const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** One piece of a body as the next hop's framing carries it. */
export function framePiece(framing: NextFraming, data: Uint8Array): Uint8Array[] {
  if (framing !== 'chunked') return [data];
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}

/** Where a forward proxy sends a request: from its absolute-form target, or a CONNECT authority. */
export interface ProxyTarget {
  host: string;
  port: number;
  tls: boolean;
  /** What to send as the request target (origin-form); '' for CONNECT. */
  path: string;
}

/** Reads `host:port` (IPv6 in brackets); null when it is not one. */
export function parseAuthority(authority: string, defaultPort: number): ProxyTarget | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/@\s]+))(?::(\d{1,5}))?$/.exec(authority);
  if (match === null) return null;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: match[1] ?? match[2]!, port, tls: false, path: '' };
}

/** The upstream of an absolute-form target (http:// or https://); null for any other form. */
export function parseAbsolute(target: string): ProxyTarget | null {
  const lower = target.slice(0, 8).toLowerCase();
  const tls = lower.startsWith('https://');
  if (!tls && !lower.startsWith('http://')) return null;
  const rest = target.slice(tls ? 8 : 7);
  let end = rest.length;
  for (const stop of ['/', '?', '#']) {
    const at = rest.indexOf(stop);
    if (at >= 0 && at < end) end = at;
  }
  let authority = rest.slice(0, end);
  const userinfo = authority.lastIndexOf('@');
  if (userinfo >= 0) authority = authority.slice(userinfo + 1);
  const parsed = parseAuthority(authority, tls ? 443 : 80);
  if (parsed === null) return null;
  let path = rest.slice(end);
  const hash = path.indexOf('#');
  if (hash >= 0) path = path.slice(0, hash);
  if (path === '' || path.startsWith('?')) path = `/${path}`;
  return { ...parsed, tls, path };
}
