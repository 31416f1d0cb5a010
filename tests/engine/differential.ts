// Differential testing of the engine against Node's built-in llhttp: a seeded generator of
// realistic requests and responses with mutations, one runner per parser producing the same
// normalised outcome, and the named classes of disagreement that are known and justified.

import { createRequire } from 'node:module';
import type { ParserEvent } from '../../src-main/engine/events';
import { RequestParser, ResponseParser } from '../../src-main/engine/parser';
import { coalesceEvents } from '../../src-main/engine/serialize';

// ---------------------------------------------------------------- random numbers

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, fast, good enough for test generation, reproducible from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)],
    chance: (probability) => next() < probability,
  };
}

// ---------------------------------------------------------------- generation

export type Kind = 'request' | 'response';

export interface Case {
  kind: Kind;
  bytes: Uint8Array;
  /** For responses: the method of the request each response answers. */
  requestMethods: string[];
  /** Description of the mutations applied (empty: the message is as generated). */
  mutations: string[];
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'];
const PATHS = [
  '/',
  '/index.html',
  '/test.jpg',
  '/api/items/42',
  '/search?q=http+parser&lang=zh-CN',
  '/a/b/c.css',
];
const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-!#$%&'*+.^_`|~";
const VALUE_CHARS =
  'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;,=/()"?@[]{}\t-._~';
const REQUEST_HEADERS: [string, string[]][] = [
  ['User-Agent', ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'curl/8.5.0']],
  [
    'Accept',
    ['*/*', 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'image/avif,image/webp,*/*'],
  ],
  ['Accept-Language', ['zh-CN,zh;q=0.9,en;q=0.8', 'en-US']],
  ['Accept-Encoding', ['gzip, deflate, br', 'identity']],
  ['Cookie', ['session=abc123; theme=dark', 'a=1']],
  ['Referer', ['http://127.0.0.1:8080/', 'http://localhost/index.html']],
  ['Cache-Control', ['no-cache', 'max-age=0']],
  ['Sec-Fetch-Mode', ['navigate', 'no-cors']],
  ['X-Request-Id', ['7f3a9c', '']],
];
const RESPONSE_HEADERS: [string, string[]][] = [
  ['Server', ['socketscope', 'nginx/1.24.0']],
  ['Date', ['Wed, 25 Nov 2026 03:00:00 GMT']],
  ['Content-Type', ['text/html; charset=utf-8', 'image/jpeg', 'application/json']],
  ['Cache-Control', ['no-store', 'public, max-age=3600']],
  ['Set-Cookie', ['id=1; Path=/; HttpOnly']],
  ['ETag', ['"33a64df5"']],
  ['X-Empty', ['']],
];
const STATUSES: [number, string][] = [
  [200, 'OK'],
  [201, 'Created'],
  [204, 'No Content'],
  [301, 'Moved Permanently'],
  [304, 'Not Modified'],
  [404, 'Not Found'],
  [500, 'Internal Server Error'],
  [200, ''],
];

function randomString(rng: Rng, chars: string, min: number, max: number): string {
  const length = min + rng.int(max - min + 1);
  let out = '';
  for (let i = 0; i < length; i++) out += chars[rng.int(chars.length)];
  return out;
}

function randomBody(rng: Rng): string {
  const length = rng.pick([0, 1, 5, 16, 100, 700]);
  return randomString(rng, 'abcdefghijklmnopqrstuvwxyz0123456789 \r\n{}":,', length, length);
}

interface Framing {
  headers: string;
  body: string;
}

function frameBody(rng: Rng, body: string, allowClose: boolean): Framing {
  const choice = rng.int(allowClose ? 4 : 3);
  if (choice === 0) return { headers: '', body: '' };
  if (choice === 1 || (choice === 3 && body === '')) {
    return { headers: `Content-Length: ${body.length}\r\n`, body };
  }
  if (choice === 3) return { headers: '', body };
  let chunked = '';
  let rest = body;
  while (rest.length > 0) {
    const size = 1 + rng.int(Math.min(rest.length, 64));
    const extension = rng.chance(0.1) ? ';name=value' : '';
    chunked += `${size.toString(16)}${extension}\r\n${rest.slice(0, size)}\r\n`;
    rest = rest.slice(size);
  }
  chunked += '0\r\n';
  if (rng.chance(0.15)) chunked += 'X-Checksum: abc\r\n';
  chunked += '\r\n';
  const coding = rng.chance(0.1) ? 'gzip, chunked' : 'chunked';
  return { headers: `Transfer-Encoding: ${coding}\r\n`, body: chunked };
}

function randomHeaders(rng: Rng, pool: [string, string[]][]): string {
  let out = '';
  const count = rng.int(pool.length + 1);
  for (let i = 0; i < count; i++) {
    const [name, values] = rng.pick(pool);
    const ows = rng.chance(0.1) ? ' \t' : '';
    out += `${name}:${rng.chance(0.9) ? ' ' : ''}${rng.pick(values)}${ows}\r\n`;
  }
  if (rng.chance(0.2))
    out += `${randomString(rng, TOKEN_CHARS, 1, 12)}: ${randomString(rng, VALUE_CHARS, 0, 30)}\r\n`;
  return out;
}

/** Field lines that smuggling and robustness tests are made of, added to some heads. */
const TRICKY_FIELDS = [
  'Content-Length: 3\r\n',
  'Content-Length: 3, 3\r\n',
  'Content-Length: +3\r\n',
  'Content-Length: 003\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Transfer-Encoding: CHUNKED\r\n',
  'Transfer-Encoding: chunked, gzip\r\n',
  'Transfer-Encoding: identity\r\n',
  'X-Folded: a\r\n b\r\n',
  'X-Space : a\r\n',
  'X-No-Colon\r\n',
  'Expect: 100-continue\r\n',
  'Connection: close, keep-alive\r\n',
  'Host: second.example\r\n',
];

function trickyFields(rng: Rng): string {
  return rng.chance(0.1) ? rng.pick(TRICKY_FIELDS) : '';
}

function generateRequest(
  rng: Rng,
  last: boolean,
  tricky: boolean,
): { text: string; method: string } {
  const method = rng.chance(0.03) ? 'CONNECT' : rng.pick(METHODS);
  const version = rng.chance(0.1) ? 'HTTP/1.0' : 'HTTP/1.1';
  let target = rng.pick(PATHS);
  if (method === 'CONNECT') target = 'example.com:443';
  else if (rng.chance(0.05)) target = 'http://example.com' + target;
  else if (method === 'OPTIONS' && rng.chance(0.3)) target = '*';
  let head = `${method} ${target} ${version}\r\nHost: 127.0.0.1:8080\r\n`;
  head += randomHeaders(rng, REQUEST_HEADERS) + (tricky ? trickyFields(rng) : '');
  if (version === 'HTTP/1.0' && !last) head += 'Connection: keep-alive\r\n';
  if (last && rng.chance(0.05)) head += 'Connection: close\r\n';
  if (last && method === 'GET' && rng.chance(0.03))
    head += 'Upgrade: websocket\r\nConnection: Upgrade\r\n';
  const framing =
    method === 'CONNECT' ? { headers: '', body: '' } : frameBody(rng, randomBody(rng), false);
  let text = head + framing.headers + '\r\n' + framing.body;
  if (method === 'CONNECT' || head.includes('Upgrade:'))
    text += rng.chance(0.5) ? '\x16\x03\x01tunnel' : '';
  return { text, method };
}

function generateResponse(rng: Rng, method: string, last: boolean, tricky: boolean): string {
  let text = '';
  if (method !== 'HEAD' && rng.chance(0.05)) text += 'HTTP/1.1 100 Continue\r\n\r\n';
  const [status, reason] = rng.pick(STATUSES);
  const version = rng.chance(0.1) ? 'HTTP/1.0' : 'HTTP/1.1';
  text += `${version} ${status} ${reason}\r\n`;
  text += randomHeaders(rng, RESPONSE_HEADERS) + (tricky ? trickyFields(rng) : '');
  if (version === 'HTTP/1.0' && !last) text += 'Connection: keep-alive\r\n';
  const bodyless = method === 'HEAD' || status === 204 || status === 304;
  const framing = frameBody(rng, randomBody(rng), last);
  if (bodyless) {
    // A HEAD answer may announce the length it would have had; the body itself is absent.
    text +=
      framing.headers.startsWith('Content-Length') && method === 'HEAD' ? framing.headers : '';
    return text + '\r\n';
  }
  return text + framing.headers + '\r\n' + framing.body;
}

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A realistic request or response stream (1–3 messages, pipelined), unmutated; `tricky` adds smuggling-style field lines. */
export function generateCase(rng: Rng, kind: Kind, tricky = true): Case {
  const count = rng.chance(0.7) ? 1 : 2 + rng.int(2);
  let text = '';
  const requestMethods: string[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    if (kind === 'request') {
      const request = generateRequest(rng, last, tricky);
      text += request.text;
      if (request.method === 'CONNECT' || request.text.includes('Upgrade:')) break;
    } else {
      const method = count === 1 && rng.chance(0.1) ? 'HEAD' : 'GET';
      requestMethods.push(method);
      text += generateResponse(rng, method, last, tricky);
    }
  }
  return { kind, bytes: latin1(text), requestMethods, mutations: [] };
}

const INSERTIONS = [
  [0x0d],
  [0x0a],
  [0x20],
  [0x00],
  [0x3a],
  [0x09],
  [0x0d, 0x0a],
  [0x80],
  [0xff],
  [0x7f],
  [0x22],
];

/** Applies 1–3 random byte-level mutations. */
export function mutateCase(rng: Rng, input: Case): Case {
  let bytes = input.bytes;
  const mutations: string[] = [];
  const rounds = 1 + rng.int(3);
  for (let round = 0; round < rounds && bytes.length > 0; round++) {
    const at = rng.int(bytes.length);
    const op = rng.int(6);
    if (op === 0) {
      const value = rng.int(256);
      bytes = bytes.slice();
      bytes[at] = value;
      mutations.push(`set ${at}=0x${value.toString(16)}`);
    } else if (op === 1 || op === 2) {
      const inserted = rng.pick(INSERTIONS);
      bytes = concat([bytes.subarray(0, at), Uint8Array.from(inserted), bytes.subarray(at)]);
      mutations.push(`insert ${at} ${inserted.map((b) => '0x' + b.toString(16)).join(' ')}`);
    } else if (op === 3) {
      const length = 1 + rng.int(Math.min(20, bytes.length - at));
      bytes = concat([bytes.subarray(0, at + length), bytes.subarray(at)]);
      mutations.push(`duplicate ${at}+${length}`);
    } else if (op === 4) {
      bytes = bytes.slice(0, at);
      mutations.push(`truncate ${at}`);
    } else {
      bytes = concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
      mutations.push(`delete ${at}`);
    }
  }
  return { ...input, bytes, mutations };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Case number `index` of the stream for `seed`: half requests, about 60 % mutated. */
export function caseAt(rng: Rng): Case {
  const kind: Kind = rng.chance(0.5) ? 'request' : 'response';
  const base = generateCase(rng, kind);
  return rng.chance(0.6) ? mutateCase(rng, base) : base;
}

// ---------------------------------------------------------------- outcomes

export interface MessageView {
  method: string | null;
  target: string | null;
  status: number | null;
  version: string;
  headers: string[];
  trailers: string[];
  body: string;
}

export interface Outcome {
  /** Error code (engine or llhttp vocabulary), or null when the stream was accepted. */
  error: string | null;
  /** Offset where the error was raised, when known. */
  errorOffset: number | null;
  /** Messages parsed completely, in order. */
  messages: MessageView[];
  /** Set when the stream switched to a tunnel (CONNECT or Upgrade accepted). */
  upgraded: boolean;
  /** Offsets where each message began (engine only; llhttp does not report them). */
  starts: number[];
}

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  execute(data: Uint8Array): number | (Error & { code: string; bytesParsed: number });
  finish(): undefined | (Error & { code: string; bytesParsed: number });
  close(): void;
  [index: number]: unknown;
}

interface LlhttpBinding {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
    kOnExecute: number;
  };
  methods: string[];
}

const binding = createRequire(import.meta.url)('node:_http_common') as LlhttpBinding;
export const HTTPParser = binding.HTTPParser;
export const llhttpMethods = binding.methods;

function pairs(flat: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(`${flat[i].toLowerCase()}: ${flat[i + 1]}`);
  return out;
}

/** Parses the whole stream with llhttp (strict, as Node's http server runs it). */
export function runLlhttp(input: Case): Outcome {
  const parser = new HTTPParser();
  parser.initialize(input.kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {});
  const messages: MessageView[] = [];
  let current: MessageView | null = null;
  let pendingHeaders: string[] = [];
  let pendingUrl = '';
  let headersDone = false;
  let responseIndex = 0;
  let upgraded = false;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    if (headersDone && current) current.trailers.push(...pairs(headers));
    else {
      pendingHeaders.push(...headers);
      pendingUrl += url;
    }
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    status: number | undefined,
    _reason: string | undefined,
    upgrade: boolean,
  ) => {
    const all = [...pendingHeaders, ...(headers ?? [])];
    current = {
      method: method === undefined ? null : llhttpMethods[method],
      target: input.kind === 'request' ? pendingUrl + (url ?? '') : null,
      status: status ?? null,
      version: `HTTP/${major}.${minor}`,
      headers: pairs(all),
      trailers: [],
      body: '',
    };
    pendingHeaders = [];
    pendingUrl = '';
    headersDone = true;
    if (upgrade) upgraded = true;
    if (
      input.kind === 'response' &&
      status !== undefined &&
      status >= 100 &&
      status < 200 &&
      status !== 101
    )
      return 0;
    const answered = input.kind === 'response' ? input.requestMethods[responseIndex++] : undefined;
    return answered === 'HEAD' ? 1 : 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Uint8Array) => {
    if (current) current.body += latin1Decode(chunk);
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    if (current) messages.push(current);
    current = null;
    headersDone = false;
  };
  let error: string | null = null;
  let errorOffset: number | null = null;
  const result = parser.execute(input.bytes);
  if (typeof result !== 'number') {
    error = result.code;
    errorOffset = result.bytesParsed;
  } else if (result < input.bytes.length) {
    // llhttp stops before the end only to hand the connection over (Upgrade, CONNECT, 101).
    upgraded = true;
  } else if (!upgraded) {
    const end = parser.finish();
    if (end) {
      error = end.code;
      errorOffset = input.bytes.length;
    }
  }
  parser.close();
  return { error, errorOffset, messages, upgraded, starts: [] };
}

function latin1Decode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return out;
}

/** Folds engine events into the same outcome shape. */
export function outcomeOfEvents(events: readonly ParserEvent[]): Outcome {
  const messages: MessageView[] = [];
  let current: MessageView | null = null;
  let upgraded = false;
  const blank = (): MessageView => ({
    method: null,
    target: null,
    status: null,
    version: '',
    headers: [],
    trailers: [],
    body: '',
  });
  let pendingName = '';
  /** After a message's headersComplete, field lines are trailers. */
  let inTrailers = false;
  const starts: number[] = [];
  for (const event of coalesceEvents(events)) {
    switch (event.type) {
      case 'messageBegin':
        current = blank();
        inTrailers = false;
        starts.push(event.offset);
        break;
      case 'method':
        if (current) current.method = event.value;
        break;
      case 'target':
        if (current) current.target = event.value;
        break;
      case 'status':
        if (current) current.status = event.code;
        break;
      case 'version':
        if (current) current.version = `HTTP/${event.major}.${event.minor}`;
        break;
      case 'headerName':
        pendingName = event.value.toLowerCase();
        break;
      case 'headerValue':
        if (current)
          (inTrailers ? current.trailers : current.headers).push(`${pendingName}: ${event.value}`);
        break;
      case 'headersComplete':
        inTrailers = true;
        if (event.upgrade) upgraded = true;
        break;
      case 'body':
        if (current) current.body += latin1Decode(event.data);
        break;
      case 'messageComplete':
        if (current) messages.push(current);
        current = null;
        break;
      case 'error':
        return { error: event.code, errorOffset: event.offset, messages, upgraded, starts };
      default:
        break;
    }
  }
  return { error: null, errorOffset: null, messages, upgraded, starts };
}

/** Parses the whole stream with the engine, strict defaults. */
export function runEngine(input: Case): Outcome {
  const parser =
    input.kind === 'request'
      ? new RequestParser()
      : new ResponseParser({ requestMethods: [...input.requestMethods] });
  const events = [...parser.push(input.bytes)];
  const outcome = outcomeOfEvents(events);
  if (outcome.error || outcome.upgraded) return outcome;
  return outcomeOfEvents([...events, ...parser.finish()]);
}

// ---------------------------------------------------------------- comparison

export interface Disagreement {
  input: Case;
  ours: Outcome;
  theirs: Outcome;
  /** What differs first: 'accept' (one side rejected) or 'messages'. */
  aspect: 'accept' | 'messages';
}

function sameMessages(a: readonly MessageView[], b: readonly MessageView[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function compare(input: Case, ours: Outcome, theirs: Outcome): Disagreement | null {
  if ((ours.error === null) !== (theirs.error === null))
    return { input, ours, theirs, aspect: 'accept' };
  if (!sameMessages(ours.messages, theirs.messages))
    return { input, ours, theirs, aspect: 'messages' };
  return null;
}

export interface KnownDifference {
  name: string;
  /** Why the engine's behaviour is right (the RFC reason). */
  reason: string;
  matches(difference: Disagreement): boolean;
}

const SP = 0x20;
const HTAB = 0x09;
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Both parsers produced the same first `count` messages. */
function prefixAgrees(d: Disagreement, count: number): boolean {
  return (
    d.ours.messages.length >= count &&
    d.theirs.messages.length >= count &&
    JSON.stringify(d.ours.messages.slice(0, count)) ===
      JSON.stringify(d.theirs.messages.slice(0, count))
  );
}

/** `other` got past `offset` (accepted, or failed later). */
function gotPast(other: Outcome, offset: number): boolean {
  return other.errorOffset === null || other.errorOffset > offset;
}

const HEX_DIGIT = /^[0-9A-Fa-f]$/;

function isCtl(byte: number): boolean {
  return (byte < 0x20 && byte !== HTAB) || byte === 0x7f;
}

/** The bytes from `start` up to (not including) the first byte in `stops`. */
function tokenAt(bytes: Uint8Array, start: number, stops: number[]): string {
  let end = start;
  while (end < bytes.length && !stops.includes(bytes[end])) end++;
  return latin1Decode(bytes.subarray(start, end));
}

const REG_NAME = "[A-Za-z0-9\\-._~%!$&'()*+,;=]*";
const HOST = `(\\[[0-9A-Fa-f:.vV]+\\]|${REG_NAME})`;
const AUTHORITY_FORM = new RegExp(`^${HOST}:[0-9]*$`);
const ABSOLUTE_FORM = new RegExp(
  `^[A-Za-z][A-Za-z0-9+.-]*://(${REG_NAME}(:${REG_NAME})*@)?${HOST}(:[0-9]*)?([/?#]|$)`,
);

/** An independent reading of RFC 9112 §3.2: the target has a form its method may use. */
function hasTargetForm(method: string, target: string): boolean {
  if (method === 'CONNECT') return AUTHORITY_FORM.test(target);
  if (target === '*') return method === 'OPTIONS';
  return target.startsWith('/') || ABSOLUTE_FORM.test(target);
}

/** Named, justified classes of disagreement; docs/differential.md lists the same ones. */
export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    name: 'llhttp-method-list',
    reason:
      'llhttp only knows a fixed list of methods; RFC 9110 §9.1 and RFC 9112 §3.1 define method as any token, ' +
      'and an unknown method is answered with 501 by the application, not rejected as malformed.',
    matches(d) {
      if (d.input.kind !== 'request' || d.theirs.error !== 'HPE_INVALID_METHOD') return false;
      const index = d.theirs.messages.length;
      const start = d.ours.starts[index];
      if (start === undefined || !prefixAgrees(d, index)) return false;
      const method = tokenAt(d.input.bytes, start, [SP, 0x0d, 0x0a]);
      return (
        TCHAR.test(method) &&
        !llhttpMethods.includes(method) &&
        gotPast(d.ours, start + method.length)
      );
    },
  },
  {
    name: 'reason-phrase-control-byte',
    reason:
      'RFC 9112 §4: reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ); NUL, DEL and other control bytes are not ' +
      'allowed. llhttp accepts them; the engine rejects the status line.',
    matches(d) {
      if (d.ours.error !== 'INVALID_REASON' || d.ours.errorOffset === null) return false;
      const byte = d.input.bytes[d.ours.errorOffset];
      return (
        isCtl(byte) && byte !== 0x0d && byte !== 0x0a && prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'framing-field-trailing-whitespace',
    reason:
      'RFC 9112 §5 and RFC 9110 §5.5: whitespace around a field value is OWS and not part of the value, so ' +
      '"Content-Length: 5<TAB>" is a valid length of 5 and "Transfer-Encoding: chunked<TAB>" is chunked. ' +
      'llhttp does not recognise these fields with a trailing tab: it rejects the length or coding, treats a ' +
      'chunked response body as close-delimited, or ignores keep-alive and closes the connection. The same ' +
      'holds for "chunked<TAB>," inside a Transfer-Encoding list (RFC 9110 §5.6.1: OWS around the comma): ' +
      'llhttp takes "chunked<TAB>" for another coding, so "chunked<TAB>, gzip" followed by a second ' +
      '"Transfer-Encoding: chunked" is one chunked to llhttp and chunked applied twice to the engine (400).',
    matches(d) {
      // The field is in the message that differs, or (Connection) in the one before it.
      const index = firstDifferingMessage(d);
      const heads = [headOf(d, index), index > 0 ? headOf(d, index - 1) : null];
      const field =
        /\r\n(content-length:[ \t]*\d+|transfer-encoding:[^\r\n]*chunked|connection:[^\r\n]*(keep-alive|close|upgrade))[ \t]*\t[ \t]*\r\n/i;
      if (heads.some((head) => head !== null && field.test(head))) return true;
      // "chunked" as a whole list element, then OWS with a tab, then the comma.
      const chunkedThenTabComma =
        /\r\ntransfer-encoding:([^\r\n]*,)?[ \t]*chunked[ \t]*\t[ \t]*,[^\r\n]*\r\n/i;
      const head = headOf(d, index);
      return head !== null && chunkedThenTabComma.test(head) && prefixAgrees(d, index);
    },
  },
  {
    name: 'request-line-repeated-space',
    reason:
      'RFC 9112 §3: request-line = method SP request-target SP HTTP-version, one SP each. A recipient MAY split ' +
      'on whitespace instead, but §3 warns that lenient parsing enables request smuggling; the engine is strict ' +
      'and llhttp accepts a second space.',
    matches(d) {
      const at = d.ours.errorOffset;
      if (d.input.kind !== 'request' || at === null || at === 0) return false;
      if (
        !['INVALID_TARGET', 'INVALID_METHOD', 'INVALID_VERSION', 'INVALID_CONSTANT'].includes(
          d.ours.error ?? '',
        )
      ) {
        return false;
      }
      const bytes = d.input.bytes;
      return (
        bytes[at] === SP &&
        bytes[at - 1] === SP &&
        gotPast(d.theirs, at) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'llhttp-http09-request-line',
    reason:
      'llhttp takes a request line without a version ("GET /path" then a line end) as an HTTP/0.9 request. ' +
      'RFC 9112 §3 requires request-line = method SP request-target SP HTTP-version; HTTP/0.9 is not HTTP/1.x ' +
      'and the engine rejects the line.',
    matches(d) {
      const index = d.ours.messages.length;
      return (
        d.input.kind === 'request' &&
        d.ours.error !== null &&
        d.theirs.messages[index]?.version === 'HTTP/0.9' &&
        prefixAgrees(d, index)
      );
    },
  },
  {
    name: 'node-ignores-errors-after-upgrade',
    reason:
      "Node's binding returns the bytes parsed instead of the error once a message has set the upgrade flag, " +
      'so malformed chunked bodies of Upgrade requests pass unreported. RFC 9112 §7.1 makes them invalid; ' +
      'the engine reports the error.',
    matches(d) {
      const head = headOf(d, d.ours.messages.length);
      return (
        d.theirs.upgraded &&
        d.theirs.error === null &&
        d.ours.error !== null &&
        head !== null &&
        /\r\nupgrade:/i.test(head) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'request-target-stricter-than-llhttp',
    reason:
      'RFC 9112 §3.2: a request-target is origin-form ("/…"), absolute-form (scheme "://" authority …), ' +
      'authority-form (uri-host ":" port, CONNECT only) or asterisk-form ("*", OPTIONS only, §3.2.4); RFC 3986 ' +
      '§3.2: a port is digits and a reg-name has no ":", "?", "/" or "@". llhttp accepts "host:U43", ' +
      '"exam:ple.com", "CONNECT exampl?.com:443", "*api/…" and "*" with other methods; the engine answers ' +
      'INVALID_TARGET (400).',
    matches(d) {
      if (d.input.kind !== 'request' || d.ours.error !== 'INVALID_TARGET') return false;
      const index = d.ours.messages.length;
      const start = d.ours.starts[index];
      if (start === undefined || !prefixAgrees(d, index)) return false;
      const method = tokenAt(d.input.bytes, start, [SP]);
      const targetStart = start + method.length + 1;
      const target = tokenAt(d.input.bytes, targetStart, [SP, 0x0d, 0x0a]);
      return gotPast(d.theirs, targetStart + target.length) && !hasTargetForm(method, target);
    },
  },
  {
    name: 'fragment-right-after-authority',
    reason:
      'No request-target form has a fragment (RFC 9112 §3.2; absolute-form is an absolute-URI, RFC 3986 §4.3). ' +
      'Both parsers tolerate one after a path ("/a#b", "http://h/a#b"); llhttp rejects one right after the ' +
      'authority ("http://h#b/"), where the engine, like parseTarget, still reads it as a fragment.',
    matches(d) {
      if (d.input.kind !== 'request' || d.theirs.error !== 'HPE_INVALID_URL') return false;
      const index = d.theirs.messages.length;
      const start = d.ours.starts[index];
      if (start === undefined || !prefixAgrees(d, index)) return false;
      const method = tokenAt(d.input.bytes, start, [SP]);
      const target = tokenAt(d.input.bytes, start + method.length + 1, [SP, 0x0d, 0x0a]);
      return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*#/.test(target) && gotPast(d.ours, start);
    },
  },
  {
    name: 'bare-cr-after-status-line',
    reason:
      'RFC 9112 §2.2: a recipient of a bare CR MUST consider that element invalid or replace each bare CR with SP ' +
      'before processing. llhttp takes a CR not followed by LF as the end of a status line; the engine rejects it.',
    matches(d) {
      const at = d.ours.errorOffset;
      if (d.ours.error !== 'BARE_CR' || at === null || at === 0) return false;
      const bytes = d.input.bytes;
      return (
        (bytes[at - 1] === 0x0d || bytes[at] === 0x0d) &&
        gotPast(d.theirs, at) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'status-code-outside-100-599',
    reason:
      'RFC 9110 §15: all valid status codes are within 100–599. llhttp accepts any three digits; the engine ' +
      'rejects the status line (INVALID_STATUS) rather than guess how such a response is framed.',
    matches(d) {
      if (d.input.kind !== 'response' || d.ours.error !== 'INVALID_STATUS') return false;
      const start = d.ours.starts[d.ours.messages.length];
      if (start === undefined || !prefixAgrees(d, d.ours.messages.length)) return false;
      const line = tokenAt(d.input.bytes, start, [0x0d, 0x0a]);
      const match = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(line);
      if (!match) return false;
      const code = Number(match[1]);
      return (code < 100 || code > 599) && gotPast(d.theirs, start + 12);
    },
  },
  {
    name: 'chunk-extension-whitespace',
    reason:
      'RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ); whitespace ' +
      'around ";" and "=" is allowed (BWS). llhttp rejects it (HPE_STRICT).',
    matches(d) {
      const at = d.theirs.errorOffset;
      if (at === null || !gotPast(d.ours, at)) return false;
      const bytes = d.input.bytes;
      if (d.theirs.error === 'HPE_INVALID_CHUNK_SIZE') {
        // BWS between the chunk size and ";": llhttp stops a byte after the first SP or HTAB.
        let p = at - 1;
        if (!HEX_DIGIT.test(String.fromCharCode(bytes[p - 1] ?? 0))) return false;
        while (bytes[p] === SP || bytes[p] === 0x09) p++;
        return p > at - 1 && bytes[p] === 0x3b && prefixAgrees(d, d.theirs.messages.length);
      }
      if (d.theirs.error !== 'HPE_STRICT') return false;
      const before = latin1Decode(bytes.subarray(Math.max(0, at - 8), at + 1));
      // Whitespace after ";" or "=", or after an extension name (llhttp stops a byte after it).
      const afterName = latin1Decode(bytes.subarray(Math.max(0, at - 40), at));
      return (
        (/[;=][ \t]*[ \t]/.test(before) ||
          /;[ \t]*[-!#$%&'*+.^_`|~0-9A-Za-z]+[ \t]$/.test(afterName)) &&
        prefixAgrees(d, d.theirs.messages.length)
      );
    },
  },
  {
    name: 'higher-minor-version',
    reason:
      'RFC 9110 §2.5: a recipient that receives a higher minor version than it implements processes the ' +
      'message as the highest one it implements (HTTP/1.2–1.9 as HTTP/1.1). llhttp rejects them ' +
      '(HPE_INVALID_VERSION).',
    matches(d) {
      const at = d.theirs.errorOffset;
      if (d.theirs.error !== 'HPE_INVALID_VERSION' || at === null || at < 8) return false;
      const version = latin1Decode(d.input.bytes.subarray(at - 8, at));
      return (
        /^HTTP\/1\.[2-9]$/.test(version) &&
        gotPast(d.ours, at) &&
        prefixAgrees(d, d.theirs.messages.length)
      );
    },
  },
  {
    name: 'empty-transfer-encoding-in-request',
    reason:
      'RFC 9112 §6.3 (rule 4): when Transfer-Encoding is present in a request and chunked is not the final coding, ' +
      'the length cannot be determined and the server MUST answer 400. An empty Transfer-Encoding is present ' +
      'without chunked; llhttp ignores it and reads the body bytes as the next request.',
    matches(d) {
      const head = headOf(d, d.ours.messages.length);
      return (
        d.input.kind === 'request' &&
        d.ours.error === 'INVALID_TRANSFER_ENCODING' &&
        head !== null &&
        /\r\ntransfer-encoding:[ \t]*\r\n/i.test(head) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'response-transfer-encoding-overrides-content-length',
    reason:
      'RFC 9112 §6.3 rule 3: when a message has both Transfer-Encoding and Content-Length, Transfer-Encoding ' +
      'overrides Content-Length. Such a message "ought to be handled as an error" (not MUST): the engine rejects ' +
      'it in requests, where it is a smuggling attempt against the server, and frames responses by ' +
      'Transfer-Encoding as the rule says. llhttp rejects both.',
    matches(d) {
      if (d.input.kind !== 'response') return false;
      if (
        !['HPE_INVALID_CONTENT_LENGTH', 'HPE_INVALID_TRANSFER_ENCODING'].includes(
          d.theirs.error ?? '',
        )
      )
        return false;
      const index = d.theirs.messages.length;
      const head = headOf(d, index);
      return (
        head !== null &&
        /\r\ntransfer-encoding:/i.test(head) &&
        /\r\ncontent-length:/i.test(head) &&
        prefixAgrees(d, index)
      );
    },
  },
  {
    name: 'connection-close-wins',
    reason:
      'RFC 9112 §9.3: if the "close" connection option is present, the connection will not persist after the ' +
      'current response, whatever else Connection says. llhttp lets a later "keep-alive" win on an HTTP/1.0 ' +
      'message and reads the next message; the engine stops at the close.',
    matches(d) {
      const index = d.ours.messages.length - 1;
      const head = index >= 0 ? headOf(d, index) : null;
      const closing = d.ours.error === 'DATA_AFTER_CLOSE' || d.ours.error === 'CLOSED_CONNECTION';
      return (
        closing &&
        head !== null &&
        /\r\nconnection:[^\r\n]*\bclose\b/i.test(head) &&
        gotPast(d.theirs, d.ours.errorOffset ?? 0) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: 'chunk-extension-empty-name-or-value',
    reason:
      'RFC 9112 §7.1.1: chunk-ext-name = token and chunk-ext-val = token / quoted-string, and a token has at ' +
      'least one character, so ";;name", ";=value" and ";name=" are malformed. llhttp accepts them.',
    matches(d) {
      const at = d.ours.errorOffset;
      if (d.ours.error !== 'INVALID_CHUNK_EXTENSION' || at === null || at === 0) return false;
      const bytes = d.input.bytes;
      const afterSemicolon = bytes[at - 1] === 0x3b;
      const afterEquals = bytes[at - 1] === 0x3d;
      const endsHere = bytes[at] === 0x3b || bytes[at] === 0x0d || bytes[at] === 0x0a;
      // An empty name ends at ";", CR, LF or at the "=" of its value; an empty value at ";", CR or LF.
      const emptyName = afterSemicolon && (endsHere || bytes[at] === 0x3d);
      const emptyValue = afterEquals && endsHere;
      return (
        (emptyName || emptyValue) &&
        gotPast(d.theirs, at) &&
        prefixAgrees(d, d.ours.messages.length)
      );
    },
  },
  {
    name: '101-without-upgrade-field',
    reason:
      'llhttp hands the connection over after any 101 response. RFC 9110 §15.2.2 says the protocols in effect ' +
      'after a 101 are the ones its Upgrade field names, and a server MUST send that field; a 101 without it ' +
      'names no protocol, so the engine keeps parsing HTTP/1.1 (it still tunnels after a 101 with Upgrade).',
    matches(d) {
      const index = d.theirs.messages.length - 1;
      const last = d.theirs.messages[index];
      const head = headOf(d, index);
      return (
        d.input.kind === 'response' &&
        (d.theirs.upgraded || d.theirs.error === 'HPE_INVALID_EOF_STATE') &&
        last?.status === 101 &&
        head !== null &&
        !/\r\nupgrade:/i.test(head) &&
        prefixAgrees(d, d.theirs.messages.length)
      );
    },
  },
  {
    name: 'llhttp-scheme-characters',
    reason:
      'RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), so "h+tp://host/" is a well-formed ' +
      'absolute-form target (RFC 9112 §3.2.2). llhttp accepts only letters in a scheme.',
    matches(d) {
      if (d.input.kind !== 'request' || d.theirs.error !== 'HPE_INVALID_URL') return false;
      const index = d.theirs.messages.length;
      const start = d.ours.starts[index];
      if (start === undefined || !prefixAgrees(d, index)) return false;
      const method = tokenAt(d.input.bytes, start, [SP]);
      const target = tokenAt(d.input.bytes, start + method.length + 1, [SP, 0x0d, 0x0a]);
      return (
        /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) &&
        /^[A-Za-z]*[0-9+.-]/.test(target) &&
        gotPast(d.ours, start)
      );
    },
  },
];

/** Index of the first message the two parsers report differently (or the first one only one has). */
function firstDifferingMessage(d: Disagreement): number {
  const count = Math.min(d.ours.messages.length, d.theirs.messages.length);
  for (let i = 0; i < count; i++) {
    if (JSON.stringify(d.ours.messages[i]) !== JSON.stringify(d.theirs.messages[i])) return i;
  }
  return count;
}

/** The head (start line to empty line, CRLFs included) of message `index`, from the engine's offsets. */
function headOf(d: Disagreement, index: number): string | null {
  const start = d.ours.starts[index];
  if (start === undefined) return null;
  const text = latin1Decode(d.input.bytes.subarray(start));
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text : text.slice(0, end + 4);
}

export function classify(difference: Disagreement): KnownDifference | null {
  return KNOWN_DIFFERENCES.find((known) => known.matches(difference)) ?? null;
}

/** Printable form of the input: C escapes for control and high bytes. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x0d) out += '\\r';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

export function describe(difference: Disagreement): string {
  const { input, ours, theirs } = difference;
  return [
    `${input.kind} ${JSON.stringify(escapeBytes(input.bytes))}`,
    input.mutations.length ? `mutations: ${input.mutations.join(', ')}` : 'unmutated',
    input.kind === 'response' ? `request methods: ${input.requestMethods.join(',')}` : '',
    `engine: ${ours.error ?? 'accepted'}${ours.errorOffset !== null ? '@' + ours.errorOffset : ''}, ${ours.messages.length} message(s)`,
    `llhttp: ${theirs.error ?? 'accepted'}${theirs.errorOffset !== null ? '@' + theirs.errorOffset : ''}, ${theirs.messages.length} message(s)`,
    difference.aspect === 'messages'
      ? `engine messages: ${JSON.stringify(ours.messages)}\nllhttp messages: ${JSON.stringify(theirs.messages)}`
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export interface RunSummary {
  cases: number;
  agreed: number;
  classified: Map<string, number>;
  /** Number of disagreements no known difference explains. */
  unexplainedCount: number;
  /** The first few of them, for printing. */
  unexplained: Disagreement[];
}

/** Runs `count` cases from `seed`; stops collecting unexplained disagreements after `keep`. */
export function runDifferential(
  seed: number,
  count: number,
  keep = 10,
  onProgress?: (done: number, summary: RunSummary) => void,
): RunSummary {
  const rng = createRng(seed);
  const summary: RunSummary = {
    cases: 0,
    agreed: 0,
    classified: new Map(),
    unexplainedCount: 0,
    unexplained: [],
  };
  for (let i = 0; i < count; i++) {
    const input = caseAt(rng);
    const difference = compare(input, runEngine(input), runLlhttp(input));
    summary.cases++;
    if (!difference) summary.agreed++;
    else {
      const known = classify(difference);
      if (known) summary.classified.set(known.name, (summary.classified.get(known.name) ?? 0) + 1);
      else {
        summary.unexplainedCount++;
        if (summary.unexplained.length < keep) summary.unexplained.push(difference);
      }
    }
    if (onProgress && (i + 1) % 50000 === 0) onProgress(i + 1, summary);
  }
  return summary;
}
