// Data frames joined into messages (RFC 6455 §5.4): a text or binary frame starts one, its
// continuation frames follow (control frames may come between them), and FIN ends it. Only the
// first `keep` payload bytes of a message are held; its length is always counted whole.

import { concatBytes } from './bytes';
import type { WsOpcodeName } from './websocket-frames';

export type WsMessageKind = Exclude<WsOpcodeName, 'continuation'>;

export interface WsClose {
  /** The status code, or null for a Close frame with no body. */
  code: number | null;
  reason: string;
}

export interface WsMessage {
  /** Position among this direction's messages (0, 1, 2…). */
  index: number;
  kind: WsMessageKind;
  /** Absolute offset of the first frame's first byte, and the end of the last frame. */
  offset: number;
  end: number;
  /** The indexes of the frames that carried it. */
  frames: number[];
  /** Payload bytes of all its frames (unmasked), whether or not all were kept. */
  length: number;
  /** The first payload bytes, unmasked: all of them unless `truncated`. */
  data: Uint8Array;
  truncated: boolean;
  /** RSV1 on its first frame with permessage-deflate negotiated (RFC 7692): `data` is compressed. */
  compressed: boolean;
  /** A text message's kept bytes decoded (a cut character shows as U+FFFD). */
  text?: string;
  close?: WsClose;
}

const DECODER = new TextDecoder('utf-8');

/** The message being assembled from its frames. */
export class MessageBuilder {
  readonly frames: number[] = [];
  length = 0;
  private kept = 0;
  private readonly pieces: Uint8Array[] = [];

  constructor(
    readonly kind: WsMessageKind,
    readonly offset: number,
    readonly compressed: boolean,
    private readonly keep: number,
  ) {}

  /** Bytes of payload still worth unmasking and keeping. */
  get room(): number {
    return Math.max(0, this.keep - this.kept);
  }

  /** Adds unmasked payload; only what fits in `room` is kept. */
  add(unmasked: Uint8Array, count: number): void {
    this.length += count;
    const take = Math.min(this.room, unmasked.length);
    if (take === 0) return;
    this.pieces.push(take === unmasked.length ? unmasked : unmasked.slice(0, take));
    this.kept += take;
  }

  /** The kept bytes, joined. */
  bytes(): Uint8Array {
    return this.pieces.length === 1 ? this.pieces[0]! : concatBytes(this.pieces);
  }

  finish(index: number, end: number, close?: WsClose): WsMessage {
    const data = this.bytes();
    const message: WsMessage = {
      index,
      kind: this.kind,
      offset: this.offset,
      end,
      frames: this.frames,
      length: this.length,
      data,
      truncated: data.length < this.length,
      compressed: this.compressed,
    };
    if (this.kind === 'text' && !this.compressed) message.text = DECODER.decode(data);
    if (close) message.close = close;
    return message;
  }
}
