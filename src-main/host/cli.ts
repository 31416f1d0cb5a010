// The `socketscope` command line: serve (live log or NDJSON), replay, export a session as HAR,
// list sessions.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CaptureEvent } from '../capture/events';
import type { Message, ReplayTarget, ResponderRule } from '../protocol/types';
import { replay, type ReplayResult } from '../capture/client';
import { exportHar } from '../capture/har';
import { readMessages } from '../engine/message-parser';
import { loadRules } from '../capture/rules-file';
import { isValidSessionId, listSessions, sessionDir } from '../capture/sessions';
import { SessionStore, sessionWriter } from '../capture/store';
import { createCore } from './core';
import { ExchangeBook } from './exchanges';
import { defaultHome, sessionsFolder } from './paths';
import { toBase64 } from '../capture/base64';
import {
  browserCommand,
  caCertificatePath,
  caCommand,
  hostList,
  proxyBanner,
  UsageError,
} from './cli-proxy';

const HELP: Record<string, string> = {
  main: `Usage: socketscope <command> [options]

Commands:
  serve      run the capture server and log what arrives
  replay     send raw request bytes to HOST:PORT and print the response
  export     write a session as HAR 1.2 to stdout
  sessions   list the saved sessions
  ca         the local certificate authority for HTTPS interception (path, SPKI hash)
  browser    start an intercepted browser (Chromium family or Firefox) with a fresh profile

Run "socketscope <command> --help" for a command's options, "socketscope --version" for the
version.
Data folder: $SOCKETSCOPE_HOME, else the platform's app-data folder + /Socketscope.`,
  serve: `Usage: socketscope serve [--host H] [--port P] [--json] [--tutorial-exact] [--rules FILE] [--session DIR] [--fsync] [--max-body BYTES] [--quiet] [--upstream URL [--rewrite-host] | --proxy [--intercept]]

  --host H          address to listen on (default 127.0.0.1)
  --port P          port (default 8080; 0 picks a free one; a taken port falls back to a free one)
  --json            NDJSON on stdout: one event per line (listening, open, data, request,
                    response, error, close, notice)
  --tutorial-exact  answer like the naive socket exercise (HTTP/1.x 200 OK, LF line ends)
  --rules FILE      responder rules (JSON) to answer with
  --session DIR     record into this session folder (default: a new session in the data folder)
  --max-body BYTES  largest request body accepted, e.g. 1048576, 64K, 100M or 2G (default 10M);
                    a larger one is answered 413 naming the limit
  --fsync           sync the session file to the disk before each response (survives power loss;
                    without it a response waits until its request is handed to the OS, which
                    survives a crash or kill -9 of Socketscope)
  --quiet           print only the listening line and notices, no line per connection or request
                    (everything is still recorded in the session)
  --upstream URL    reverse proxy: forward every request to URL (http://HOST:PORT or https://…)
                    and capture both sides; an upstream that fails gives 502 or 504
  --rewrite-host    with --upstream: send the upstream's host as Host instead of the client's
  --proxy           forward proxy: absolute-form requests go to their origin, CONNECT opens a
                    tunnel (use it as HTTP_PROXY / curl -x)
  --intercept       with --proxy: decrypt CONNECT tunnels with the local CA ("socketscope ca")
  --passthrough HOSTS    with --intercept: hosts (comma-separated, *.example.com for a domain)
                    tunnelled untouched
  --insecure-host HOSTS  with --intercept: hosts whose certificate is not verified

Every received byte is written to the session before it is shown. Ctrl-C or SIGTERM flushes
and exits.`,
  replay: `Usage: socketscope replay --to HOST:PORT [--tls] [--insecure] [--json] [--timeout MS] [--out FILE] [--raw] [FILE|-]

Sends the bytes of FILE (or stdin with "-") verbatim and prints the parsed response: status
line, headers and body. A body that is not text (or bytes that are not HTTP) is shown as hex,
so that it cannot garble the terminal, unless --out or --raw says otherwise.

  --to HOST:PORT    where to send ([v6-address]:port for IPv6)
  --tls             use TLS (SNI is the host name)
  --insecure        accept invalid or self-signed certificates
  --json            print the whole result as JSON
  --timeout MS      connect and response timeout (default 10000 and 30000)
  --out FILE        write the response body (the bodies in order, when several responses came)
                    to FILE and print only the heads
  --raw             print the body as received, even when it is not text

Exits 1 when the connection fails (refused, DNS, TLS, timeout).`,
  export: `Usage: socketscope export --har SESSION

Writes the session (an id from "socketscope sessions", or a session folder) as HAR 1.2 to
stdout, with each entry's raw bytes in the "_socketscope" extension.`,
  sessions: `Usage: socketscope sessions [--json]

Lists the sessions in the data folder, newest first; "(recording)" marks one a running
socketscope is writing to.`,
};

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'replay':
        return await replayCommand(rest);
      case 'export':
        return exportCommand(rest);
      case 'sessions':
        return sessionsCommand(rest);
      case 'ca':
        return await caCommand(rest);
      case 'browser':
        return await browserCommand(rest);
      case '--version':
      case '-V':
      case 'version':
        process.stdout.write(`socketscope ${version()}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${HELP.main}\n`);
        return command === undefined ? 2 : 0;
      default:
        if (command.startsWith('-'))
          throw new UsageError(`Unknown option "${command}": see "socketscope --help".`);
        throw new UsageError(`Unknown command "${command}".\n\n${HELP.main}`);
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    process.stderr.write(`socketscope: ${text}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse<T extends OptionSpec>(name: string, args: string[], options: T) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const;
  const problem = optionProblem(name, args, all);
  if (problem) throw new UsageError(problem);
  try {
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (error) {
    // optionProblem knows the cases parseArgs refuses; this is a safety net with its text.
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)} (see "socketscope ${name} --help").`,
    );
  }
}

/** One sentence for the first option `args` gets wrong (unknown, missing or extra value). */
function optionProblem(name: string, args: string[], options: OptionSpec): string | null {
  const help = `see "socketscope ${name} --help"`;
  const { tokens } = parseArgs({
    args,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name] as OptionSpec[string] | undefined;
    const flag = printable(token.rawName);
    if (!spec) return `Unknown option "${flag}" for ${name}: ${help}.`;
    const dashed = token.inlineValue !== true && token.value?.startsWith('-') === true;
    if (spec.type === 'string' && (token.value === undefined || dashed))
      return `The option ${flag} needs a value: ${help}.`;
    if (spec.type === 'boolean' && token.inlineValue)
      return `The option ${flag} takes no value: ${help}.`;
  }
  return null;
}

// ---- serve ----

async function serve(args: string[]): Promise<number> {
  const { values } = parse('serve', args, {
    host: { type: 'string' },
    port: { type: 'string' },
    json: { type: 'boolean' },
    'tutorial-exact': { type: 'boolean' },
    rules: { type: 'string' },
    session: { type: 'string' },
    fsync: { type: 'boolean' },
    'max-body': { type: 'string' },
    quiet: { type: 'boolean' },
    upstream: { type: 'string' },
    'rewrite-host': { type: 'boolean' },
    proxy: { type: 'boolean' },
    intercept: { type: 'boolean' },
    passthrough: { type: 'string' },
    'insecure-host': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${HELP.serve}\n`);
    return 0;
  }
  if (values.upstream !== undefined && values.proxy === true) {
    throw new UsageError(
      '--upstream (a reverse proxy) and --proxy (a forward proxy) are two modes: use one.',
    );
  }
  if (values.intercept === true && values.proxy !== true) {
    throw new UsageError('--intercept is for the forward proxy: add --proxy.');
  }
  if (values.passthrough !== undefined && values.intercept !== true) {
    throw new UsageError(
      '--passthrough names the hosts HTTPS interception leaves alone: add --proxy --intercept.',
    );
  }
  if (values['rewrite-host'] === true && values.upstream === undefined) {
    throw new UsageError('--rewrite-host is for the reverse proxy: add --upstream URL.');
  }
  const port = values.port === undefined ? undefined : portNumber(values.port, true);
  const maxBody =
    values['max-body'] === undefined ? undefined : byteCount(values['max-body'], '--max-body');
  let rules: ResponderRule[] | undefined;
  let rulesDir: string | undefined;
  if (values.rules !== undefined) {
    const loaded = await loadRules(resolve(values.rules));
    if (!loaded.ok) throw new Error(`Cannot use the rules in ${values.rules}: ${loaded.message}`);
    rules = loaded.rules;
    rulesDir = loaded.baseDir;
  }
  const core = await createCore({
    ...(values.session !== undefined ? { sessionDir: resolve(values.session) } : {}),
    ...(rules ? { rules, rulesDir } : {}),
    assetsDir: assetsDir(),
    fsync: values.fsync === true,
  });
  // A broken saved rules file is left as it is; say so, since no UI is there to show it.
  const rulesProblem = rules ? null : (await core.call('snapshot', {})).rulesProblem;
  if (rulesProblem) process.stderr.write(`socketscope: ${rulesProblem.message.text}\n`);
  for (const warning of core.sessionWarnings())
    process.stderr.write(`socketscope: ${warning.text}\n`);
  const json = values.json === true;
  // A body too large to be held comes back from the session file (the JSON log prints it).
  const readBody = async (event: RequestEvent): Promise<Uint8Array> => {
    const parts: Buffer[] = [];
    for (let at = 0; at < event.span.length; at += MAX_READ) {
      const { base64: text } = await core.call('bytes.get', {
        connectionId: event.connectionId,
        direction: 'in',
        offset: event.span.offset + at,
        length: Math.min(MAX_READ, event.span.length - at),
      });
      parts.push(Buffer.from(text, 'base64'));
    }
    const limits = { maxHeadBytes: Infinity, maxTargetLength: Infinity, maxBodyBytes: Infinity };
    const read = readMessages('request', Buffer.concat(parts), { limits, limit: 1 });
    return read.messages[0]?.body ?? new Uint8Array(0);
  };
  const inner = json ? new JsonLog(readBody) : new TextLog(process.stdout.isTTY === true);
  const log = new OnceLog(inner, values.quiet === true);
  // Lines that wait for a body read keep their place: later batches print after them.
  let printing: Promise<void> | null = null;
  core.onCapture((events) => {
    const lines = events.map((event) => log.line(event));
    if (printing === null && lines.every((line) => typeof line === 'string')) {
      const out = lines.join('');
      if (out !== '') process.stdout.write(out);
      return;
    }
    const next: Promise<void> = (printing ?? Promise.resolve()).then(async () => {
      let out = '';
      for (const line of lines) out += await line;
      if (out !== '') process.stdout.write(out);
    });
    printing = next;
    void next.finally(() => {
      if (printing === next) printing = null;
    });
  });
  const mode = {
    upstream: values.upstream ?? '',
    rewriteHost: values['rewrite-host'] === true,
    proxy: values.proxy === true,
    intercept: values.intercept === true,
  };
  const state = await core.call('server.start', {
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values['tutorial-exact'] ? { tutorialExact: true } : {}),
    ...(maxBody !== undefined ? { limits: { maxBodyBytes: maxBody } } : {}),
    // Always said, so a saved or earlier mode does not carry over into this run.
    ...mode,
    passthroughHosts: hostList(values.passthrough),
    insecureHosts: hostList(values['insecure-host']),
  });
  if (state.status !== 'listening' || !state.url) {
    await core.close();
    throw new Error(state.message?.text ?? `The capture server could not start (${state.status}).`);
  }
  if (json) {
    const listening = {
      type: 'listening',
      url: state.url,
      host: state.host,
      port: state.port,
      session: core.sessionDir(),
      mode: state.proxy ?? 'server',
      // --intercept is only taken with --proxy (checked above).
      ...(mode.intercept ? { ca: caCertificatePath() } : {}),
    };
    process.stdout.write(`${JSON.stringify(listening)}\n`);
  } else {
    if (state.message) process.stdout.write(log.say(state.message));
    process.stdout.write(
      `Listening on ${state.url}  (session ${core.sessionDir()})\n` +
        proxyBanner(state.proxy, mode, state.port, caCertificatePath()) +
        'Press Ctrl-C to stop.\n',
    );
  }
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      core.close().then(
        () => (printing ?? Promise.resolve()).then(() => resolveExit(0)),
        (error: unknown) => {
          process.stderr.write(
            `socketscope: ${error instanceof Error ? error.message : String(error)}\n`,
          );
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The version in package.json (two folders up, from src-main/host and from dist/main alike). */
function version(): string {
  try {
    const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const value = (parsed as { version?: unknown }).version;
    return typeof value === 'string' ? value : 'unknown';
  } catch {
    return 'unknown';
  }
}

function assetsDir(): string | undefined {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');
  return existsSync(dir) ? dir : undefined;
}

interface CaptureLog {
  line(event: CaptureEvent): string | Promise<string>;
}

/**
 * Prints each message once: the port fallback reaches the CLI both in the reply to
 * server.start and as a notice. With `quiet`, only notices are printed.
 */
class OnceLog implements CaptureLog {
  private readonly said = new Set<string>();

  constructor(
    private readonly inner: CaptureLog,
    private readonly quiet: boolean,
  ) {}

  /** The line for a message the CLI prints itself (empty when it was printed already). */
  say(message: Message): string {
    const key = `${message.key}\u0000${message.text}`;
    if (this.said.has(key)) return '';
    this.said.add(key);
    return `${message.text}\n`;
  }

  line(event: CaptureEvent): string | Promise<string> {
    if (event.type === 'notice') {
      const key = `${event.message.key}\u0000${event.message.text}`;
      if (this.said.has(key)) return '';
      this.said.add(key);
      return this.inner.line(event);
    }
    return this.quiet ? '' : this.inner.line(event);
  }
}

type RequestEvent = Extract<CaptureEvent, { type: 'request' }>;

/** Bytes one `bytes.get` reads at most. */
const MAX_READ = 16 * 1024 * 1024;

class JsonLog implements CaptureLog {
  constructor(private readonly readBody: (event: RequestEvent) => Promise<Uint8Array>) {}

  line(event: CaptureEvent): string | Promise<string> {
    if (event.type === 'request' && event.bodyInStream !== undefined) {
      return this.readBody(event).then(
        (body) => `${JSON.stringify(jsonRecord({ ...event, body }))}\n`,
        () => `${JSON.stringify(jsonRecord(event))}\n`,
      );
    }
    const record = jsonRecord(event);
    return record ? `${JSON.stringify(record)}\n` : '';
  }
}

function jsonRecord(event: CaptureEvent): Record<string, unknown> | null {
  switch (event.type) {
    case 'connectionOpen':
      return {
        type: 'open',
        connectionId: event.connectionId,
        remoteAddress: event.remoteAddress,
        remotePort: event.remotePort,
        localPort: event.localPort,
        time: event.time,
      };
    case 'data':
      return {
        type: 'data',
        connectionId: event.connectionId,
        direction: event.direction,
        offset: event.offset,
        base64: toBase64(event.bytes),
        time: event.time,
      };
    case 'request':
      return {
        type: 'request',
        connectionId: event.connectionId,
        index: event.index,
        method: event.head.method,
        target: event.head.target,
        version: event.head.version,
        headers: event.head.headers,
        bodyBase64: toBase64(event.body),
        span: event.span,
        time: event.time,
      };
    case 'response':
      return {
        type: 'response',
        connectionId: event.connectionId,
        index: event.index,
        status: event.head?.status ?? null,
        reason: event.head?.reason ?? null,
        headers: event.head?.headers ?? null,
        ruleId: event.ruleId,
        span: event.span,
        deviations: event.deviations ?? [],
        ending: event.ending ?? null,
        time: event.time,
      };
    case 'protocolError':
      return {
        type: 'error',
        connectionId: event.connectionId,
        index: event.index,
        code: event.error.code,
        offset: event.error.offset,
        reason: event.error.reason,
        status: event.error.status,
        time: event.time,
      };
    case 'connectionClose':
      return {
        type: 'close',
        connectionId: event.connectionId,
        reason: event.reason,
        bytesIn: event.bytesIn,
        bytesOut: event.bytesOut,
        time: event.time,
      };
    case 'notice':
      return {
        type: 'notice',
        connectionId: null,
        level: event.level,
        key: event.message.key,
        text: event.message.text,
      };
    default:
      return null;
  }
}

class TextLog implements CaptureLog {
  constructor(private readonly colour: boolean) {}

  line(event: CaptureEvent): string {
    const time = 'time' in event ? new Date(event.time).toISOString().slice(11, 23) : '';
    const paint = (code: number, text: string): string =>
      this.colour ? `\u001b[${code}m${text}\u001b[0m` : text;
    switch (event.type) {
      case 'connectionOpen':
        return `${time} ${event.connectionId} ${paint(36, 'open')} from ${event.remoteAddress}:${event.remotePort}\n`;
      case 'request':
        return `${time} ${event.connectionId} ${paint(1, '→')} ${printable(event.head.method)} ${printable(event.head.target)} ${event.head.version} (${event.span.length} B)\n`;
      case 'response': {
        const status = event.head
          ? `${event.head.status} ${printable(event.head.reason)}`
          : 'raw bytes';
        const code = event.head && event.head.status >= 400 ? 33 : 32;
        const rule = event.ruleId ? ` rule ${event.ruleId}` : '';
        return `${time} ${event.connectionId} ${paint(code, `← ${status}`)} (${event.span.length} B)${rule}${deviationNote(event)}\n`;
      }
      case 'protocolError':
        return `${time} ${event.connectionId} ${paint(31, `✗ ${event.error.code}`)} at byte ${event.error.offset}: ${event.error.reason}${event.error.status ? ` → ${event.error.status}` : ''}\n`;
      case 'connectionClose':
        return `${time} ${event.connectionId} ${paint(90, 'close')} ${event.reason} (in ${event.bytesIn} B, out ${event.bytesOut} B)\n`;
      case 'notice':
        return `${paint(event.level === 'error' ? 31 : 33, event.level)}: ${event.message.text}\n`;
      default:
        return '';
    }
  }
}

/** What a browser reads past in a response, and how it ends when not whole. */
function deviationNote(event: Extract<CaptureEvent, { type: 'response' }>): string {
  const counts = new Map<string, number>();
  for (const d of event.deviations ?? []) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  const codes = [...counts].map(([code, n]) => (n > 1 ? `${code} ×${n}` : code));
  let note = codes.length > 0 ? ` deviations: ${codes.join(', ')}` : '';
  const ending = event.ending;
  if (ending?.state === 'truncated') {
    note += ending.missing !== null ? `; truncated, ${ending.missing} B missing` : '; truncated';
  } else if (ending?.state === 'refused') {
    note += '; a browser refuses it';
  }
  return note;
}

// ---- replay ----

async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse('replay', args, {
    to: { type: 'string' },
    tls: { type: 'boolean' },
    insecure: { type: 'boolean' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    out: { type: 'string' },
    raw: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${HELP.replay}\n`);
    return 0;
  }
  if (!values.to) throw new UsageError(`--to HOST:PORT is required.\n\n${HELP.replay}`);
  if (positionals.length > 1)
    throw new UsageError(`Give one FILE (or - for stdin).\n\n${HELP.replay}`);
  const target: ReplayTarget = {
    ...hostPort(values.to),
    tls: values.tls === true,
    insecure: values.insecure === true,
  };
  const source = positionals[0] ?? '-';
  const bytes = source === '-' ? await readStdin() : readFileSync(source);
  if (bytes.length === 0) throw new UsageError('There are no bytes to send.');
  const timeout =
    values.timeout === undefined ? undefined : positiveNumber(values.timeout, '--timeout');
  const result = await replay({
    target,
    bytes,
    connectTimeoutMs: timeout ?? 10_000,
    responseTimeoutMs: timeout ?? 30_000,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(replayJson(result))}\n`);
    return result.ok ? 0 : 1;
  }
  if (!result.ok && result.response.length === 0) {
    process.stderr.write(`socketscope: ${result.error?.message ?? 'The replay failed.'}\n`);
    return 1;
  }
  const bodies =
    result.responses.length > 0 ? result.responses.map((r) => r.body) : [result.response];
  if (values.out !== undefined) writeFileSync(values.out, Buffer.concat(bodies));
  const show = (bytes: Uint8Array): void => {
    if (bytes.length === 0) return;
    if (values.out !== undefined) {
      process.stdout.write(`(${bytes.length} B body written to ${values.out})\n`);
    } else if (values.raw === true || isPlainText(bytes)) {
      process.stdout.write(bytes);
      if (bytes[bytes.length - 1] !== 0x0a) process.stdout.write('\n');
    } else process.stdout.write(hexDump(bytes));
  };
  if (result.responses.length > 0) {
    for (const response of result.responses) {
      let head = `${response.head.version} ${response.head.status} ${printable(response.head.reason)}\n`;
      for (const [name, value] of response.head.headers)
        head += `${printable(name)}: ${printable(value)}\n`;
      process.stdout.write(`${head}\n`);
      show(response.body);
    }
  } else {
    show(result.response);
  }
  if (result.parseError) {
    process.stderr.write(
      `socketscope: the reply is not valid HTTP (${result.parseError.code} at byte ${result.parseError.offset}: ${result.parseError.reason})\n`,
    );
  }
  if (result.error) process.stderr.write(`socketscope: ${result.error.message}\n`);
  return result.ok ? 0 : 1;
}

/** Text that cannot drive a terminal: valid UTF-8 without control bytes other than tab and line ends. */
function isPlainText(bytes: Uint8Array): boolean {
  for (const b of bytes)
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0080-\u009f]/.test(new TextDecoder().decode(bytes));
}

/** Bytes of a body shown as hex at most; the rest is counted. */
const MAX_HEX_BYTES = 64 * 1024;

/** Offset, 16 bytes in hex, and the printable ones, per line (as xxd and hexdump -C show them). */
function hexDump(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, MAX_HEX_BYTES);
  let out = '';
  for (let at = 0; at < shown.length; at += 16) {
    const row = shown.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
    out += `${at.toString(16).padStart(8, '0')}  ${hex.slice(0, 8).join(' ').padEnd(23)}  ${hex.slice(8).join(' ').padEnd(23)}  |${text.join('')}|\n`;
  }
  if (bytes.length > shown.length)
    out += `… ${bytes.length - shown.length} more bytes: use --out FILE to keep them, or --raw.\n`;
  return out;
}

function replayJson(result: ReplayResult): Record<string, unknown> {
  return {
    ok: result.ok,
    error: result.error,
    timings: result.timings,
    remoteAddress: result.remoteAddress,
    remotePort: result.remotePort,
    responses: result.responses.map((r) => ({
      version: r.head.version,
      status: r.head.status,
      reason: r.head.reason,
      headers: r.head.headers,
      bodyBase64: toBase64(r.body),
      span: r.span,
    })),
    responseBase64: toBase64(result.response),
    parseError: result.parseError,
  };
}

function hostPort(text: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!match) throw new UsageError(`--to needs HOST:PORT, not "${text}".`);
  return { host: match[1], port: portNumber(match[2], false) };
}

function portNumber(text: string, allowZero: boolean): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535 || (!allowZero && port === 0)) {
    throw new UsageError(`"${text}" is not a port number (${allowZero ? 0 : 1}–65535).`);
  }
  return port;
}

/** A byte count: digits with an optional binary suffix (K, M, G). */
function byteCount(text: string, option: string): number {
  const match = /^(\d+)\s*([kmg]?)i?b?$/i.exec(text.trim());
  const scales: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  const scale = scales[match?.[2]?.toLowerCase() ?? ''];
  const value = match && scale !== undefined ? Number(match[1]) * scale : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(
      `${option} needs a size in bytes such as 1048576, 64K or 100M, not "${text}".`,
    );
  }
  return value;
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${option} needs a positive number, not "${text}".`);
  return value;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---- export and sessions ----

function exportCommand(args: string[]): number {
  const { values, positionals } = parse('export', args, { har: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${HELP.export}\n`);
    return 0;
  }
  const which = values.har ?? positionals[0];
  if (!which) throw new UsageError(`Name the session to export.\n\n${HELP.export}`);
  const dir = resolveSession(which);
  const book = new ExchangeBook();
  const { store, warnings } = SessionStore.open(dir, {
    readOnly: true,
    onRecord: (record) => {
      if (record.kind === 'capture') book.apply(record.event, null);
      else book.addStored(record.stored, record.request, record.response, null);
    },
  });
  try {
    for (const warning of warnings) process.stderr.write(`socketscope: ${warning}\n`);
    const har = exportHar(
      [...book.exchanges.values()].map((exchange) => ({
        exchange,
        connection: book.connections.get(exchange.connectionId) ?? null,
        request: store.read(
          exchange.connectionId,
          'in',
          exchange.requestSpan.offset,
          exchange.requestSpan.length,
        ),
        response: exchange.responseSpan
          ? store.read(
              exchange.connectionId,
              'out',
              exchange.responseSpan.offset,
              exchange.responseSpan.length,
            )
          : new Uint8Array(0),
      })),
    );
    process.stdout.write(`${JSON.stringify(har, null, 2)}\n`);
  } finally {
    store.close();
  }
  return 0;
}

function resolveSession(which: string): string {
  const asPath = resolve(which);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return asPath;
  if (isValidSessionId(which)) {
    const dir = sessionDir(sessionsFolder(defaultHome()), which);
    if (existsSync(dir)) return dir;
  }
  throw new Error(
    `No session "${which}" (neither a folder nor a session id in ${sessionsFolder(defaultHome())}).`,
  );
}

function sessionsCommand(args: string[]): number {
  const { values } = parse('sessions', args, { json: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(`${HELP.sessions}\n`);
    return 0;
  }
  const root = sessionsFolder(defaultHome());
  // "active" here means: a running process is recording into it.
  const sessions = listSessions(root, null).map((s) => ({
    ...s,
    active: sessionWriter(join(root, s.id)) !== null,
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(sessions)}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    process.stdout.write(`No sessions in ${sessionsFolder(defaultHome())}.\n`);
    return 0;
  }
  for (const s of sessions) {
    process.stdout.write(
      `${s.id}  ${new Date(s.createdAt).toISOString()}  ${String(s.sizeBytes).padStart(10)} B  ${s.name}${s.active ? '  (recording)' : ''}\n`,
    );
  }
  return 0;
}

// ---- helpers ----

/** Control characters shown escaped so a hostile request cannot drive the terminal. */
function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out +=
      code < 0x20 || (code >= 0x7f && code <= 0x9f)
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : c;
  }
  return out;
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `socketscope: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
