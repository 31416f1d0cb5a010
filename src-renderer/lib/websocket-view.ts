// The WebSocket messages of an upgraded connection, decoded here from the tunnel bytes recorded
// after the 101 (the engine's frame parser, one per direction). Bytes are fetched in pages under
// the Core's 1 MiB frame limit, a load reads a bounded number of bytes and keeps a bounded number
// of rows, and each message keeps only a preview of its payload: a long connection costs what is
// shown, and "load more" continues where the last load stopped.
import {
  WebSocketParser,
  isControlOpcode,
  type WsError,
  type WsFrame,
  type WsMessage,
} from '../../src-main/engine/websocket';
import { parseResponseMessage } from '../../src-main/engine/serialize';
import { headerValue } from '../../src-main/engine/semantics';
import { deflateAgreement, type DeflateAgreement } from '../../src-main/engine/websocket-deflate';
import { Utf8Check } from '../../src-main/engine/websocket-utf8';
import { WS_ERROR_RFC } from '../../src-main/engine/websocket-errors';
import { MessageInflater } from './websocket-inflate';
import type { WsOpcodeName } from '../../src-main/engine/websocket';
import type { CatalogueKey } from './locales/en';
import { MAX_TIMES_OFFSETS } from '../../src-main/protocol/types';

/** `in`: what the client sent (the connection's inbound stream); `out`: what the server sent. */
export type WsDirection = 'in' | 'out';

export type FetchBytes = (
  direction: WsDirection,
  offset: number,
  length: number,
) => Promise<Uint8Array>;

/** When the bytes at `offsets` were recorded (ms since the epoch), null where not recorded. */
export type FetchTimes = (direction: WsDirection, offsets: number[]) => Promise<(number | null)[]>;

/** Bytes per request: base64 of it stays well under the 1 MiB frame. */
export const PAGE_BYTES = 256 * 1024;
/** Bytes read per direction by one load. */
export const LOAD_BYTES = 4 * 1024 * 1024;
/** Rows kept per direction, over all loads. */
export const MAX_ROWS = 5000;
/** Payload bytes kept per message, for its preview. */
export const PREVIEW_BYTES = 1024;
/** Frame headers kept per message (a message may have any number of fragments). */
const MAX_FRAMES_KEPT = 16;
/** A compressed message is kept whole up to this size, to be inflated. */
const MAX_COMPRESSED = 8 * 1024 * 1024;
/** And inflated up to this size. */
const MAX_INFLATED = 32 * 1024 * 1024;

export interface WsUpgrade {
  perMessageDeflate: boolean;
  /** What permessage-deflate agreed, when it did. */
  deflate: DeflateAgreement | null;
  protocol: string | null;
}

/** The WebSocket a 101 response accepted, or null when it is not one. */
export function websocketUpgrade(
  response: Uint8Array | null,
  method: string | null,
): WsUpgrade | null {
  if (!response || response.length === 0) return null;
  const parsed = parseResponseMessage(response, method ?? 'GET');
  if (!parsed.ok || parsed.message.status !== 101) return null;
  const headers = parsed.message.headers;
  if (!/\bwebsocket\b/i.test(headerValue(headers, 'upgrade') ?? '')) return null;
  const deflate = deflateAgreement(headerValue(headers, 'sec-websocket-extensions') ?? '');
  return {
    perMessageDeflate: deflate !== null,
    deflate,
    protocol: headerValue(headers, 'sec-websocket-protocol'),
  };
}

/** A compressed message inflated: its length and first bytes (and text, for a text message). */
export interface WsInflated {
  length: number;
  data: Uint8Array;
  text?: string;
  /** Of a text message: where its inflated bytes stop being UTF-8 (RFC 6455 §8.1), if they do. */
  invalidUtf8At?: number;
}

export interface WsRow {
  direction: WsDirection;
  /** The message with at most PREVIEW_BYTES of its payload (still compressed, if it was). */
  message: WsMessage;
  /** A compressed message's content, or null when it could not be inflated. */
  inflated?: WsInflated | null;
  /** The headers of its first frames (all of them unless `framesOmitted`). */
  frames: WsFrame[];
  framesOmitted: number;
  /**
   * When its last byte was recorded (the message was complete then), in ms since the epoch:
   * null when the Core has no time for it, absent until asked.
   */
  time?: number | null;
}

/** One direction of the conversation: a parser and what it has read so far. */
export class WsStream {
  readonly rows: WsRow[] = [];
  error: WsError | null = null;
  /** Absolute offset of the next byte to fetch. */
  next: number;
  /** Nothing more will come: an error, the end of a closed connection, or the row limit. */
  finished = false;
  limited = false;
  /**
   * When the byte before `start` was recorded (of the server's stream: the 101's end), null
   * when unknown, absent until asked.
   */
  startTime?: number | null;
  /** Rows before this one have their time. */
  private timed = 0;
  private readonly parser: WebSocketParser;
  private pending: WsFrame[] = [];
  private omitted = 0;
  private control: WsFrame | null = null;
  /** Inflates compressed messages in order; null once one could not be (the window is lost). */
  private inflater: MessageInflater | null;

  constructor(
    readonly direction: WsDirection,
    private readonly start: number,
    upgrade: WsUpgrade,
  ) {
    this.next = start;
    this.parser = new WebSocketParser({
      from: direction === 'in' ? 'client' : 'server',
      offset: start,
      perMessageDeflate: upgrade.perMessageDeflate,
      keepBytes: PREVIEW_BYTES,
      keepCompressedBytes: MAX_COMPRESSED,
    });
    const deflate = upgrade.deflate;
    this.inflater = deflate
      ? new MessageInflater(
          direction === 'in' ? deflate.clientNoContextTakeover : deflate.serverNoContextTakeover,
        )
      : null;
  }

  /** Where an unfinished frame starts (its bytes have not all been recorded yet), or null. */
  get frameInProgress(): number | null {
    return this.parser.frameInProgress;
  }

  /**
   * Reads up to LOAD_BYTES more; with `closed` (the connection has ended), an unfinished frame
   * at the end is reported. With `times`, then asks when the new rows (and, the first time, the
   * byte before `start`) were recorded, in one call (more only past MAX_TIMES_OFFSETS); a failed
   * call is asked again at the next load. Resolves with whether anything new was read.
   */
  async load(fetch: FetchBytes, closed: boolean, times?: FetchTimes): Promise<boolean> {
    let changed = this.finished ? false : await this.read(fetch, closed);
    if (times && (this.timed < this.rows.length || this.startTime === undefined)) {
      await this.askTimes(times);
      changed = true;
    }
    return changed;
  }

  private async askTimes(times: FetchTimes): Promise<void> {
    do {
      const withStart = this.startTime === undefined && this.start > 0;
      const rows = this.rows.slice(this.timed, this.timed + MAX_TIMES_OFFSETS - 1);
      // The byte that completed each message: the last of its last frame.
      const offsets = rows.map((row) => row.message.end - 1);
      if (withStart) offsets.push(this.start - 1);
      const got = offsets.length > 0 ? await times(this.direction, offsets) : [];
      rows.forEach((row, i) => (row.time = got[i] ?? null));
      if (this.startTime === undefined)
        this.startTime = withStart ? (got[rows.length] ?? null) : null;
      this.timed += rows.length;
    } while (this.timed < this.rows.length);
  }

  private async read(fetch: FetchBytes, closed: boolean): Promise<boolean> {
    let read = 0;
    let changed = false;
    while (read < LOAD_BYTES && !this.finished) {
      const bytes = await fetch(this.direction, this.next, PAGE_BYTES);
      if (bytes.length > 0) {
        this.take(this.parser.push(bytes));
        this.next += bytes.length;
        read += bytes.length;
        changed = true;
      }
      if (this.rows.length >= MAX_ROWS) {
        this.limited = true;
        this.finished = true;
      }
      if (bytes.length < PAGE_BYTES) {
        if (closed && !this.finished) {
          this.take(this.parser.end());
          this.finished = true;
          changed = true;
        }
        break;
      }
    }
    return changed;
  }

  private inflate(message: WsMessage): WsInflated | null {
    if (this.inflater === null || message.truncated) {
      this.inflater = null;
      return null;
    }
    const result = this.inflater.inflate(message.data, MAX_INFLATED);
    if (!result.ok) {
      this.inflater = null;
      return null;
    }
    const data = result.data.slice(0, PREVIEW_BYTES);
    const bad = message.kind === 'text' ? firstNonUtf8(result.data) : -1;
    return {
      length: result.data.length,
      data,
      ...(message.kind === 'text' ? { text: UTF8.decode(data) } : {}),
      ...(bad >= 0 ? { invalidUtf8At: bad } : {}),
    };
  }

  private take(events: ReturnType<WebSocketParser['push']>): void {
    for (const event of events) {
      if (event.type === 'error') {
        this.error = event.error;
        this.finished = true;
      } else if (event.type === 'frame') {
        const frame = event.frame;
        if (isControlOpcode(frame.opcode)) this.control = frame;
        else if (this.pending.length < MAX_FRAMES_KEPT) this.pending.push(frame);
        else this.omitted++;
      } else if (this.rows.length < MAX_ROWS) {
        const message = event.message;
        const control =
          message.kind === 'close' || message.kind === 'ping' || message.kind === 'pong';
        const inflated = message.compressed ? this.inflate(message) : undefined;
        this.rows.push({
          direction: this.direction,
          message: message.compressed ? shortened(message) : message,
          ...(inflated === undefined ? {} : { inflated }),
          frames: control ? (this.control ? [this.control] : []) : this.pending,
          framesOmitted: control ? 0 : this.omitted,
        });
        if (!control) {
          this.pending = [];
          this.omitted = 0;
        }
        if (inflated?.invalidUtf8At !== undefined) {
          // What the parser checks of plain text, checked once inflated: a browser fails here.
          this.error = {
            code: 'INVALID_UTF8_TEXT',
            offset: message.offset,
            length: message.end - message.offset,
            frameOffset: message.offset,
            reason: `The text message inflates to bytes that are not UTF-8: byte ${inflated.invalidUtf8At} of its ${inflated.length} inflated bytes.`,
            rfc: WS_ERROR_RFC.INVALID_UTF8_TEXT,
          };
          this.finished = true;
          return;
        }
      }
    }
  }
}

function shortened(message: WsMessage): WsMessage {
  if (message.data.length <= PREVIEW_BYTES) return message;
  return { ...message, data: message.data.slice(0, PREVIEW_BYTES), truncated: true };
}

const UTF8 = new TextDecoder('utf-8');

/** Where `bytes` stop being well-formed UTF-8, or -1. */
function firstNonUtf8(bytes: Uint8Array): number {
  const check = new Utf8Check();
  const bad = check.push(bytes, 0, bytes.length, 0);
  return bad >= 0 ? bad : check.end();
}

/**
 * What a row shows of its payload: text as text, anything else as its first bytes in hex; a
 * compressed message's inflated content when it could be inflated.
 */
export function preview(
  message: WsMessage,
  maxChars = 120,
  inflated?: WsInflated | null,
): { text: string; hex: boolean } {
  if (message.kind === 'close') return { text: message.close?.reason ?? '', hex: false };
  const text = inflated ? inflated.text : message.text;
  if (text !== undefined) {
    return { text: text.length > maxChars ? `${text.slice(0, maxChars)}…` : text, hex: false };
  }
  const data = inflated ? inflated.data : message.data;
  const length = inflated ? inflated.length : message.length;
  const shown = data.subarray(0, Math.floor(maxChars / 3));
  const hex = Array.from(shown, (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { text: shown.length < length ? `${hex} …` : hex, hex: true };
}

/**
 * A message's time after `origin` (the 101), in seconds with milliseconds and a sign:
 * "+0.214", "−0.002".
 */
export function secondsAfter(time: number, origin: number): string {
  const ms = Math.round(time - origin);
  return `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1000).toFixed(3)}`;
}

/** The clock time of `time` (ms since the epoch), to the millisecond, in `lang`. */
export function clockTime(time: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hour12: false,
  }).format(time);
}

/** The frame's first bytes as recorded, at most this many (the header and a start of payload). */
export const FRAME_VIEW_BYTES = 14 + 50;

/** The catalogue key naming each opcode. */
export const OPCODE_KEYS: Record<WsOpcodeName, CatalogueKey> = {
  continuation: 'ws.opcode.continuation',
  text: 'ws.opcode.text',
  binary: 'ws.opcode.binary',
  close: 'ws.opcode.close',
  ping: 'ws.opcode.ping',
  pong: 'ws.opcode.pong',
};
