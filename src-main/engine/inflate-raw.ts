// A raw DEFLATE decoder (RFC 1951), for the messages permessage-deflate compresses (RFC 7692).
// Each call inflates one complete input; the last 32 KiB of output are kept, so the next input
// may refer back into them (the "context takeover" of RFC 7692 §7.2.2). Canonical Huffman codes
// are decoded bit by bit in the manner of zlib's puff: slow next to zlib, ample for previews.

const MAX_BITS = 15;
const WINDOW = 32 * 1024;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which code-length code lengths are sent (§3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

class InflateError extends Error {}

interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function huffman(lengths: ArrayLike<number>, n: number): Huffman {
  const count = new Uint16Array(MAX_BITS + 1);
  const symbol = new Uint16Array(n);
  for (let s = 0; s < n; s++) count[lengths[s]!]!++;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) throw new InflateError('an over-subscribed Huffman code');
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len]! + count[len]!;
  for (let s = 0; s < n; s++) if (lengths[s] !== 0) symbol[offsets[lengths[s]!]!++] = s;
  count[0] = 0;
  return { count, symbol };
}

const FIXED = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return { literal: huffman(lengths, 288), distance: huffman(new Uint8Array(30).fill(5), 30) };
})();

/** One input being read: bits least significant first (§3.1.1), output after the window. */
class Reader {
  private at = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  out: Uint8Array;
  length: number;

  constructor(
    private readonly input: Uint8Array,
    history: Uint8Array,
    private readonly maxOutput: number,
  ) {
    this.out = new Uint8Array(Math.max(1024, history.length + input.length * 4));
    this.out.set(history);
    this.length = history.length;
  }

  get done(): boolean {
    return this.at >= this.input.length && this.bitCount < 8;
  }

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.at >= this.input.length) throw new InflateError('the input ends inside a block');
      this.bitBuffer |= this.input[this.at++]! << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuffer & ((1 << n) - 1);
    this.bitBuffer >>>= n;
    this.bitCount -= n;
    return value;
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new InflateError('a code that is in no Huffman table');
  }

  private room(n: number): void {
    if (this.length + n > this.maxOutput + WINDOW)
      throw new InflateError('the output is larger than the limit');
    if (this.length + n <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.length + n));
    grown.set(this.out.subarray(0, this.length));
    this.out = grown;
  }

  stored(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
    if (this.at + 4 > this.input.length) throw new InflateError('a stored block cut short');
    const i = this.input;
    const len = i[this.at]! | (i[this.at + 1]! << 8);
    const nlen = i[this.at + 2]! | (i[this.at + 3]! << 8);
    this.at += 4;
    if (len !== (~nlen & 0xffff))
      throw new InflateError('a stored block whose LEN and NLEN disagree');
    if (this.at + len > i.length) throw new InflateError('a stored block cut short');
    this.room(len);
    this.out.set(i.subarray(this.at, this.at + len), this.length);
    this.length += len;
    this.at += len;
  }

  codes(literal: Huffman, distance: Huffman): void {
    for (;;) {
      const symbol = this.decode(literal);
      if (symbol < 256) {
        this.room(1);
        this.out[this.length++] = symbol;
        continue;
      }
      if (symbol === 256) return;
      const index = symbol - 257;
      if (index >= 29) throw new InflateError('a length code that does not exist');
      const length = LENGTH_BASE[index]! + this.bits(LENGTH_EXTRA[index]!);
      const d = this.decode(distance);
      if (d >= 30) throw new InflateError('a distance code that does not exist');
      const back = DIST_BASE[d]! + this.bits(DIST_EXTRA[d]!);
      if (back > this.length) throw new InflateError('a distance before the start of the window');
      this.room(length);
      const out = this.out;
      for (let k = 0; k < length; k++, this.length++) out[this.length] = out[this.length - back]!;
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new InflateError('too many codes in a dynamic block');
    const lengths = new Uint8Array(320);
    for (let k = 0; k < ncode; k++) lengths[CODE_LENGTH_ORDER[k]!] = this.bits(3);
    const lencode = huffman(lengths, 19);
    lengths.fill(0);
    for (let k = 0; k < nlen + ndist;) {
      const symbol = this.decode(lencode);
      if (symbol < 16) {
        lengths[k++] = symbol;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (symbol === 16) {
        if (k === 0) throw new InflateError('a repeat with nothing before it');
        value = lengths[k - 1]!;
        repeat = 3 + this.bits(2);
      } else if (symbol === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (k + repeat > nlen + ndist) throw new InflateError('code lengths repeated past the end');
      while (repeat-- > 0) lengths[k++] = value;
    }
    if (lengths[256] === 0) throw new InflateError('no end-of-block code');
    this.codes(huffman(lengths, nlen), huffman(lengths.subarray(nlen), ndist));
  }
}

export type InflateResult = { ok: true; data: Uint8Array } | { ok: false; reason: string };

/** Inflates raw DEFLATE inputs in turn, each able to refer back 32 KiB into the ones before. */
export class RawInflater {
  private history = new Uint8Array(0);

  /**
   * Inflates one complete input (blocks until its end, or a final block); `keepWindow` false
   * forgets the history afterwards. Output over `maxOutput` bytes is an error.
   */
  inflate(input: Uint8Array, keepWindow = true, maxOutput = 64 * 1024 * 1024): InflateResult {
    const reader = new Reader(input, this.history, maxOutput);
    const start = this.history.length;
    try {
      for (;;) {
        const final = reader.bits(1);
        const type = reader.bits(2);
        if (type === 0) reader.stored();
        else if (type === 1) reader.codes(FIXED.literal, FIXED.distance);
        else if (type === 2) reader.dynamic();
        else throw new InflateError('a block of reserved type 3');
        if (final === 1 || reader.done) break;
      }
    } catch (error) {
      this.history = new Uint8Array(0);
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const out = reader.out.subarray(0, reader.length);
    this.history = keepWindow ? out.slice(Math.max(0, out.length - WINDOW)) : new Uint8Array(0);
    return { ok: true, data: out.slice(start) };
  }
}
