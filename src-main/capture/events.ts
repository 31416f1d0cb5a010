// What the capture layer reports. The server emits `data` for every received chunk before it
// parses it, so the store can write it first and nothing a client sent is ever lost.

import type {
  CloseReason,
  ConnectionId,
  Deviation,
  Direction,
  Message,
  ParseErrorInfo,
  ResponderRule,
  ServerSettings,
  ServerState,
} from '../protocol/types';

export interface RequestHead {
  method: string;
  target: string;
  /** e.g. "HTTP/1.1" */
  version: string;
  headers: [string, string][];
}

/** The part of a request head read before an error stopped it. */
export interface PartialRequestHead {
  method: string;
  target: string | null;
  version: string | null;
  headers: [string, string][];
}

export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: [string, string][];
}

/**
 * A response is `complete` by its framing (or the close), `truncated` when the close comes
 * before its framing's end (`missing` bytes, when a Content-Length says how many), or `refused`
 * when a browser would not read it as HTTP.
 */
export interface ResponseEnding {
  state: 'complete' | 'truncated' | 'refused';
  missing: number | null;
}

/** The ending of the server's own responses, conformant by construction. */
export const COMPLETE: ResponseEnding = Object.freeze({ state: 'complete', missing: null });
/** Their deviations. */
export const NO_DEVIATIONS: readonly Deviation[] = Object.freeze([]);

export type CaptureEvent =
  | { type: 'server'; state: ServerState }
  | {
      type: 'connectionOpen';
      connectionId: ConnectionId;
      remoteAddress: string;
      remotePort: number;
      localPort: number;
      time: number;
    }
  | {
      type: 'data';
      connectionId: ConnectionId;
      direction: Direction;
      /** Offset of `bytes` within this connection's stream in that direction. */
      offset: number;
      bytes: Uint8Array;
      time: number;
    }
  | {
      type: 'request';
      connectionId: ConnectionId;
      /** 0 for the first request on the connection, then 1, 2, … (keep-alive, pipelining). */
      index: number;
      time: number;
      /** Span of the whole request (head and body) in the inbound stream. */
      span: { offset: number; length: number };
      head: RequestHead;
      /** The decoded body; empty when it was too large to hold (see `bodyInStream`). */
      body: Uint8Array;
      /**
       * Set when the body was not held in memory: its bytes are in this connection's inbound
       * stream (already recorded as `data`) at `span`, chunk framing included; `length` is the
       * decoded body's length. Re-read the request's span to get it.
       */
      bodyInStream?: { span: { offset: number; length: number }; length: number };
    }
  | {
      type: 'response';
      connectionId: ConnectionId;
      /** The request index this answers (the error response to an unparsable request too). */
      index: number;
      time: number;
      /** Span of the response in the outbound stream. */
      span: { offset: number; length: number };
      head: ResponseHead | null;
      ruleId: string | null;
      /**
       * How a browser reads the bytes (engine/browser-reading.ts): each departure from the RFC,
       * [] when none. Set on every live event; absent when read back from a session file (the
       * bytes are there to read again).
       */
      deviations?: readonly Deviation[];
      /** What a browser makes of the response if the connection closes after it (as `deviations`). */
      ending?: ResponseEnding;
    }
  | {
      type: 'protocolError';
      connectionId: ConnectionId;
      index: number;
      time: number;
      /** Offset in the inbound stream where the failed request began. */
      requestOffset: number;
      error: ParseErrorInfo;
      /** What was read of the request before the error (absent when not even its method was). */
      head?: PartialRequestHead;
    }
  | {
      type: 'connectionClose';
      connectionId: ConnectionId;
      time: number;
      reason: CloseReason;
      bytesIn: number;
      bytesOut: number;
    }
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; message: Message };

export type CaptureListener = (event: CaptureEvent) => void;

/**
 * The write-ahead rule between the capture server and whoever records its events: a response is
 * handed to its socket only after every event emitted before it has reached the session file.
 */
export interface WriteAhead {
  /** Runs `send` once every event emitted so far has been written (or kept, while it cannot be). */
  afterWrite(send: () => void): void;
  /** False while the recorder can keep no more: the server answers 503 instead of serving. */
  canKeep(): boolean;
}

/** For a server whose events nobody records (tests, the bare-server bench). */
export const NO_WRITE_AHEAD: WriteAhead = { afterWrite: (send) => send(), canKeep: () => true };

/** The capture server as the Core drives it (implemented in server.ts). */
export interface CaptureServerApi {
  /** Starts listening; when the port is taken, listens on a free one and says so in the state. */
  start(settings?: Partial<ServerSettings>): Promise<ServerState>;
  stop(): Promise<ServerState>;
  state(): ServerState;
  settings(): ServerSettings;
  setRules(rules: ResponderRule[]): void;
  rules(): ResponderRule[];
}
