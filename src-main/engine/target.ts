// Request-target parsing (RFC 9112 §3.2): its form and the spans of its components.
// Offsets are relative to the target's first byte; add the target event's offset for absolute ones.

export type TargetForm = 'origin' | 'absolute' | 'authority' | 'asterisk';

export interface TargetPart {
  offset: number;
  length: number;
  value: string;
}

export interface TargetError {
  offset: number;
  reason: string;
}

export interface ParsedTarget {
  form: TargetForm | null;
  scheme: TargetPart | null;
  userinfo: TargetPart | null;
  host: TargetPart | null;
  port: TargetPart | null;
  path: TargetPart | null;
  query: TargetPart | null;
  fragment: TargetPart | null;
  error: TargetError | null;
}

export interface TargetOptions {
  /** The request method is CONNECT: the target is in authority form. */
  connect?: boolean;
}

const TAB = 0x09;
const FF = 0x0c;

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Visible ASCII but the delimiters `?` and `#`. */
function isPathChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x3f && c !== 0x23;
}

/** RFC 3986 userinfo / reg-name / IP-literal bytes (unreserved, pct-encoded, sub-delims, `:`). */
function isAuthorityChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || "-._~%!$&'()*+,;=:[]".includes(String.fromCharCode(c));
}

function part(target: string, start: number, end: number): TargetPart {
  return { offset: start, length: end - start, value: target.slice(start, end) };
}

function empty(): ParsedTarget {
  return {
    form: null,
    scheme: null,
    userinfo: null,
    host: null,
    port: null,
    path: null,
    query: null,
    fragment: null,
    error: null,
  };
}

/**
 * An invalid byte: TAB and FF are reported one byte later, where a lenient reader that
 * accepted them would have gone on (llhttp reports them there too).
 */
function invalidAt(target: string, p: number, reason: string): TargetError {
  const c = target.charCodeAt(p);
  if (c === TAB || c === FF) return { offset: p + 1, reason: 'Invalid characters in url' };
  return { offset: p, reason };
}

function pathQueryFragment(target: string, from: number, out: ParsedTarget): void {
  const n = target.length;
  let p = from;
  while (p < n && isPathChar(target.charCodeAt(p))) p++;
  if (p > from) out.path = part(target, from, p);
  if (p < n && target.charCodeAt(p) === 0x3f) {
    const q = ++p;
    while (p < n && (isPathChar(target.charCodeAt(p)) || target.charCodeAt(p) === 0x3f)) p++;
    out.query = part(target, q, p);
  }
  if (p < n && target.charCodeAt(p) === 0x23) {
    const f = ++p;
    while (p < n) {
      const c = target.charCodeAt(p);
      if (!(isPathChar(c) || c === 0x3f || c === 0x23)) break;
      p++;
    }
    out.fragment = part(target, f, p);
  }
  if (p < n) out.error = invalidAt(target, p, 'Invalid char in url path');
}

/** Splits `[userinfo@]host[:port]` spanning target[start, end). */
function authority(target: string, start: number, end: number, out: ParsedTarget): void {
  let at = -1;
  for (let p = start; p < end; p++) {
    const c = target.charCodeAt(p);
    if (c === 0x40) {
      if (at >= 0) {
        out.error = { offset: p + 1, reason: 'Double @ in url' };
        return;
      }
      at = p;
      continue;
    }
    if (!isAuthorityChar(c)) {
      out.error = invalidAt(target, p, 'Unexpected char in url server');
      return;
    }
  }
  let hostStart = start;
  if (at >= 0) {
    out.userinfo = part(target, start, at);
    hostStart = at + 1;
  }
  let portColon = -1;
  if (target.charCodeAt(hostStart) === 0x5b) {
    const close = target.indexOf(']', hostStart);
    if (close < 0 || close >= end) {
      out.error = { offset: end, reason: 'Unterminated IP literal' };
      return;
    }
    if (close + 1 < end) {
      if (target.charCodeAt(close + 1) !== 0x3a) {
        out.error = { offset: close + 1, reason: 'Unexpected char after IP literal' };
        return;
      }
      portColon = close + 1;
    }
  } else {
    const colon = target.lastIndexOf(':', end - 1);
    if (colon >= hostStart) portColon = colon;
  }
  const hostEnd = portColon >= 0 ? portColon : end;
  out.host = part(target, hostStart, hostEnd);
  if (portColon >= 0) {
    for (let p = portColon + 1; p < end; p++) {
      if (!isDigit(target.charCodeAt(p))) {
        out.error = { offset: p, reason: 'Invalid port' };
        return;
      }
    }
    out.port = part(target, portColon + 1, end);
  }
}

/** Parses a request-target into its form and component spans. */
export function parseTarget(target: string, options: TargetOptions = {}): ParsedTarget {
  const out = empty();
  const n = target.length;
  if (n === 0) {
    out.error = { offset: 0, reason: 'Empty request-target' };
    return out;
  }
  if (options.connect) {
    out.form = 'authority';
    authority(target, 0, n, out);
    return out;
  }
  const first = target.charCodeAt(0);
  if (target === '*') {
    out.form = 'asterisk';
    out.path = part(target, 0, 1);
    return out;
  }
  if (first === 0x2f) {
    out.form = 'origin';
    pathQueryFragment(target, 0, out);
    return out;
  }
  if (!isAlpha(first)) {
    out.error = invalidAt(target, 0, 'Unexpected start char in url');
    return out;
  }
  let p = 1;
  while (p < n) {
    const c = target.charCodeAt(p);
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) break;
    p++;
  }
  out.scheme = part(target, 0, p);
  if (p >= n || target.charCodeAt(p) !== 0x3a) {
    out.error = invalidAt(target, p, 'Unexpected char in url schema');
    return out;
  }
  for (let k = 1; k <= 2; k++) {
    if (target.charCodeAt(p + k) !== 0x2f) {
      out.error = invalidAt(target, p + k, 'Unexpected char in url schema');
      return out;
    }
  }
  out.form = 'absolute';
  const authStart = p + 3;
  let authEnd = authStart;
  while (authEnd < n) {
    const c = target.charCodeAt(authEnd);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    authEnd++;
  }
  authority(target, authStart, authEnd, out);
  if (out.error) return out;
  pathQueryFragment(target, authEnd, out);
  return out;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** RFC 3986 unreserved / sub-delims. */
function isRegNameChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || "-._~!$&'()*+,;=".includes(String.fromCharCode(c));
}

/** RFC 3986 reg-name (which an IPv4address also matches): unreserved, pct-encoded, sub-delims. */
function isRegName(s: string): boolean {
  for (let p = 0; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (c === 0x25) {
      if (!isHexDigit(s.charCodeAt(p + 1)) || !isHexDigit(s.charCodeAt(p + 2))) return false;
      p += 2;
    } else if (!isRegNameChar(c)) {
      return false;
    }
  }
  return true;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length === 4 && parts.every((n) => /^(0|[1-9][0-9]{0,2})$/.test(n) && Number(n) <= 255)
  );
}

/** RFC 3986 IPv6address: eight h16 groups, or fewer around one `::`, the last two maybe IPv4. */
function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const all = groups.flat();
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIPv4(last)) return false;
    all.pop();
    count++;
  }
  if (!all.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** RFC 3986 IP-literal: `[` IPv6address or IPvFuture `]`. */
function isIpLiteral(s: string): boolean {
  if (s.length < 2 || s.charCodeAt(0) !== 0x5b || s.charCodeAt(s.length - 1) !== 0x5d) {
    return false;
  }
  const inner = s.slice(1, -1);
  const future = /^[vV][0-9A-Fa-f]+\.(.+)$/.exec(inner);
  if (future) {
    for (let p = 0; p < future[1].length; p++) {
      const c = future[1].charCodeAt(p);
      if (!isRegNameChar(c) && c !== 0x3a) return false;
    }
    return true;
  }
  return isIPv6(inner);
}

/**
 * Whether a Host field value is `uri-host [ ":" port ]` (RFC 9110 §7.2, RFC 3986 §3.2.2–3.2.3).
 * The empty value is valid: a client sends it when the target has no authority. A server
 * answers 400 to any other value (RFC 9112 §3.2).
 */
export function isValidHostValue(value: string): boolean {
  if (value === '') return true;
  let hostEnd = value.length;
  if (value.charCodeAt(0) === 0x5b) {
    const close = value.indexOf(']');
    if (close < 0) return false;
    hostEnd = close + 1;
    if (!isIpLiteral(value.slice(0, hostEnd))) return false;
  } else {
    const colon = value.indexOf(':');
    if (colon >= 0) hostEnd = colon;
    if (hostEnd === 0 || !isRegName(value.slice(0, hostEnd))) return false;
  }
  if (hostEnd === value.length) return true;
  if (value.charCodeAt(hostEnd) !== 0x3a) return false;
  for (let p = hostEnd + 1; p < value.length; p++) if (!isDigit(value.charCodeAt(p))) return false;
  return true;
}
