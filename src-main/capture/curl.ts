// "Copy as cURL": a POSIX-shell command that sends the same request with /usr/bin/curl.
// Bodies that are not plain text use bash's $'…' quoting; bodies with NUL bytes (which no shell
// string can hold) are piped in from printf with octal escapes.

import { parseRequestMessage } from '../engine/serialize';
import { encodeLatin1 as latin1Bytes } from '../engine/bytes';
import { headerValue } from '../engine/semantics';

export interface CurlOptions {
  /** host[:port] to use when the request has no Host header. */
  fallbackHost?: string | null;
  tls?: boolean;
  insecure?: boolean;
}

/** Headers curl computes itself from what it sends. */
const COMPUTED_HEADERS = new Set(['content-length']);

export function curlCommand(request: Uint8Array, options: CurlOptions = {}): string {
  const parsed = parseRequestMessage(request);
  if (!parsed.ok) {
    throw new Error(
      `The request is not valid HTTP (${parsed.error.code} at byte ${parsed.error.offset}: ${parsed.error.reason}), so it has no curl equivalent.`,
    );
  }
  const { method, target, version, headers, body } = parsed.message;
  const hostHeader = headerValue(headers, 'host');
  const absolute = /^https?:\/\//i.test(target);
  const host = hostHeader ?? options.fallbackHost ?? null;
  if (!absolute && !host) throw new Error('The request has no Host header, so its URL is unknown.');
  const scheme = options.tls ? 'https' : 'http';
  const asteriskForm = target === '*';
  const url = absolute ? target : `${scheme}://${host}${asteriskForm ? '/' : target}`;

  const args: string[] = ['curl'];
  if (version === 'HTTP/1.0') args.push('--http1.0');
  else args.push('--http1.1');
  if (method === 'HEAD') args.push('--head');
  else if (!(method === 'GET' && body.length === 0) && !(method === 'POST' && body.length > 0)) {
    args.push('-X', /^[A-Za-z0-9_-]+$/.test(method) ? method : quote(latin1Bytes(method)));
  }
  if (asteriskForm) args.push('--request-target', quote(latin1Bytes('*')));
  args.push('--path-as-is');
  if (options.insecure) args.push('--insecure');
  args.push(quote(latin1Bytes(url)));

  let hasContentType = false;
  let hasExpect = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (COMPUTED_HEADERS.has(lower)) continue;
    if (lower === 'host' && !absolute && value === host) continue;
    if (lower === 'content-type') hasContentType = true;
    if (lower === 'expect') hasExpect = true;
    // `Name;` is curl's syntax for a header with an empty value (`Name:` would remove it).
    args.push('-H', quote(latin1Bytes(value === '' ? `${name};` : `${name}: ${value}`)));
  }
  let stdin: string | null = null;
  if (body.length > 0) {
    // Without these, curl would add a form Content-Type and, for large bodies, Expect: 100-continue.
    if (!hasContentType) args.push('-H', quote(latin1Bytes('Content-Type:')));
    if (!hasExpect) args.push('-H', quote(latin1Bytes('Expect:')));
    if (body.includes(0)) {
      stdin = printfCommand(body);
      args.push('--data-binary', '@-');
    } else {
      args.push('--data-binary', quote(body));
    }
  }
  const command = args.join(' ');
  return stdin ? `${stdin} | ${command}` : command;
}

/** Shell-quotes bytes: plain single quotes for text, $'…' with \xHH escapes otherwise. */
export function quote(bytes: Uint8Array): string {
  if (isPlainText(bytes)) {
    const text = new TextDecoder().decode(bytes);
    return `'${text.replace(/'/g, `'\\''`)}'`;
  }
  let out = "$'";
  for (const byte of bytes) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}'`;
}

/** printf with a format that writes exactly `bytes` (octal escapes for the rest). */
function printfCommand(bytes: Uint8Array): string {
  let format = '';
  for (const byte of bytes) {
    if (byte === 0x5c) format += '\\\\';
    else if (byte === 0x25) format += '%%';
    else if (byte === 0x27) format += "'\\''";
    else if (byte >= 0x20 && byte <= 0x7e) format += String.fromCharCode(byte);
    else format += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `printf '${format}'`;
}

/** Printable ASCII, tab, LF and valid UTF-8 stay readable inside single quotes. */
function isPlainText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a) return false;
    if (byte === 0x7f) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
