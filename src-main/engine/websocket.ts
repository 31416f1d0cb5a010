// An RFC 6455 frame parser, sans-IO: `push(bytes)` takes one direction of a WebSocket
// connection in pieces cut anywhere and returns what they complete: frames (every header field
// with its byte span), messages (payload unmasked, fragments joined, control frames between
// fragments kept apart) and, at the first fault, one named error, after which nothing more is
// read. Every chunking of the same bytes gives the same events.

import { isSendableCloseCode } from './websocket-close';
import { WS_ERROR_RFC, type WsError, type WsErrorCode } from './websocket-errors';
import {
  isControlOpcode,
  opcodeName,
  type WsFrame,
  type WsOpcodeName,
  type WsSpan,
} from './websocket-frames';
import { MessageBuilder, type WsClose, type WsMessage } from './websocket-messages';
import { Utf8Check } from './websocket-utf8';

export type { WsError, WsErrorCode } from './websocket-errors';
export { WS_ERROR_CODES, WS_ERROR_RFC, wsErrorKey } from './websocket-errors';
export type { WsFrame, WsFramePart, WsFrameSpans, WsOpcodeName, WsSpan } from './websocket-frames';
export { frameParts, isControlOpcode, opcodeName } from './websocket-frames';
export type { WsClose, WsMessage, WsMessageKind } from './websocket-messages';
export { CLOSE_CODE_NAMES, isSendableCloseCode } from './websocket-close';

export type WsEvent =
  | { type: 'frame'; frame: WsFrame }
  | { type: 'message'; message: WsMessage }
  | { type: 'error'; error: WsError };

export interface WebSocketParserOptions {
  /** Who sent these bytes: a client masks every frame, a server none (§5.1). */
  from: 'client' | 'server';
  /** Absolute offset of the first byte pushed (where the tunnel starts in its stream). */
  offset?: number;
  /** permessage-deflate was negotiated (RFC 7692): RSV1 may mark a message compressed. */
  perMessageDeflate?: boolean;
  /** Payload bytes kept per data message (default 1 MiB); control payloads (≤ 125) always whole. */
  keepBytes?: number;
  /** The same for a compressed message, which inflates only whole (default: keepBytes). */
  keepCompressedBytes?: number;
}

const DEFAULT_KEEP = 1024 * 1024;
const UTF8 = new TextDecoder('utf-8');
/** The largest frame header: 2 bytes, a 64-bit length and a masking key. */
const MAX_HEADER = 14;

type State = 'header' | 'payload' | 'closed' | 'failed';

export class WebSocketParser {
  private readonly from: 'client' | 'server';
  private readonly deflate: boolean;
  private readonly keep: number;
  private readonly keepCompressed: number;
  private state: State = 'header';
  /** Absolute offset of the next byte. */
  private offset: number;
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLength = 0;
  private headerNeed = 2;
  private extendedBytes = 0;
  private frameStart = 0;
  private payloadLength = 0;
  private received = 0;
  private frameCount = 0;
  private messageCount = 0;
  /** The data message in progress (fragmented or not). */
  private message: MessageBuilder | null = null;
  /** The control frame in progress. */
  private control: MessageBuilder | null = null;
  private readonly utf8 = new Utf8Check();
  private failure: WsError | null = null;

  constructor(options: WebSocketParserOptions) {
    this.from = options.from;
    this.deflate = options.perMessageDeflate === true;
    this.keep = Math.max(0, options.keepBytes ?? DEFAULT_KEEP);
    this.keepCompressed = Math.max(0, options.keepCompressedBytes ?? this.keep);
    this.offset = options.offset ?? 0;
  }

  /** The first fault, once seen. */
  get error(): WsError | null {
    return this.failure;
  }

  /** Absolute offset of the next byte to be pushed. */
  get position(): number {
    return this.offset;
  }

  /** Where the frame in progress starts, or null between frames. */
  get frameInProgress(): number | null {
    return this.state === 'payload' || (this.state === 'header' && this.headerLength > 0)
      ? this.frameStart
      : null;
  }

  push(chunk: Uint8Array): WsEvent[] {
    const events: WsEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'failed') break;
      if (this.state === 'closed') {
        this.fail(
          events,
          'DATA_AFTER_CLOSE',
          this.offset,
          chunk.length - i,
          'Bytes follow this side’s Close frame; nothing may be sent after it.',
        );
        break;
      }
      if (this.state === 'header') {
        this.header[this.headerLength++] = chunk[i]!;
        this.offset++;
        i++;
        this.headerByte(events);
        continue;
      }
      const take = Math.min(chunk.length - i, this.payloadLength - this.received);
      if (!this.payloadPiece(chunk, i, i + take, events)) break;
      i += take;
      this.offset += take;
      this.received += take;
      if (this.received === this.payloadLength) this.completeFrame(events);
    }
    return events;
  }

  /** The stream ended: a frame or a fragmented message left unfinished is an error. */
  end(): WsEvent[] {
    const events: WsEvent[] = [];
    const start = this.frameInProgress;
    if (start !== null) {
      const missing =
        this.state === 'payload'
          ? this.payloadLength - this.received
          : Math.max(1, this.headerNeed - this.headerLength);
      this.fail(
        events,
        'TRUNCATED_FRAME',
        start,
        this.offset - start,
        `The stream ends inside a frame, ${missing} byte${missing === 1 ? '' : 's'} short.`,
      );
    } else if (this.message !== null && this.state === 'header') {
      this.fail(
        events,
        'UNFINISHED_MESSAGE',
        this.message.offset,
        this.offset - this.message.offset,
        'The stream ends inside a fragmented message: its last frame (FIN) never came.',
      );
    }
    return events;
  }

  // ---- The header, one byte at a time (it is at most 14 bytes) ----

  private headerByte(events: WsEvent[]): void {
    const n = this.headerLength;
    const at = this.offset - 1;
    if (n === 1) {
      this.frameStart = at;
      this.firstByte(events, at);
      return;
    }
    if (n === 2) {
      if (!this.secondByte(events, at)) return;
    }
    if (this.extendedBytes > 0 && n === 2 + this.extendedBytes) {
      if (!this.extendedLength(events)) return;
    }
    if (n === this.headerNeed) this.beginPayload(events);
  }

  private firstByte(events: WsEvent[], at: number): void {
    const byte = this.header[0]!;
    const fin = (byte & 0x80) !== 0;
    const rsv = (byte >> 4) & 0x07;
    const opcode = byte & 0x0f;
    const name = opcodeName(opcode);
    const allowed = this.deflate && (opcode === 1 || opcode === 2) ? 0x04 : 0;
    if ((rsv & ~allowed) !== 0) {
      const bits = [4, 2, 1]
        .filter((bit) => (rsv & ~allowed & bit) !== 0)
        .map((bit) => `RSV${bit === 4 ? 1 : bit === 2 ? 2 : 3}`);
      const context =
        this.deflate && rsv & 0x04
          ? ' (permessage-deflate allows RSV1 only on the first frame of a text or binary message)'
          : ' and no extension was negotiated that defines it';
      this.fail(events, 'RSV_WITHOUT_EXTENSION', at, 1, `${bits.join(', ')} is set${context}.`);
      return;
    }
    if (name === null) {
      this.fail(
        events,
        'RESERVED_OPCODE',
        at,
        1,
        `Opcode 0x${opcode.toString(16).toUpperCase()} is reserved: no frame may use it.`,
      );
      return;
    }
    if (isControlOpcode(opcode) && !fin) {
      this.fail(
        events,
        'CONTROL_FRAGMENTED',
        at,
        1,
        `A ${name} frame without FIN: control frames are never fragmented.`,
      );
      return;
    }
    if (opcode === 0 && this.message === null) {
      this.fail(
        events,
        'CONTINUATION_WITHOUT_START',
        at,
        1,
        'A continuation frame, but no fragmented message is in progress.',
      );
      return;
    }
    if ((opcode === 1 || opcode === 2) && this.message !== null) {
      this.fail(
        events,
        'MESSAGE_NOT_FINISHED',
        at,
        1,
        `A new ${name} frame while the fragmented ${this.message.kind} message started at byte ${this.message.offset} is unfinished.`,
      );
    }
  }

  private secondByte(events: WsEvent[], at: number): boolean {
    const byte = this.header[1]!;
    const masked = (byte & 0x80) !== 0;
    const length7 = byte & 0x7f;
    const opcode = this.header[0]! & 0x0f;
    if (this.from === 'client' && !masked) {
      this.fail(
        events,
        'CLIENT_NOT_MASKED',
        at,
        1,
        'A frame from the client with MASK 0: every client frame must be masked.',
      );
      return false;
    }
    if (this.from === 'server' && masked) {
      this.fail(
        events,
        'SERVER_MASKED',
        at,
        1,
        'A frame from the server with MASK 1: a server never masks.',
      );
      return false;
    }
    if (isControlOpcode(opcode) && length7 > 125) {
      this.fail(
        events,
        'CONTROL_TOO_LONG',
        at,
        1,
        `A ${opcodeName(opcode) ?? 'control'} frame announces ${length7 === 126 ? 'a 16-bit' : 'a 64-bit'} length; control payloads are at most 125 bytes.`,
      );
      return false;
    }
    this.extendedBytes = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
    this.headerNeed = 2 + this.extendedBytes + (masked ? 4 : 0);
    if (this.extendedBytes === 0) this.payloadLength = length7;
    return true;
  }

  private extendedLength(events: WsEvent[]): boolean {
    const h = this.header;
    const at = this.frameStart + 2;
    if (this.extendedBytes === 2) {
      const length = (h[2]! << 8) | h[3]!;
      if (length < 126) {
        this.fail(
          events,
          'LENGTH_NOT_MINIMAL',
          at,
          2,
          `A 16-bit length of ${length}, which fits in the 7 bits (0–125).`,
        );
        return false;
      }
      this.payloadLength = length;
      return true;
    }
    if ((h[2]! & 0x80) !== 0) {
      this.fail(
        events,
        'LENGTH_MSB_SET',
        at,
        8,
        'The 64-bit length has its most significant bit set; it must be 0.',
      );
      return false;
    }
    const high = ((h[2]! << 24) | (h[3]! << 16) | (h[4]! << 8) | h[5]!) >>> 0;
    const low = ((h[6]! << 24) | (h[7]! << 16) | (h[8]! << 8) | h[9]!) >>> 0;
    if (high > 0x1fffff) {
      this.fail(
        events,
        'LENGTH_TOO_LARGE',
        at,
        8,
        'The 64-bit length is above 2^53 − 1 bytes, more than any recording can hold.',
      );
      return false;
    }
    const length = high * 0x1_0000_0000 + low;
    if (length <= 0xffff) {
      this.fail(
        events,
        'LENGTH_NOT_MINIMAL',
        at,
        8,
        `A 64-bit length of ${length}, which fits in 16 bits.`,
      );
      return false;
    }
    this.payloadLength = length;
    return true;
  }

  private beginPayload(events: WsEvent[]): void {
    const opcode = this.header[0]! & 0x0f;
    const name = opcodeName(opcode)!;
    this.state = 'payload';
    this.received = 0;
    if (isControlOpcode(opcode)) {
      this.control = new MessageBuilder(
        name as Exclude<WsOpcodeName, 'continuation'>,
        this.frameStart,
        false,
        125,
      );
    } else if (opcode !== 0) {
      const compressed = (this.header[0]! & 0x40) !== 0;
      this.message = new MessageBuilder(
        name as 'text' | 'binary',
        this.frameStart,
        compressed,
        compressed ? this.keepCompressed : this.keep,
      );
    }
    if (this.payloadLength === 0) this.completeFrame(events);
  }

  // ---- The payload ----

  private get maskingKey(): Uint8Array | null {
    return this.headerNeed - 2 - this.extendedBytes === 4
      ? this.header.subarray(2 + this.extendedBytes, this.headerNeed)
      : null;
  }

  /** Unmasks, checks and keeps a piece of payload; false after an error. */
  private payloadPiece(chunk: Uint8Array, from: number, to: number, events: WsEvent[]): boolean {
    const builder = this.control ?? this.message!;
    const checkText = this.control === null && builder.kind === 'text' && !builder.compressed;
    const count = to - from;
    const wanted = checkText ? count : Math.min(count, builder.room);
    const unmasked = new Uint8Array(wanted);
    const key = this.maskingKey;
    if (key === null) unmasked.set(chunk.subarray(from, from + wanted));
    else {
      const phase = this.received;
      for (let k = 0; k < wanted; k++) unmasked[k] = chunk[from + k]! ^ key[(phase + k) & 3]!;
    }
    if (checkText) {
      const bad = this.utf8.push(unmasked, 0, wanted, this.offset);
      if (bad >= 0) {
        this.fail(
          events,
          'INVALID_UTF8_TEXT',
          bad,
          1,
          `Byte ${bad} is not valid UTF-8 in a text message.`,
        );
        return false;
      }
    }
    builder.add(unmasked, count);
    return true;
  }

  private completeFrame(events: WsEvent[]): void {
    const h = this.header;
    const key = this.maskingKey;
    const headerLength = this.headerNeed;
    const span = (offset: number, length: number): WsSpan => ({ offset, length });
    const start = this.frameStart;
    const frame: WsFrame = {
      index: this.frameCount++,
      offset: start,
      length: headerLength + this.payloadLength,
      fin: (h[0]! & 0x80) !== 0,
      rsv1: (h[0]! & 0x40) !== 0,
      rsv2: (h[0]! & 0x20) !== 0,
      rsv3: (h[0]! & 0x10) !== 0,
      opcode: h[0]! & 0x0f,
      kind: opcodeName(h[0]! & 0x0f)!,
      masked: key !== null,
      maskingKey: key === null ? null : key.slice(),
      payloadLength: this.payloadLength,
      spans: {
        first: span(start, 1),
        second: span(start + 1, 1),
        extendedLength: this.extendedBytes > 0 ? span(start + 2, this.extendedBytes) : null,
        maskingKey: key === null ? null : span(start + 2 + this.extendedBytes, 4),
        payload: span(start + headerLength, this.payloadLength),
      },
    };
    events.push({ type: 'frame', frame });
    this.state = 'header';
    this.headerLength = 0;
    this.headerNeed = 2;
    this.extendedBytes = 0;
    const end = start + frame.length;
    if (this.control !== null) {
      const control = this.control;
      this.control = null;
      control.frames.push(frame.index);
      if (control.kind !== 'close') {
        events.push({ type: 'message', message: control.finish(this.messageCount++, end) });
        return;
      }
      const close = this.closeBody(control, frame, events);
      if (close === null) return;
      events.push({ type: 'message', message: control.finish(this.messageCount++, end, close) });
      this.state = 'closed';
      return;
    }
    const message = this.message!;
    message.frames.push(frame.index);
    if (!frame.fin) return;
    this.message = null;
    if (message.kind === 'text' && !message.compressed) {
      const unfinished = this.utf8.end();
      if (unfinished >= 0) {
        this.fail(
          events,
          'INVALID_UTF8_TEXT',
          unfinished,
          end - unfinished,
          `The text message ends inside a UTF-8 character that starts at byte ${unfinished}.`,
        );
        return;
      }
    }
    events.push({ type: 'message', message: message.finish(this.messageCount++, end) });
  }

  /** A Close frame's code and reason, or null (after an error) when they break the rules. */
  private closeBody(control: MessageBuilder, frame: WsFrame, events: WsEvent[]): WsClose | null {
    const payload = frame.spans.payload;
    const data = control.bytes();
    if (data.length === 0) return { code: null, reason: '' };
    if (data.length === 1) {
      this.fail(
        events,
        'CLOSE_BODY_ONE_BYTE',
        payload.offset,
        1,
        'A Close body of one byte: a status code takes two.',
      );
      return null;
    }
    const code = (data[0]! << 8) | data[1]!;
    if (!isSendableCloseCode(code)) {
      this.fail(
        events,
        'BAD_CLOSE_CODE',
        payload.offset,
        2,
        `Status code ${code} may not be sent in a Close frame.`,
      );
      return null;
    }
    const check = new Utf8Check();
    const bad = check.push(data, 2, data.length, payload.offset + 2);
    const unfinished = bad >= 0 ? bad : check.end();
    if (unfinished >= 0) {
      this.fail(
        events,
        'INVALID_UTF8_REASON',
        unfinished,
        1,
        `Byte ${unfinished} of the close reason is not valid UTF-8.`,
      );
      return null;
    }
    return { code, reason: UTF8.decode(data.subarray(2)) };
  }

  private fail(
    events: WsEvent[],
    code: WsErrorCode,
    offset: number,
    length: number,
    reason: string,
  ): void {
    const frameOffset = this.state === 'closed' ? offset : this.frameStart;
    this.state = 'failed';
    this.failure = { code, offset, length, frameOffset, reason, rfc: WS_ERROR_RFC[code] };
    events.push({ type: 'error', error: this.failure });
  }
}
