// What one read of the upstream gives the client (a head as latin1 text, body pieces, chunk
// framing), gathered so that it goes out as one piece: one `data` event, one record, one write.

export interface GatheredPiece {
  /** Offset of the piece's first byte in the connection's outbound stream. */
  offset: number;
  bytes: Uint8Array;
}

export class GatheredOut {
  private parts: (Uint8Array | string)[] = [];
  private from = 0;
  private length = 0;
  private open = false;

  /** True between `begin` and `end`: what is sent meanwhile is gathered. */
  get active(): boolean {
    return this.open;
  }

  begin(): void {
    this.open = true;
  }

  /** Ends the gathering: what is left is returned, to go out before anything sent after. */
  end(): GatheredPiece | null {
    this.open = false;
    return this.take();
  }

  /**
   * Adds bytes, or a head as latin1 text (one byte a character), that start at `offset` of the
   * outbound stream: right after what was added before.
   */
  add(part: Uint8Array | string, offset: number): void {
    if (this.parts.length === 0) this.from = offset;
    this.parts.push(part);
    this.length += part.length;
  }

  /**
   * What was gathered, as one piece (the one part itself when it is bytes alone), or null; the
   * gathering goes on, empty.
   */
  take(): GatheredPiece | null {
    const parts = this.parts;
    if (parts.length === 0) return null;
    this.parts = [];
    const length = this.length;
    this.length = 0;
    const first = parts[0]!;
    if (parts.length === 1 && typeof first !== 'string') return { offset: this.from, bytes: first };
    const piece = Buffer.allocUnsafe(length);
    let at = 0;
    for (const part of parts) {
      if (typeof part === 'string') at += piece.write(part, at, 'latin1');
      else {
        piece.set(part, at);
        at += part.length;
      }
    }
    return { offset: this.from, bytes: piece };
  }
}
