// HAR 1.2 export and import. Export adds a `_socketscope` extension per entry with the connection
// and the raw bytes (base64), so a Socketscope HAR round-trips byte for byte. Imported entries
// become replay-source exchanges, each on its own connection.

import type {
  ConnectionSummary,
  ExchangeSummary,
  ReplayTarget,
  ReplayTimings,
} from '../protocol/types';
import type { StoredExchange } from './store';
import { parseRequestMessage, parseResponseMessage } from '../engine/serialize';
import {
  formatHead,
  hasHeader,
  headerValue,
  methodExpectsContent,
  requestLine,
  responseMayDeclareLength,
  statusLine,
} from '../engine/semantics';
import { fromBase64, toBase64 } from './base64';

export interface HarSource {
  exchange: ExchangeSummary;
  connection: ConnectionSummary | null;
  request: Uint8Array;
  response: Uint8Array;
}

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: {
    method: string;
    url: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    queryString: HarNameValue[];
    postData?: { mimeType: string; text: string; encoding?: 'base64' };
    headersSize: number;
    bodySize: number;
  };
  response: {
    status: number;
    statusText: string;
    httpVersion: string;
    cookies: HarNameValue[];
    headers: HarNameValue[];
    content: { size: number; mimeType: string; text?: string; encoding?: 'base64' };
    redirectURL: string;
    headersSize: number;
    bodySize: number;
  };
  cache: Record<string, never>;
  timings: {
    blocked: number;
    dns: number;
    connect: number;
    ssl: number;
    send: number;
    wait: number;
    receive: number;
  };
  serverIPAddress?: string;
  connection?: string;
  _socketscope: {
    exchangeId: string;
    connectionId: string;
    source: 'capture' | 'replay';
    indexOnConnection: number;
    requestBase64: string;
    responseBase64: string;
    error: ExchangeSummary['error'];
    replayTarget: ReplayTarget | null;
  };
}

export interface HarDocument {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: [];
    entries: HarEntry[];
  };
}

export function exportHar(sources: HarSource[], creatorVersion = '0.1.0'): HarDocument {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Socketscope', version: creatorVersion },
      pages: [],
      entries: sources.map(harEntry),
    },
  };
}

/**
 * A HAR document as text, written piece by piece (head, each entry, tail), so a session of any
 * size is exported without holding the whole document.
 */
export const harStream = {
  head(creatorVersion = '0.1.0'): string {
    const creator = JSON.stringify({ name: 'Socketscope', version: creatorVersion });
    return `{"log":{"version":"1.2","creator":${creator},"pages":[],"entries":[\n`;
  },
  /** One entry; `first` is false for every entry after the first. */
  entry(source: HarSource, first: boolean): string {
    return (first ? '' : ',\n') + JSON.stringify(harEntry(source));
  },
  tail(): string {
    return '\n]}}\n';
  },
};

/** `host[:port]` of a replay target, the port left out when it is the scheme's default. */
function targetAuthority({ host, port, tls }: ReplayTarget): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === (tls ? 443 : 80) ? name : `${name}:${port}`;
}

function harEntry({ exchange, connection, request, response }: HarSource): HarEntry {
  const req = parseRequestMessage(request);
  const res =
    response.length > 0 ? parseResponseMessage(response, exchange.method ?? undefined) : null;
  const requestHeaders = req.ok ? req.message.headers : [];
  const host = headerValue(requestHeaders, 'host') ?? exchange.host;
  const tls = exchange.replayTarget?.tls ?? false;
  const fallbackAuthority = exchange.replayTarget
    ? `${exchange.replayTarget.host}:${exchange.replayTarget.port}`
    : connection
      ? `127.0.0.1:${connection.localPort}`
      : 'localhost';
  const target = (req.ok ? req.message.target : exchange.target) ?? '';
  // A replay's URL names where it was sent, whatever its Host field says.
  const authority = exchange.replayTarget
    ? targetAuthority(exchange.replayTarget)
    : (host ?? fallbackAuthority);
  const url = /^https?:\/\//i.test(target)
    ? target
    : `${tls ? 'https' : 'http'}://${authority}${target}`;
  const requestHead = headLength(request);
  const responseHead = headLength(response);
  const requestBody = req.ok ? req.message.body : new Uint8Array(0);
  const requestType = headerValue(requestHeaders, 'content-type') ?? '';
  const responseHeaders = res?.ok ? res.message.headers : [];
  const responseBody = res?.ok ? res.message.body : new Uint8Array(0);
  const time =
    exchange.completedAt !== null
      ? Math.max(0, exchange.completedAt - exchange.startedAt)
      : (exchange.timings?.complete ?? 0);
  const entry: HarEntry = {
    startedDateTime: new Date(exchange.startedAt).toISOString(),
    time,
    request: {
      method: (req.ok ? req.message.method : exchange.method) ?? '',
      url,
      httpVersion: (req.ok ? req.message.version : exchange.version) ?? '',
      cookies: cookiesOf(requestHeaders),
      headers: requestHeaders.map(([name, value]) => ({ name, value })),
      queryString: queryOf(url),
      headersSize: requestHead,
      bodySize: requestHead < 0 ? -1 : request.length - requestHead,
    },
    response: {
      status: res?.ok ? res.message.status : (exchange.status ?? 0),
      statusText: res?.ok ? res.message.reason : (exchange.reason ?? ''),
      httpVersion: res?.ok ? res.message.version : '',
      cookies: [],
      headers: responseHeaders.map(([name, value]) => ({ name, value })),
      content: {
        size: responseBody.length,
        mimeType: headerValue(responseHeaders, 'content-type') ?? '',
        ...textOrBase64(responseBody),
      },
      redirectURL: headerValue(responseHeaders, 'location') ?? '',
      headersSize: responseHead,
      bodySize: responseHead < 0 ? -1 : response.length - responseHead,
    },
    cache: {},
    timings: harTimings(exchange.timings, time),
    connection: exchange.connectionId,
    _socketscope: {
      exchangeId: exchange.exchangeId,
      connectionId: exchange.connectionId,
      source: exchange.source,
      indexOnConnection: exchange.indexOnConnection,
      requestBase64: toBase64(request),
      responseBase64: toBase64(response),
      error: exchange.error,
      replayTarget: exchange.replayTarget,
    },
  };
  if (requestBody.length > 0)
    entry.request.postData = { mimeType: requestType, ...textOrBase64(requestBody) };
  if (connection?.source === 'replay') entry.serverIPAddress = connection.remoteAddress;
  return entry;
}

/** HAR durations from the cumulative "ms since start" phases. */
function harTimings(timings: ReplayTimings | null, total: number): HarEntry['timings'] {
  if (!timings)
    return { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: total, receive: 0 };
  const step = (to: number | null, from: number): number =>
    to === null ? -1 : Math.max(0, round(to - from));
  const dns = step(timings.dns, 0);
  const afterDns = timings.dns ?? 0;
  const connect = step(timings.connect, afterDns);
  const afterConnect = timings.connect ?? afterDns;
  const ssl = step(timings.tls, afterConnect);
  const sent = timings.tls ?? afterConnect;
  const wait = step(timings.firstByte, sent);
  const receive = step(timings.complete, timings.firstByte ?? sent);
  // HAR counts TLS time inside `connect` too.
  return {
    blocked: -1,
    dns,
    connect: connect < 0 ? -1 : connect + Math.max(0, ssl),
    ssl,
    send: 0,
    wait: Math.max(0, wait),
    receive: Math.max(0, receive),
  };
}

// ---- import ----

export interface ImportedEntry {
  stored: StoredExchange;
  request: Uint8Array;
  response: Uint8Array;
}

export class HarImportError extends Error {}

/** Reads a HAR text; any problem throws a HarImportError naming what is wrong and where. */
export function importHar(text: string, newConnectionId: () => string): ImportedEntry[] {
  return harEntries(text).map((entry, index) => importHarEntry(entry, index, newConnectionId()));
}

/** The entries of a HAR text, not yet checked one by one (see importHarEntry). */
export function harEntries(text: string): unknown[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new HarImportError(
      `The HAR file is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  if (!isObject(document) || !isObject(document.log))
    throw new HarImportError('The HAR file has no "log" object.');
  const entries = document.log.entries;
  if (!Array.isArray(entries)) throw new HarImportError('The HAR file has no "log.entries" list.');
  return entries;
}

/** One entry of `harEntries`, as an exchange on its own connection; throws a HarImportError. */
export function importHarEntry(entry: unknown, index: number, connectionId: string): ImportedEntry {
  const where = `log.entries[${index}]`;
  if (!isObject(entry)) throw new HarImportError(`${where} is not an object.`);
  const request = entry.request;
  if (!isObject(request)) throw new HarImportError(`${where}.request is missing.`);
  if (typeof request.method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(request.method)) {
    throw new HarImportError(`${where}.request.method is missing or not a method token.`);
  }
  if (typeof request.url !== 'string') throw new HarImportError(`${where}.request.url is missing.`);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new HarImportError(
      `${where}.request.url is not a URL: ${JSON.stringify(request.url).slice(0, 200)}.`,
    );
  }
  const requestHeaders = nameValues(request.headers, `${where}.request.headers`);
  const response = isObject(entry.response) ? entry.response : null;
  const responseHeaders = response ? nameValues(response.headers, `${where}.response.headers`) : [];
  const startedAt =
    typeof entry.startedDateTime === 'string' ? Date.parse(entry.startedDateTime) : NaN;
  if (Number.isNaN(startedAt))
    throw new HarImportError(`${where}.startedDateTime is missing or not a date.`);
  const time = typeof entry.time === 'number' && entry.time >= 0 ? entry.time : 0;

  const extension = isObject(entry._socketscope) ? entry._socketscope : null;
  const rawRequest = extension ? fromBase64(extension.requestBase64) : null;
  const rawResponse = extension ? fromBase64(extension.responseBase64) : null;
  const requestBody = isObject(request.postData)
    ? decodeText(request.postData, `${where}.request.postData`)
    : new Uint8Array(0);
  const requestBytes =
    rawRequest ??
    buildRequest(
      request.method,
      url,
      httpVersion(request.httpVersion),
      requestHeaders,
      requestBody,
    );
  let responseBytes = rawResponse ?? new Uint8Array(0);
  let status: number | null = null;
  let reason: string | null = null;
  if (response && !rawResponse) {
    if (
      typeof response.status !== 'number' ||
      !Number.isInteger(response.status) ||
      response.status < 0 ||
      response.status > 999
    ) {
      throw new HarImportError(`${where}.response.status must be a whole number from 0 to 999.`);
    }
    status = response.status;
    reason = typeof response.statusText === 'string' ? response.statusText : '';
    const body = isObject(response.content)
      ? decodeText(response.content, `${where}.response.content`)
      : new Uint8Array(0);
    // Status 0 means the browser got no response (blocked, failed): keep none.
    if (status >= 100)
      responseBytes = buildResponse(
        httpVersion(response.httpVersion),
        status,
        reason,
        responseHeaders,
        body,
      );
  }

  const tls = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  const replayTarget: ReplayTarget = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    tls,
    insecure: false,
  };
  const parsedRequest = parseRequestMessage(requestBytes);
  const parsedResponse =
    responseBytes.length > 0 ? parseResponseMessage(responseBytes, request.method) : null;
  const headersForSummary = parsedRequest.ok ? parsedRequest.message.headers : requestHeaders;
  const responseSummaryHeaders = parsedResponse?.ok
    ? parsedResponse.message.headers
    : responseHeaders;
  const exchange: ExchangeSummary = {
    exchangeId: `${connectionId}#0`,
    connectionId,
    source: 'replay',
    indexOnConnection: 0,
    startedAt,
    completedAt: startedAt + Math.round(time),
    method: parsedRequest.ok ? parsedRequest.message.method : request.method,
    target: parsedRequest.ok ? parsedRequest.message.target : `${url.pathname}${url.search}`,
    version: parsedRequest.ok ? parsedRequest.message.version : null,
    host: headerValue(headersForSummary, 'host') ?? url.host,
    referer: headerValue(headersForSummary, 'referer'),
    status: parsedResponse?.ok ? parsedResponse.message.status : status,
    reason: parsedResponse?.ok ? parsedResponse.message.reason : reason,
    requestContentType: headerValue(headersForSummary, 'content-type'),
    responseContentType: headerValue(responseSummaryHeaders, 'content-type'),
    requestBytes: requestBytes.length,
    responseBytes: responseBytes.length,
    requestSpan: { offset: 0, length: requestBytes.length },
    responseSpan: responseBytes.length > 0 ? { offset: 0, length: responseBytes.length } : null,
    error: parsedResponse && !parsedResponse.ok ? errorInfo(parsedResponse.error) : null,
    ruleId: null,
    replayTarget,
    timings: null,
  };
  const connection: ConnectionSummary = {
    connectionId,
    source: 'replay',
    remoteAddress:
      typeof entry.serverIPAddress === 'string' ? entry.serverIPAddress : replayTarget.host,
    remotePort: port,
    localPort: 0,
    openedAt: startedAt,
    closedAt: exchange.completedAt,
    closeReason: 'client',
    bytesIn: requestBytes.length,
    bytesOut: responseBytes.length,
    exchanges: 1,
  };
  return { stored: { connection, exchange }, request: requestBytes, response: responseBytes };
}

function buildRequest(
  method: string,
  url: URL,
  version: string,
  headers: [string, string][],
  body: Uint8Array,
): Uint8Array {
  const kept = headers.filter(
    ([name]) => !name.startsWith(':') && !/^(content-length|transfer-encoding)$/i.test(name),
  );
  if (!hasHeader(kept, 'host')) kept.unshift(['Host', url.host]);
  if (body.length > 0 || methodExpectsContent(method))
    kept.push(['Content-Length', String(body.length)]);
  return message(requestLine(method, `${url.pathname}${url.search}`, version), kept, body);
}

function buildResponse(
  version: string,
  status: number,
  reason: string,
  headers: [string, string][],
  body: Uint8Array,
): Uint8Array {
  // HAR content is decoded: the original framing and compression no longer apply.
  const kept = headers.filter(
    ([name]) =>
      !name.startsWith(':') && !/^(content-length|transfer-encoding|content-encoding)$/i.test(name),
  );
  if (responseMayDeclareLength(status)) kept.push(['Content-Length', String(body.length)]);
  return message(statusLine(version, status, reason.replace(/[\r\n]/g, ' ')), kept, body);
}

function message(startLine: string, headers: [string, string][], body: Uint8Array): Uint8Array {
  const safe = headers.map(([name, value]): [string, string] => [
    name,
    value.replace(/[\r\n]/g, ' '),
  ]);
  return Buffer.concat([Buffer.from(formatHead(startLine, safe), 'latin1'), body]);
}

function httpVersion(value: unknown): string {
  return value === 'HTTP/1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
}

function nameValues(value: unknown, where: string): [string, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new HarImportError(`${where} must be a list.`);
  return value.map((item, i) => {
    if (!isObject(item) || typeof item.name !== 'string' || typeof item.value !== 'string') {
      throw new HarImportError(`${where}[${i}] needs a string "name" and "value".`);
    }
    if (/[\r\n:]/.test(item.name.replace(/^:/, '')) || item.name === '') {
      throw new HarImportError(`${where}[${i}].name is not a valid header name.`);
    }
    return [item.name, item.value];
  });
}

function decodeText(holder: Record<string, unknown>, where: string): Uint8Array {
  if (holder.text === undefined) return new Uint8Array(0);
  if (typeof holder.text !== 'string') throw new HarImportError(`${where}.text must be a string.`);
  if (holder.encoding === 'base64') {
    const bytes = fromBase64(holder.text);
    if (!bytes) throw new HarImportError(`${where}.text is marked base64 but is not base64.`);
    return bytes;
  }
  return Buffer.from(holder.text, 'utf8');
}

function errorInfo(error: {
  code: string;
  offset: number;
  reason: string;
  status: number;
}): ExchangeSummary['error'] {
  return {
    code: error.code as NonNullable<ExchangeSummary['error']>['code'],
    offset: error.offset,
    reason: error.reason,
    status: error.status,
  };
}

// ---- helpers ----

function headLength(bytes: Uint8Array): number {
  const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('\r\n\r\n');
  return end < 0 ? -1 : end + 4;
}

function cookiesOf(headers: [string, string][]): HarNameValue[] {
  const cookie = headerValue(headers, 'cookie');
  if (!cookie) return [];
  return cookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.includes('='))
    .map((part) => ({
      name: part.slice(0, part.indexOf('=')),
      value: part.slice(part.indexOf('=') + 1),
    }));
}

function queryOf(url: string): HarNameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function textOrBase64(bytes: Uint8Array): { text: string; encoding?: 'base64' } {
  if (bytes.length === 0) return { text: '' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { text: toBase64(bytes), encoding: 'base64' };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
