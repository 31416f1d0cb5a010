// The broken-response lab: each classic break derived from a response as the bytes of a raw rule,
// what a browser (Chromium) is expected to do with it, and what the captured traffic shows it did.
// Pure: no Core, no page.
import type {
  ConnectionSummary,
  ExchangeSummary,
  ResponderRule,
} from '../../src-main/protocol/types';
import { concatBytes, decodeLatin1, encodeLatin1 } from '../../src-main/engine/bytes';
import { readMessages } from '../../src-main/engine/message-parser';
import { headerValue, sameFieldName } from '../../src-main/engine/semantics';

export type BreakId =
  | 'noEmptyLine'
  | 'bareLf'
  | 'contentLengthLong'
  | 'contentLengthShort'
  | 'noStatusLine'
  | 'http09'
  | 'noContentType'
  | 'wrongImageType';

export const breakIds: readonly BreakId[] = [
  'noEmptyLine',
  'bareLf',
  'contentLengthLong',
  'contentLengthShort',
  'noStatusLine',
  'http09',
  'noContentType',
  'wrongImageType',
];

/** A response taken apart: what every break is derived from. */
export interface SourceResponse {
  status: number;
  reason: string;
  /** Field lines other than the framing ones (Content-Length, Transfer-Encoding, Connection). */
  headers: [string, string][];
  /** The body as the browser would get it (chunk framing removed). */
  body: Uint8Array;
  contentType: string | null;
}

/** How many bytes "too long" declares beyond the body. */
export const EXTRA_BYTES = 100;
const LAB_PREFIX = 'lab-';
const framingFields = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'];

function isFraming(name: string): boolean {
  return framingFields.some((field) => sameFieldName(name, field));
}

/** Where a head ends: one past its empty line (CRLF or bare LF), or -1. */
function headEnd(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/**
 * Takes a response apart, leniently (a tutorial-exact response with LF line ends and a leading
 * empty line works too); a strictly valid chunked body is decoded. Null when there is no
 * `HTTP/… status` line to start from.
 */
export function splitResponse(bytes: Uint8Array, requestMethod = 'GET'): SourceResponse | null {
  let start = 0;
  while (bytes[start] === 0x0d || bytes[start] === 0x0a) start++;
  const end = headEnd(bytes, start);
  if (end < 0) return null;
  const lines = decodeLatin1(bytes, start, end).split(/\r?\n/);
  const match = /^HTTP\/\S+ (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!match) return null;
  const all: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) all.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  let body = bytes.subarray(end);
  const coding = headerValue(all, 'transfer-encoding');
  if (coding && /chunked/i.test(coding)) {
    const read = readMessages('response', bytes, {
      final: true,
      limit: 1,
      requestMethods: [requestMethod],
    });
    const message = read.messages[0];
    if (message) body = message.body;
  } else {
    const length = Number(headerValue(all, 'content-length') ?? NaN);
    if (Number.isInteger(length) && length >= 0 && length < body.length)
      body = body.subarray(0, length);
  }
  return {
    status: Number(match[1]),
    reason: match[2] ?? '',
    headers: all.filter(([name]) => !isFraming(name)),
    body: body.slice(),
    contentType: headerValue(all, 'content-type'),
  };
}

export function isImage(source: SourceResponse): boolean {
  return /^\s*image\//i.test(source.contentType ?? '');
}

function isHtml(source: SourceResponse): boolean {
  return /html/i.test(source.contentType ?? '') || /^\s*<(!doctype|html)/i.test(text(source.body));
}

function text(body: Uint8Array): string {
  return decodeLatin1(body, 0, Math.min(body.length, 1 << 16));
}

/** Whether the break can be derived from this response. */
export function applies(id: BreakId, source: SourceResponse): boolean {
  if (id === 'wrongImageType') return isImage(source);
  if (id === 'noContentType') return source.contentType !== null;
  if (id === 'contentLengthShort') return source.body.length >= 2;
  return true;
}

interface HeadParts {
  statusLine: string | null;
  fields: [string, string][];
  lineEnd: string;
  emptyLine: boolean;
  contentLength: number | null;
}

function assemble(parts: HeadParts, body: Uint8Array): Uint8Array {
  const lines: string[] = [];
  if (parts.statusLine !== null) lines.push(parts.statusLine);
  for (const [name, value] of parts.fields) lines.push(`${name}: ${value}`);
  if (parts.contentLength !== null) lines.push(`Content-Length: ${parts.contentLength}`);
  if (parts.statusLine !== null || parts.fields.length > 0 || parts.contentLength !== null)
    lines.push('Connection: close');
  let head = lines.map((line) => line + parts.lineEnd).join('');
  if (parts.emptyLine && lines.length > 0) head += parts.lineEnd;
  return concatBytes([encodeLatin1(head), body]);
}

/** The response with its framing made right: what every break starts from. */
export function cleanResponse(source: SourceResponse): Uint8Array {
  return assemble(baseParts(source), source.body);
}

function baseParts(source: SourceResponse): HeadParts {
  return {
    statusLine: `HTTP/1.1 ${source.status} ${source.reason}`.trimEnd(),
    fields: source.headers,
    lineEnd: '\r\n',
    emptyLine: true,
    contentLength: source.body.length,
  };
}

/** The bytes of one break derived from `source` (null when it does not apply). */
export function deriveBreak(id: BreakId, source: SourceResponse): Uint8Array | null {
  if (!applies(id, source)) return null;
  const base = baseParts(source);
  const body = source.body;
  switch (id) {
    case 'noEmptyLine':
      return assemble({ ...base, emptyLine: false }, body);
    case 'bareLf':
      return assemble({ ...base, lineEnd: '\n' }, body);
    case 'contentLengthLong':
      return assemble({ ...base, contentLength: body.length + EXTRA_BYTES }, body);
    case 'contentLengthShort':
      return assemble({ ...base, contentLength: Math.floor(body.length / 2) }, body);
    case 'noStatusLine':
      return assemble({ ...base, statusLine: null }, body);
    case 'http09':
      return body.slice();
    case 'noContentType':
      return assemble(
        { ...base, fields: base.fields.filter(([name]) => !sameFieldName(name, 'content-type')) },
        body,
      );
    case 'wrongImageType':
      return assemble(
        {
          ...base,
          fields: [
            ['Content-Type', 'text/html'],
            ...base.fields.filter(([name]) => !sameFieldName(name, 'content-type')),
          ],
        },
        body,
      );
  }
}

/** What a browser is expected to do. */
export interface Prediction {
  /** Catalogue key: `lab.predict.<break>.page` or `.image`. */
  key: string;
  params: Record<string, string | number>;
  /** The browser shows an error page instead of the response. */
  refused: boolean;
  /** For a page: whether the browser will go on to ask for the page's image (null: not a page with one). */
  followsImage: boolean | null;
}

/** Where the first `<img` tag ends in the body, or -1. */
function imageTagEnd(body: Uint8Array): number {
  const source = text(body);
  const at = source.search(/<img\b/i);
  if (at < 0) return -1;
  const close = source.indexOf('>', at);
  return close < 0 ? -1 : close + 1;
}

function blankLineInBody(body: Uint8Array): boolean {
  return headEnd(body, 0) >= 0 || body[0] === 0x0a || (body[0] === 0x0d && body[1] === 0x0a);
}

export function predict(id: BreakId, source: SourceResponse): Prediction {
  const image = isImage(source);
  const key = `lab.predict.${id}.${image ? 'image' : 'page'}`;
  const tagEnd = !image && isHtml(source) ? imageTagEnd(source.body) : -1;
  const hasImage = tagEnd >= 0;
  const half = Math.floor(source.body.length / 2);
  const tail = text(source.body.subarray(Math.max(0, half - 24), half)).replace(/\s+/g, ' ');
  const follows = (shows: boolean): boolean | null => (hasImage ? shows : null);
  switch (id) {
    case 'noEmptyLine': {
      const blank = blankLineInBody(source.body);
      return {
        key: blank && !image ? 'lab.predict.noEmptyLine.blank' : key,
        params: {},
        refused: false,
        followsImage: blank ? null : follows(false),
      };
    }
    case 'bareLf':
    case 'noContentType':
      return { key, params: {}, refused: false, followsImage: follows(true) };
    case 'contentLengthLong':
      return {
        key,
        params: { missing: EXTRA_BYTES },
        refused: false,
        followsImage: follows(true),
      };
    case 'contentLengthShort':
      return {
        key,
        params: { declared: half, length: source.body.length, tail: tail.trim() },
        refused: false,
        followsImage: follows(tagEnd >= 0 && tagEnd <= half),
      };
    case 'noStatusLine':
    case 'http09':
      return { key, params: {}, refused: true, followsImage: follows(false) };
    case 'wrongImageType':
      return { key, params: {}, refused: false, followsImage: null };
  }
}

/** A lab rule's id names its break: `lab-<break>-<random>`. */
export function isLabRule(rule: Pick<ResponderRule, 'id'>): boolean {
  return rule.id.startsWith(LAB_PREFIX);
}

export function breakOfRule(rule: Pick<ResponderRule, 'id'>): BreakId | null {
  if (!isLabRule(rule)) return null;
  const id = rule.id.slice(LAB_PREFIX.length).split('-')[0];
  return (breakIds as readonly string[]).includes(id) ? (id as BreakId) : null;
}

/** The raw rule that sends a break for `GET path` (exact). */
export function labRule(
  id: BreakId,
  path: string,
  bytes: Uint8Array,
  name: string,
  base64: (bytes: Uint8Array) => string,
  random: string = Math.random().toString(36).slice(2, 10),
): ResponderRule {
  return {
    id: `${LAB_PREFIX}${id}-${random}`,
    enabled: true,
    name,
    match: { method: 'GET', path, mode: 'exact' },
    response: { kind: 'raw', base64: base64(bytes) },
    delayMs: 0,
  };
}

/** The rules with this break in place: any earlier lab rule for the same path is replaced. */
export function withBreak(rules: readonly ResponderRule[], rule: ResponderRule): ResponderRule[] {
  const others = rules.filter(
    (other) => !(isLabRule(other) && other.match.path === rule.match.path),
  );
  return [rule, ...others];
}

export function withoutBreaks(rules: readonly ResponderRule[]): ResponderRule[] {
  return rules.filter((rule) => !isLabRule(rule));
}

/** What the captured traffic shows the browser did with a break. */
export interface Observation {
  /** Requests the break answered for the same path (more than one: the browser asked again). */
  requests: number;
  /** The page's image was asked for afterwards (null: unknown yet, or not a page). */
  followedImage: boolean | null;
  /** Who closed the connection and how long after the response was sent (null: still open). */
  closedBy: 'browser' | 'server' | 'timeout' | null;
  heldMs: number | null;
}

/** How long after a visit the traffic is read as part of it. */
export const SETTLE_MS = 5000;

function pathOf(target: string | null): string | null {
  if (target === null) return null;
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target);
  const path = absolute ? target.slice(absolute[0].length) || '/' : target;
  const query = path.indexOf('?');
  return query >= 0 ? path.slice(0, query) : path;
}

function refererPath(referer: string | null): string | null {
  if (!referer) return null;
  try {
    return new URL(referer).pathname;
  } catch {
    return null;
  }
}

/**
 * Reads a visit's outcome: `visit` is the first request a lab rule answered, `later` the
 * exchanges captured since (any order), `connection` the visit's connection once known.
 */
export function observeVisit(
  visit: ExchangeSummary,
  later: readonly ExchangeSummary[],
  connection: ConnectionSummary | null,
  now: number,
): Observation {
  const path = pathOf(visit.target);
  const window = (e: ExchangeSummary): boolean =>
    e.startedAt >= visit.startedAt && e.startedAt - visit.startedAt <= SETTLE_MS;
  const repeats = later.filter(
    (e) =>
      e.exchangeId !== visit.exchangeId &&
      e.source === 'capture' &&
      e.ruleId === visit.ruleId &&
      pathOf(e.target) === path &&
      window(e),
  );
  const follow = later.some(
    (e) =>
      e.source === 'capture' &&
      window(e) &&
      refererPath(e.referer) === path &&
      pathOf(e.target) !== path &&
      !/favicon\.ico$/.test(pathOf(e.target) ?? ''),
  );
  const settled = now - visit.startedAt > SETTLE_MS;
  let closedBy: Observation['closedBy'] = null;
  let heldMs: number | null = null;
  if (connection?.closedAt != null) {
    const reason = connection.closeReason;
    closedBy =
      reason === 'client'
        ? 'browser'
        : reason === 'server' || reason === 'error'
          ? 'server'
          : 'timeout';
    heldMs = Math.max(0, connection.closedAt - (visit.completedAt ?? visit.startedAt));
  }
  return {
    requests: 1 + repeats.length,
    followedImage: follow ? true : settled ? false : null,
    closedBy,
    heldMs,
  };
}

/** Whether what happened is what was predicted (null while it cannot be told yet). */
export function matches(prediction: Prediction, observation: Observation): boolean | null {
  if (prediction.followsImage === null) return null;
  if (observation.followedImage === null) return null;
  return prediction.followsImage === observation.followedImage;
}
