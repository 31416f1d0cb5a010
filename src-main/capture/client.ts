// The replay client: sends bytes verbatim to host:port over TCP or TLS, times each phase and
// parses whatever comes back with the engine. It never throws: every failure is a result.

import { lookup } from 'node:dns/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { upstreamSecureContext } from './trust-store';
import type { ResponseHead } from './events';
import type { ParseErrorInfo, ReplayTarget, ReplayTimings } from '../protocol/types';
import { ClientConversation, type ClientAction } from '../engine/client-conversation';
import { fieldPairs, type AssembledMessage } from '../engine/message';

export { requestMethods } from '../engine/client-conversation';

export interface ReplayOptions {
  target: ReplayTarget;
  bytes: Uint8Array;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
}

export type ReplayErrorCode =
  | 'ECONNREFUSED'
  | 'DNS_FAILED'
  | 'TLS_FAILED'
  | 'CONNECT_TIMEOUT'
  | 'RESPONSE_TIMEOUT'
  | 'CONNECTION_RESET'
  | 'NETWORK_ERROR'
  | 'INVALID_TARGET';

export interface ReplayError {
  code: ReplayErrorCode;
  /** One English sentence. */
  message: string;
}

export interface ReplayResponse {
  head: ResponseHead;
  /** Decoded body (chunk framing removed). */
  body: Uint8Array;
  /** Span of the whole response in the received stream. */
  span: { offset: number; length: number };
}

export interface ReplayResult {
  /** True when the bytes were sent and the answer ended (complete, closed or unparsable). */
  ok: boolean;
  error: ReplayError | null;
  startedAt: number;
  timings: ReplayTimings;
  remoteAddress: string | null;
  remotePort: number;
  localPort: number;
  request: Uint8Array;
  /** Every byte received, parsed or not. */
  response: Uint8Array;
  /** Complete responses, in order (1xx interim responses included). */
  responses: ReplayResponse[];
  /** The engine's verdict on the received bytes when they are not (valid) HTTP. */
  parseError: ParseErrorInfo | null;
  /** Requests found in the sent bytes (null when they are not HTTP). */
  expectedResponses: number | null;
}

export type ReplayProgress =
  | { type: 'phase'; phase: keyof ReplayTimings; ms: number }
  | { type: 'data'; direction: 'in' | 'out'; offset: number; bytes: Uint8Array };

/** After an unparsable reply, wait this long for more bytes or a close before finishing. */
const QUIET_AFTER_PARSE_ERROR_MS = 300;

export function replay(
  options: ReplayOptions,
  onProgress?: (progress: ReplayProgress) => void,
): Promise<ReplayResult> {
  return new ReplayRun(options, onProgress).run();
}

class ReplayRun {
  private readonly t0 = performance.now();
  private readonly result: ReplayResult;
  private readonly received: Buffer[] = [];
  private receivedLength = 0;
  /** What the replies mean (framing, interim and final responses): the engine's conversation. */
  private readonly conversation: ClientConversation;
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private settle: (() => void) | null = null;
  private done = false;

  constructor(
    private readonly options: ReplayOptions,
    private readonly onProgress?: (progress: ReplayProgress) => void,
  ) {
    this.conversation = new ClientConversation(options.bytes);
    this.result = {
      ok: false,
      error: null,
      startedAt: Date.now(),
      timings: { dns: null, connect: null, tls: null, firstByte: null, complete: null },
      remoteAddress: null,
      remotePort: options.target.port,
      localPort: 0,
      request: options.bytes,
      response: new Uint8Array(0),
      responses: [],
      parseError: null,
      expectedResponses: this.conversation.expected,
    };
  }

  async run(): Promise<ReplayResult> {
    const { target } = this.options;
    if (
      !target ||
      typeof target.host !== 'string' ||
      target.host === '' ||
      !validPort(target.port)
    ) {
      return this.fail(
        'INVALID_TARGET',
        'The replay target needs a host and a port between 1 and 65535.',
      );
    }
    const connectTimeout = this.options.connectTimeoutMs ?? 10_000;
    let address = target.host;
    if (isIP(target.host) === 0) {
      try {
        const resolved = await withTimeout(lookup(target.host), connectTimeout);
        if (resolved === null)
          return this.fail('CONNECT_TIMEOUT', `Looking up ${target.host} timed out.`);
        address = resolved.address;
        this.phase('dns');
      } catch (error) {
        return this.fail('DNS_FAILED', `Could not resolve ${target.host}: ${errorText(error)}.`);
      }
    }
    this.result.remoteAddress = address;
    return new Promise<ReplayResult>((resolve) => {
      this.settle = () => resolve(this.result);
      this.timer = setTimeout(
        () => this.end('CONNECT_TIMEOUT', `Connecting to ${target.host}:${target.port} timed out.`),
        connectTimeout,
      );
      this.open(address);
    });
  }

  private open(address: string): void {
    const { target } = this.options;
    const socket = target.tls
      ? tlsConnect({
          host: address,
          port: target.port,
          servername: target.servername ?? (isIP(target.host) === 0 ? target.host : undefined),
          rejectUnauthorized: !target.insecure,
          secureContext: upstreamSecureContext(),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host: address, port: target.port });
    this.socket = socket;
    socket.once('connect', () => {
      this.phase('connect');
      this.result.localPort = socket.localPort ?? 0;
      if (!target.tls) this.send();
    });
    if (target.tls) socket.once('secureConnect', () => this.send());
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.closed());
    socket.on('close', () => this.closed());
    socket.on('error', (error: NodeJS.ErrnoException) => this.socketError(error));
  }

  private send(): void {
    if (this.done || !this.socket) return;
    if (this.options.target.tls) this.phase('tls');
    this.resetTimer(
      this.options.responseTimeoutMs ?? 30_000,
      'RESPONSE_TIMEOUT',
      'No complete response in time.',
    );
    this.onProgress?.({ type: 'data', direction: 'out', offset: 0, bytes: this.options.bytes });
    this.socket.write(this.options.bytes);
  }

  private receive(chunk: Buffer): void {
    if (this.done) return;
    if (this.result.timings.firstByte === null) this.phase('firstByte');
    this.onProgress?.({ type: 'data', direction: 'in', offset: this.receivedLength, bytes: chunk });
    this.received.push(chunk);
    this.receivedLength += chunk.length;
    if (this.result.parseError) {
      this.resetTimer(QUIET_AFTER_PARSE_ERROR_MS, null, '');
      return;
    }
    this.consume(this.conversation.receive(chunk));
    if (this.conversation.complete) this.end(null, '');
    else if (this.result.parseError) this.resetTimer(QUIET_AFTER_PARSE_ERROR_MS, null, '');
  }

  private closed(): void {
    if (this.done) return;
    this.consume(this.conversation.end());
    if (this.receivedLength === 0 && this.result.timings.connect === null) {
      this.end('NETWORK_ERROR', 'The connection closed before it was established.');
    } else {
      this.end(null, '');
    }
  }

  private socketError(error: NodeJS.ErrnoException): void {
    if (this.done) return;
    const { host, port } = this.options.target;
    const code = error.code ?? '';
    if (code === 'ECONNREFUSED') this.end('ECONNREFUSED', `Connection refused by ${host}:${port}.`);
    else if (isTlsError(code, this.options.target.tls && this.result.timings.tls === null)) {
      this.end('TLS_FAILED', `TLS handshake with ${host}:${port} failed: ${error.message}.`);
    } else if (code === 'ECONNRESET' || code === 'EPIPE') {
      this.consume(this.conversation.end());
      this.end('CONNECTION_RESET', `The connection to ${host}:${port} was reset.`);
    } else this.end('NETWORK_ERROR', `Network error with ${host}:${port}: ${error.message}.`);
  }

  private consume(actions: ClientAction[]): void {
    for (const action of actions) {
      if (action.type === 'response') this.complete(action.message);
      else if (action.type === 'error') {
        const { code, offset, reason, status } = action.error;
        this.result.parseError = { code, offset, reason, status };
      }
    }
  }

  private complete(message: AssembledMessage): void {
    const { head } = message;
    const status = head.status ?? 0;
    this.result.responses.push({
      head: {
        version: head.version,
        status,
        reason: head.reason ?? '',
        headers: fieldPairs(head.fields),
      },
      body: message.body,
      span: message.span,
    });
  }

  private phase(phase: keyof ReplayTimings): void {
    if (this.result.timings[phase] !== null) return;
    const ms = Math.round((performance.now() - this.t0) * 1000) / 1000;
    this.result.timings[phase] = ms;
    this.onProgress?.({ type: 'phase', phase, ms });
  }

  private resetTimer(ms: number, code: ReplayErrorCode | null, message: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(code, message), ms);
  }

  private fail(code: ReplayErrorCode, message: string): ReplayResult {
    this.done = true;
    this.result.error = { code, message };
    return this.result;
  }

  private end(code: ReplayErrorCode | null, message: string): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (code) this.result.error = { code, message };
    this.result.response = Buffer.concat(this.received);
    const sent =
      this.result.timings.connect !== null &&
      (!this.options.target.tls || this.result.timings.tls !== null);
    this.result.ok =
      sent && (code === null || (code === 'CONNECTION_RESET' && this.receivedLength > 0));
    this.phase('complete');
    this.socket?.destroy();
    this.settle?.();
  }
}

function isTlsError(code: string, duringHandshake: boolean): boolean {
  return (
    duringHandshake ||
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code.includes('SELF_SIGNED') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
  );
}

function validPort(port: unknown): port is number {
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
