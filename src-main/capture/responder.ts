// Decides what to answer to a parsed request and produces the exact response bytes: the first
// enabled matching rule, else the default site (or its tutorial-exact form).

import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type {
  CloseReason,
  Message,
  ResponderRule,
  RuleBody,
  RuleMatchMode,
} from '../protocol/types';
import type { ResponseEnding, ResponseHead } from './events';
import { encodeChunked } from '../engine/serialize';
import { base64ToBytes } from '../engine/bytes';
import { readResponse, type Deviation } from '../engine/browser-reading';
import { fieldPairs } from '../engine/message';
import {
  formatHead,
  hasHeader,
  headerValue,
  reasonPhrase,
  sameFieldName,
  statusHasNoContent,
  statusLine,
} from '../engine/semantics';
import { DefaultSite } from './default-site';
import { Holds } from './holds';
import { isAction, runAction, type ActionRoute } from './rule-actions';

const CHUNK_SIZE = 16 * 1024;

export interface ResponderRequest {
  method: string;
  target: string;
  versionMajor: number;
  versionMinor: number;
  /** The request allows the connection to stay open (RFC 9112 §9.3). */
  keepAlive: boolean;
  /** For rule actions (forward, break): the connection, the fields and the body (null: not held). */
  connectionId?: string;
  headers?: [string, string][];
  body?: Uint8Array | null;
}

export interface PreparedResponse {
  /** Empty (with `close`): no answer, the connection is closed. */
  bytes: Uint8Array;
  /** Null for raw responses, whose bytes are not necessarily HTTP. */
  head: ResponseHead | null;
  ruleId: string | null;
  /** Close the connection after these bytes. */
  close: boolean;
  delayMs: number;
  notice: Message | null;
  /** How a browser reads the bytes; absent: conformant (the server's own responses). */
  reading?: SentReading;
  /** No answer, and the connection is reset (TCP RST) rather than closed (a fail rule). */
  reset?: boolean;
  /** Why the connection closes after it, when a rule says (fail, an aborted hold). */
  closeReason?: CloseReason;
}

/**
 * What a browser makes of a response if the connection closes after it (engine/browser-reading.ts):
 * its deviations, how it ends, and the head it reads (raw responses have none of their own).
 */
export interface SentReading {
  deviations: readonly Deviation[];
  ending: ResponseEnding;
  head: ResponseHead | null;
}

/** Reads response bytes as a browser does, as if the connection closed after them. */
export function readSent(bytes: Uint8Array, requestMethod: string): SentReading {
  const reading = readResponse(bytes, { requestMethod, complete: true });
  const browser = reading.browser;
  const head: ResponseHead | null =
    browser === null
      ? null
      : {
          version: browser.head.version,
          status: browser.head.status ?? 0,
          reason: browser.head.reason ?? '',
          headers: fieldPairs(browser.head.fields),
        };
  const state =
    reading.end === 'refused' ? 'refused' : reading.end === 'complete' ? 'complete' : 'truncated';
  return { deviations: reading.deviations, ending: { state, missing: reading.missing }, head };
}

/** Readings kept per rule: the framing of the request's method, and the bytes' length. */
const READINGS_PER_RULE = 8;

/** The naive exercise's page and image responses, byte for byte (only the page is ours). */
export const TUTORIAL_PAGE_HEAD = 'HTTP/1.x 200 OK\nContent-Type: text/html\n\n';
export const TUTORIAL_IMAGE_HEAD = '\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n';

export interface ResponderOptions {
  assetsDir: string;
  /** Folder against which relative file paths in rules are resolved. */
  rulesDir: string;
  tutorialExact: boolean;
}

export { reasonPhrase };

let cachedDateSecond = -1;
let cachedDate = '';

/** IMF-fixdate of the current second (RFC 9110 §5.6.7), formatted once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedDateSecond) {
    cachedDateSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}

/** The head's bytes: status line, fields, empty line; CRLF line ends. */
export function encodeHead(head: ResponseHead): Buffer {
  return Buffer.from(
    formatHead(statusLine(head.version, head.status, head.reason), head.headers),
    'latin1',
  );
}

/** A small text response that explains itself, always closing the connection. */
export function errorResponse(
  status: number,
  explanation: string,
  extraHeaders: [string, string][] = [],
): { bytes: Buffer; head: ResponseHead } {
  const reason = reasonPhrase(status);
  const body = Buffer.from(`${status} ${reason}\n\n${explanation}\n`, 'utf8');
  const head: ResponseHead = {
    version: 'HTTP/1.1',
    status,
    reason,
    headers: [
      ['Date', httpDate()],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
      ['Connection', 'close'],
      ...extraHeaders,
    ],
  };
  return { bytes: Buffer.concat([encodeHead(head), body]), head };
}

/** The path a rule matches against: the target without query or fragment (absolute-form too). */
export function targetPath(target: string): string {
  let start = 0;
  const scheme = target.indexOf('://');
  if (scheme > 0 && target.charCodeAt(0) !== 47 /* / */) {
    const slash = target.indexOf('/', scheme + 3);
    if (slash < 0) return '/';
    start = slash;
  }
  let end = target.length;
  const query = target.indexOf('?', start);
  if (query >= 0) end = query;
  const hash = target.indexOf('#', start);
  if (hash >= 0 && hash < end) end = hash;
  return start === 0 && end === target.length ? target : target.slice(start, end);
}

/** `**` matches any characters, `*` any characters but `/`; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        source += '.*';
        i++;
      } else {
        source += '[^/]*';
      }
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

interface CompiledRule {
  rule: ResponderRule;
  matches: (path: string) => boolean;
}

function compileMatcher(mode: RuleMatchMode, pattern: string): (path: string) => boolean {
  if (mode === 'exact') return (path) => path === pattern;
  if (mode === 'prefix') return (path) => path.startsWith(pattern);
  const regexp = globToRegExp(pattern);
  return (path) => regexp.test(path);
}

export function decodeHex(hex: string): Buffer | null {
  const digits = hex.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return null;
  return Buffer.from(digits, 'hex');
}

export function decodeBase64(text: string): Buffer | null {
  const bytes = base64ToBytes(text);
  return bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

type BodyResult =
  { ok: true; bytes: Buffer } | { ok: false; explanation: string; notice: Message | null };

export class Responder {
  private compiled: CompiledRule[] = [];
  private readonly site: DefaultSite;
  private rulesDir: string;
  private tutorialOn: boolean;
  /** Whole default-site responses for the current Date second. */
  private cache = new Map<string, PreparedResponse>();
  private cacheDate = '';
  /** The tutorial's two responses, made (and read) once. */
  private tutorial: { page: PreparedResponse; image: PreparedResponse } | null = null;
  /** Rule responses as a browser reads them, read once per rule and shape. */
  private readings = new WeakMap<ResponderRule, Map<string, SentReading>>();
  /** Where break rules hold their messages for a UI. */
  private holds = new Holds();
  private notify: (level: 'info' | 'warn', message: Message) => void = () => undefined;
  /** Without an upstream, a request a rule lets go on is answered by the server itself. */
  private readonly localRoute: ActionRoute = {
    upstream: () => null,
    local: (request) =>
      this.localAnswer({ ...request, versionMajor: 1 }, targetPath(request.target)),
  };

  constructor(options: ResponderOptions, rules: ResponderRule[] = []) {
    this.site = new DefaultSite(options.assetsDir);
    this.rulesDir = options.rulesDir;
    this.tutorialOn = options.tutorialExact;
    this.setRules(rules);
  }

  setRules(rules: ResponderRule[]): void {
    this.compiled = rules.map((rule) => ({
      rule,
      matches: compileMatcher(rule.match.mode, rule.match.path),
    }));
  }

  /** The hold registry of break rules, and where rule actions report. */
  setActions(holds: Holds, notify: (level: 'info' | 'warn', message: Message) => void): void {
    this.holds = holds;
    this.notify = notify;
  }

  setRulesDir(dir: string): void {
    this.rulesDir = dir;
  }

  setTutorialExact(on: boolean): void {
    this.tutorialOn = on;
  }

  get tutorialExact(): boolean {
    return this.tutorialOn;
  }

  /** The tutorial-exact answer to a method and target, rules aside (the exercise has none). */
  tutorialAnswer(method: string, target: string): PreparedResponse {
    return this.tutorialResponse(method, targetPath(target));
  }

  /** The first enabled rule matching the request, or null (the default site answers). */
  match(method: string, path: string): ResponderRule | null {
    for (const { rule, matches } of this.compiled) {
      if (!rule.enabled) continue;
      const wanted = rule.match.method;
      // HEAD is GET without the body (RFC 9110 §9.3.2), so a GET rule answers HEAD too.
      if (wanted !== '*' && wanted !== method && !(wanted === 'GET' && method === 'HEAD')) continue;
      if (matches(path)) return rule;
    }
    return null;
  }

  respond(request: ResponderRequest): PreparedResponse | Promise<PreparedResponse> {
    const path = targetPath(request.target);
    const rule = this.compiled.length > 0 ? this.match(request.method, path) : null;
    if (rule !== null) return this.answerRule(rule, request);
    return this.localAnswer(request, path);
  }

  /** The server's own answer, rules aside: the default site or its tutorial-exact form. */
  private localAnswer(request: ResponderRequest, path: string): PreparedResponse {
    if (this.tutorialOn) return this.tutorialResponse(request.method, path);
    return this.siteResponse(request, path);
  }

  private siteResponse(request: ResponderRequest, path: string): PreparedResponse {
    const page = this.site.page(request.method, path);
    const isHead = request.method === 'HEAD';
    // The version is part of the key because HTTP/1.0 keep-alive is announced explicitly.
    const key = page.cacheable
      ? `${path}\0${request.method}\0${request.keepAlive ? 1 : 0}\0${request.versionMinor}`
      : null;
    const date = httpDate();
    if (key !== null) {
      if (date !== this.cacheDate) {
        this.cache.clear();
        this.cacheDate = date;
      }
      const hit = this.cache.get(key);
      if (hit !== undefined) return hit;
    }
    const headers: [string, string][] = [['Date', date]];
    if (page.contentType !== '') headers.push(['Content-Type', page.contentType]);
    // Never cached: every visit shows both requests again in the capture.
    headers.push(['Cache-Control', 'no-store'], ...page.headers);
    if (!statusHasNoContent(page.status))
      headers.push(['Content-Length', String(page.body.length)]);
    const close = !request.keepAlive;
    this.connectionHeader(headers, request, close);
    const head: ResponseHead = {
      version: 'HTTP/1.1',
      status: page.status,
      reason: page.reason,
      headers,
    };
    const headBytes = encodeHead(head);
    const withBody = !isHead && !statusHasNoContent(page.status) && page.body.length > 0;
    const prepared: PreparedResponse = {
      bytes: withBody ? Buffer.concat([headBytes, page.body]) : headBytes,
      head,
      ruleId: null,
      close,
      delayMs: 0,
      notice: null,
    };
    if (key !== null && this.cache.size < 256) this.cache.set(key, prepared);
    return prepared;
  }

  /**
   * What the naive socket exercise sends, byte for byte: `/test.jpg` gets the image, any other
   * path the page, each with bare LF line ends, `HTTP/1.x`, no Content-Length, then the close;
   * the image's answer starts with an empty line (that server writes its string so). Anything
   * but GET is closed with no answer.
   */
  private tutorialResponse(method: string, path: string): PreparedResponse {
    if (method !== 'GET') {
      return {
        bytes: new Uint8Array(0),
        head: null,
        ruleId: null,
        close: true,
        delayMs: 0,
        notice: null,
      };
    }
    this.tutorial ??= {
      page: this.tutorialPrepared(TUTORIAL_PAGE_HEAD, this.site.tutorialPage(), 'text/html'),
      image: this.tutorialPrepared(TUTORIAL_IMAGE_HEAD, this.site.tutorialImage(), 'image/jpg'),
    };
    return path === '/test.jpg' ? this.tutorial.image : this.tutorial.page;
  }

  private tutorialPrepared(head: string, body: Uint8Array, contentType: string): PreparedResponse {
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
    // The head as a browser reads it (HTTP/1.x is HTTP/1.0 to it).
    const reading = readSent(bytes, 'GET');
    return {
      bytes,
      head: reading.head ?? {
        version: 'HTTP/1.0',
        status: 200,
        reason: 'OK',
        headers: [['Content-Type', contentType]],
      },
      ruleId: null,
      close: true,
      delayMs: 0,
      notice: null,
      reading,
    };
  }

  /** The browser's reading of a rule's response, read once per rule, method framing and length. */
  private ruleReading(rule: ResponderRule, method: string, bytes: Uint8Array): SentReading {
    const framing = method === 'HEAD' || method === 'CONNECT' ? method : 'GET';
    const key = `${framing}\0${bytes.length}`;
    let kept = this.readings.get(rule);
    if (kept === undefined) {
      kept = new Map();
      this.readings.set(rule, kept);
    }
    let reading = kept.get(key);
    if (reading === undefined) {
      reading = readSent(bytes, framing);
      if (kept.size >= READINGS_PER_RULE) kept.clear();
      kept.set(key, reading);
    }
    return reading;
  }

  private connectionHeader(
    headers: [string, string][],
    request: ResponderRequest,
    close: boolean,
  ): void {
    if (close) headers.push(['Connection', 'close']);
    else if (request.versionMajor === 1 && request.versionMinor === 0)
      headers.push(['Connection', 'keep-alive']);
  }

  /**
   * A rule's answer to a request. An action (forward, break, fail) lets the request go on by
   * `route` (the proxy's upstream; by default the server's own answer).
   */
  answerRule(
    rule: ResponderRule,
    request: ResponderRequest,
    route: ActionRoute = this.localRoute,
  ): PreparedResponse | Promise<PreparedResponse> {
    if (isAction(rule)) {
      return runAction(
        rule,
        {
          method: request.method,
          target: request.target,
          versionMinor: request.versionMinor,
          keepAlive: request.keepAlive,
          headers: request.headers ?? [],
          body: request.body === undefined ? new Uint8Array(0) : request.body,
        },
        {
          connectionId: request.connectionId ?? '',
          holds: this.holds,
          route,
          rulesDir: this.rulesDir,
          notice: this.notify,
        },
      );
    }
    const response = rule.response;
    if (response.kind === 'raw') {
      const bytes = decodeBase64(response.base64);
      if (bytes === null)
        return this.ruleFailure(rule, request, 'Its raw bytes are not valid base64.', null);
      return {
        bytes,
        head: null,
        ruleId: rule.id,
        close: true,
        delayMs: rule.delayMs,
        notice: null,
        reading: bytes.length > 0 ? this.ruleReading(rule, request.method, bytes) : undefined,
      };
    }
    if (response.kind !== 'structured') {
      return this.ruleFailure(rule, request, 'Its action is not known.', null);
    }
    const body = response.body;
    if (body.type === 'file') {
      return this.readFileBody(rule, body.path).then((result) =>
        result.ok
          ? this.structured(rule, request, result.bytes)
          : this.ruleFailure(rule, request, result.explanation, result.notice),
      );
    }
    const result = this.inlineBody(body);
    return result.ok
      ? this.structured(rule, request, result.bytes)
      : this.ruleFailure(rule, request, result.explanation, result.notice);
  }

  private inlineBody(body: Exclude<RuleBody, { type: 'file' }>): BodyResult {
    if (body.type === 'text') return { ok: true, bytes: Buffer.from(body.text, 'utf8') };
    const bytes = body.type === 'hex' ? decodeHex(body.hex) : decodeBase64(body.base64);
    if (bytes === null) {
      return {
        ok: false,
        explanation: `Its ${body.type} body is not valid ${body.type}.`,
        notice: null,
      };
    }
    return { ok: true, bytes };
  }

  private async readFileBody(rule: ResponderRule, path: string): Promise<BodyResult> {
    const full = isAbsolute(path) ? path : resolve(this.rulesDir, path);
    try {
      return { ok: true, bytes: await readFile(full) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      const text = `Rule "${rule.name || rule.id}" answers with the file ${full}, which could not be read (${code}).`;
      return {
        ok: false,
        explanation: text,
        notice: {
          key: 'rules.fileUnreadable',
          text,
          params: { rule: rule.name || rule.id, path: full, code },
        },
      };
    }
  }

  private ruleFailure(
    rule: ResponderRule,
    request: ResponderRequest,
    explanation: string,
    notice: Message | null,
  ): PreparedResponse {
    const text = explanation.startsWith('Rule ')
      ? explanation
      : `Rule "${rule.name || rule.id}": ${explanation}`;
    const body = Buffer.from(`500 Internal Server Error\n\n${text}\n`, 'utf8');
    const headers: [string, string][] = [
      ['Date', httpDate()],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
    ];
    this.connectionHeader(headers, request, !request.keepAlive);
    const head: ResponseHead = {
      version: 'HTTP/1.1',
      status: 500,
      reason: 'Internal Server Error',
      headers,
    };
    const headBytes = encodeHead(head);
    return {
      bytes: request.method === 'HEAD' ? headBytes : Buffer.concat([headBytes, body]),
      head,
      ruleId: rule.id,
      close: !request.keepAlive,
      delayMs: rule.delayMs,
      notice: notice ?? {
        key: 'rules.invalidBody',
        text,
        params: { rule: rule.name || rule.id, detail: text },
      },
    };
  }

  private structured(
    rule: ResponderRule,
    request: ResponderRequest,
    body: Buffer,
  ): PreparedResponse {
    const response = rule.response;
    if (response.kind !== 'structured') throw new Error('structured() needs a structured rule');
    const noContent = statusHasNoContent(response.status);
    const chunked = response.chunked && !noContent;
    const headers: [string, string][] = [];
    for (const header of response.headers) {
      const isLength = sameFieldName(header[0], 'content-length');
      if (isLength && (response.autoContentLength || chunked)) continue;
      headers.push([header[0], header[1]]);
    }
    if (response.autoDate && !hasHeader(headers, 'date')) headers.push(['Date', httpDate()]);
    if (chunked) {
      if (!hasHeader(headers, 'transfer-encoding')) headers.push(['Transfer-Encoding', 'chunked']);
    } else if (response.autoContentLength && !noContent) {
      headers.push(['Content-Length', String(body.length)]);
    }
    const connection = headerValue(headers, 'connection');
    const asksClose = connection !== null && /(^|,)\s*close\s*(,|$)/i.test(connection);
    // Without a length or chunking the body can only end with the connection.
    const closeDelimited = !chunked && !noContent && !hasHeader(headers, 'content-length');
    const close = !request.keepAlive || asksClose || closeDelimited;
    if (connection === null) this.connectionHeader(headers, request, close);
    const head: ResponseHead = {
      version: 'HTTP/1.1',
      status: response.status,
      reason: response.reason,
      headers,
    };
    const headBytes = encodeHead(head);
    let bytes: Buffer = headBytes;
    if (request.method !== 'HEAD' && !noContent) {
      bytes = Buffer.concat([headBytes, chunked ? encodeChunked(body, CHUNK_SIZE) : body]);
    }
    return {
      bytes,
      head,
      ruleId: rule.id,
      close,
      delayMs: rule.delayMs,
      notice: null,
      reading: this.ruleReading(rule, request.method, bytes),
    };
  }
}
