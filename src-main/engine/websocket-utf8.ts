// A streaming UTF-8 check (RFC 3629 §4, as RFC 6455 §8.1 asks of text messages and close
// reasons): bytes arrive in pieces cut anywhere, even inside a character, and the first byte
// that cannot continue well-formed UTF-8 is named by its absolute offset. No decoding, no copy.

export class Utf8Check {
  /** Continuation bytes still needed by the character in progress. */
  private need = 0;
  /** The range the next continuation byte must be in (narrower after E0, ED, F0, F4). */
  private low = 0x80;
  private high = 0xbf;
  /** Absolute offset of the lead byte of the character in progress. */
  private start = -1;

  /**
   * Checks `bytes[from, to)`, whose first byte is at absolute offset `base`; returns the
   * absolute offset of the first byte that is not well-formed, or -1.
   */
  push(bytes: Uint8Array, from: number, to: number, base: number): number {
    for (let i = from; i < to; i++) {
      const byte = bytes[i]!;
      if (this.need > 0) {
        if (byte < this.low || byte > this.high) return base + (i - from);
        this.low = 0x80;
        this.high = 0xbf;
        this.need--;
        continue;
      }
      if (byte < 0x80) continue;
      this.start = base + (i - from);
      if (byte >= 0xc2 && byte <= 0xdf) this.need = 1;
      else if (byte >= 0xe0 && byte <= 0xef) {
        this.need = 2;
        if (byte === 0xe0) this.low = 0xa0; // overlong
        if (byte === 0xed) this.high = 0x9f; // surrogates
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        this.need = 3;
        if (byte === 0xf0) this.low = 0x90; // overlong
        if (byte === 0xf4) this.high = 0x8f; // above U+10FFFF
      } else return base + (i - from);
    }
    return -1;
  }

  /** At the end of the text: the offset of a character left unfinished, or -1. */
  end(): number {
    const unfinished = this.need > 0 ? this.start : -1;
    this.need = 0;
    this.low = 0x80;
    this.high = 0xbf;
    this.start = -1;
    return unfinished;
  }
}

/** Whether all of `bytes` is well-formed UTF-8. */
export function isUtf8(bytes: Uint8Array): boolean {
  const check = new Utf8Check();
  return check.push(bytes, 0, bytes.length, 0) === -1 && check.end() === -1;
}
