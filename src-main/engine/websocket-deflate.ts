// permessage-deflate (RFC 7692): what the 101's Sec-WebSocket-Extensions agreed, and a walk over
// a message's DEFLATE blocks that checks what fflate does not (stored blocks' NLEN). Inflating
// the messages is the renderer's (src-renderer/lib/websocket-inflate.ts, over fflate).

export interface DeflateAgreement {
  /** The server forgets its window after each message (its messages inflate alone). */
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
}

/** The permessage-deflate parameters of a Sec-WebSocket-Extensions value, or null without it. */
export function deflateAgreement(extensions: string): DeflateAgreement | null {
  for (const offer of extensions.split(',')) {
    const [name, ...params] = offer.split(';').map((part) => part.trim().toLowerCase());
    if (name !== 'permessage-deflate') continue;
    const names = params.map((param) => param.split('=')[0]!.trim());
    return {
      serverNoContextTakeover: names.includes('server_no_context_takeover'),
      clientNoContextTakeover: names.includes('client_no_context_takeover'),
    };
  }
  return null;
}

// ---- Stored blocks' NLEN (RFC 1951 §3.2.4) ----
// fflate copies a stored block without checking that NLEN is LEN's ones' complement, so a damaged
// one would inflate as if it were good. Stored blocks start on a byte boundary after a compressed
// block's last bit, so finding them means following every compressed block's codes (as zlib's
// puff.c does, with no output). Any other fault stops the walk and is left to the inflater, which
// names it; only a stored block read as the stream's own structure is checked.

/** A stored block's header: where its LEN field is, and LEN and NLEN as read. */
export interface StoredBlock {
  /** Byte offset of its LEN field in the stream. */
  offset: number;
  len: number;
  nlen: number;
}

export interface DeflateWalk {
  /** The stored blocks met, in order; the walk stops after one whose NLEN is wrong. */
  stored: StoredBlock[];
  /** The walk reached the final block's end or the stream's last byte, a block boundary. */
  whole: boolean;
}

/** Stops the walk: the stream ends, or is damaged in a way the inflater reports itself. */
const STOP = Symbol('stop');

class BitReader {
  /** The next byte to load. */
  private pos = 0;
  /** Bits loaded and not yet taken, least significant first, and how many. */
  private buf = 0;
  private n = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.n === 0 && this.pos >= this.bytes.length;
  }

  /** Loads up to `k` bits (at most 24), fewer at the stream's end; returns how many are loaded. */
  private load(k: number): number {
    while (this.n < k && this.pos < this.bytes.length) {
      this.buf |= this.bytes[this.pos++]! << this.n;
      this.n += 8;
    }
    return this.n;
  }

  /** `k` bits (at most 16). */
  take(k: number): number {
    if (this.load(k) < k) throw STOP;
    const value = this.buf & ((1 << k) - 1);
    this.buf >>>= k;
    this.n -= k;
    return value;
  }

  /** One symbol of `code`. */
  decode(code: Huffman): number {
    this.load(code.bits);
    const entry = code.table[this.buf & ((1 << code.bits) - 1)]!;
    const length = entry & 15;
    // No such code (an incomplete one), or the stream ends inside it.
    if (length === 0 || length > this.n) throw STOP;
    this.buf >>>= length;
    this.n -= length;
    return entry >>> 4;
  }

  /** Goes to the next byte boundary (a stored block's LEN starts there) and returns its offset. */
  align(): number {
    const drop = this.n & 7;
    this.buf >>>= drop;
    this.n -= drop;
    return this.pos - (this.n >> 3);
  }

  /** Skips `k` bytes, from a byte boundary. */
  skipBytes(k: number): void {
    const loaded = this.n >> 3;
    if (k < loaded) {
      this.buf >>>= k * 8;
      this.n -= k * 8;
      return;
    }
    this.buf = 0;
    this.n = 0;
    this.pos += k - loaded;
    if (this.pos > this.bytes.length) throw STOP;
  }
}

/** A canonical Huffman code as a table indexed by the next `bits` bits: symbol << 4 | length. */
interface Huffman {
  bits: number;
  table: Uint32Array;
}

function huffman(lengths: ArrayLike<number>): Huffman {
  const count = new Uint16Array(16);
  let bits = 1;
  for (let i = 0; i < lengths.length; i++) {
    count[lengths[i]!]!++;
    if (lengths[i]! > bits) bits = lengths[i]!;
  }
  const next = new Uint16Array(16);
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!;
    // Over-subscribed: not a code at all.
    if (left < 0) throw STOP;
    if (len < 15) next[len + 1] = (next[len]! + count[len]!) << 1;
  }
  const table = new Uint32Array(1 << bits);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const len = lengths[symbol]!;
    if (len === 0) continue;
    // Codes are sent from their most significant bit: the table is indexed by them reversed.
    let code = next[len]!++;
    let reversed = 0;
    for (let i = 0; i < len; i++, code >>= 1) reversed = (reversed << 1) | (code & 1);
    for (let at = reversed; at < table.length; at += 1 << len) table[at] = (symbol << 4) | len;
  }
  return { bits, table };
}

/** Extra bits of length symbols 257..285 and of distance symbols 0..29. */
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixedCodes: { lengths: Huffman; distances: Huffman } | null = null;

function fixed(): { lengths: Huffman; distances: Huffman } {
  if (fixedCodes === null) {
    const lengths = new Uint8Array(288);
    lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixedCodes = { lengths: huffman(lengths), distances: huffman(new Uint8Array(30).fill(5)) };
  }
  return fixedCodes;
}

function dynamic(bits: BitReader): { lengths: Huffman; distances: Huffman } {
  const nlen = bits.take(5) + 257;
  const ndist = bits.take(5) + 1;
  const ncode = bits.take(4) + 4;
  if (nlen > 286 || ndist > 30) throw STOP;
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < ncode; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = bits.take(3);
  const lengthCode = huffman(codeLengths);
  const lengths = new Uint8Array(nlen + ndist);
  for (let i = 0; i < lengths.length;) {
    const symbol = bits.decode(lengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (symbol === 16) {
      if (i === 0) throw STOP;
      value = lengths[i - 1]!;
      repeat = 3 + bits.take(2);
    } else repeat = symbol === 17 ? 3 + bits.take(3) : 11 + bits.take(7);
    if (i + repeat > lengths.length) throw STOP;
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  return {
    lengths: huffman(lengths.subarray(0, nlen)),
    distances: huffman(lengths.subarray(nlen)),
  };
}

/** Follows one compressed block's codes to its end-of-block symbol. */
function skipCodes(bits: BitReader, codes: { lengths: Huffman; distances: Huffman }): void {
  for (;;) {
    const symbol = bits.decode(codes.lengths);
    if (symbol === 256) return;
    if (symbol < 256) continue;
    if (symbol > 285) throw STOP;
    bits.take(LENGTH_EXTRA[symbol - 257]!);
    const distance = bits.decode(codes.distances);
    if (distance > 29) throw STOP;
    bits.take(DISTANCE_EXTRA[distance]!);
  }
}

/** The blocks of a raw DEFLATE stream, from a block's start (as a permessage-deflate message). */
export function walkBlocks(bytes: Uint8Array): DeflateWalk {
  const bits = new BitReader(bytes);
  const stored: StoredBlock[] = [];
  try {
    while (!bits.done()) {
      const final = bits.take(1) === 1;
      const type = bits.take(2);
      if (type === 0) {
        const offset = bits.align();
        const len = bits.take(16);
        const nlen = bits.take(16);
        stored.push({ offset, len, nlen });
        if (nlen !== (~len & 0xffff)) return { stored, whole: false };
        bits.skipBytes(len);
      } else if (type === 1) skipCodes(bits, fixed());
      else if (type === 2) skipCodes(bits, dynamic(bits));
      else return { stored, whole: false };
      if (final) return { stored, whole: true };
    }
  } catch (error) {
    if (error !== STOP) throw error;
    return { stored, whole: false };
  }
  return { stored, whole: true };
}

/** The first stored block whose NLEN is not LEN's ones' complement, or null. */
export function damagedStoredBlock(bytes: Uint8Array): StoredBlock | null {
  const last = walkBlocks(bytes).stored.at(-1);
  return last !== undefined && last.nlen !== (~last.len & 0xffff) ? last : null;
}
