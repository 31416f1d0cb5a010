// The fast paths, gathered here: each reads in one pass what the graph (parser-core.ts) would
// read state by state, and gives the same events and errors at the same offsets; anything
// unusual (a cut by the chunk or a limit, a framing field, a fold, an invalid byte) is left to
// the graph by returning the index it was given. tests/engine/fast-paths.test.ts runs inputs
// with the fast paths on and off (HttpParser's `fast` argument) and compares the events.
//
//   requestLine  IDLE → FIRST_FIELD    a whole `method SP target SP HTTP/d.d CRLF`
//   versionAt    PROTO → after d.d     a whole `HTTP/d.d`
//   fieldLines   LINE_START (loop)     whole ordinary field lines, and a plain first Content-Length
//                                      (contentLengthLine); not Transfer-Encoding
//   valueStart   NAME → VALUE          OWS after the colon and the value's first byte
//   fieldEnd     VALUE → LINE_START    CRLF after a value when the next line is not a fold
//   emptyLine    LINE_START → body     the CRLF of the empty line at hand
import { BodyParser } from './parser-body';
import { FIELD_VALUE, TARGET, TOKEN, latin1 } from './parser-tables';
import {
  COLON,
  CR,
  CRLF,
  FIRST_FIELD,
  HT,
  H_CONNECTION,
  H_CONTENT_LENGTH,
  H_OTHER,
  H_TRANSFER_ENCODING,
  H_UPGRADE,
  LF,
  LINE_START,
  SP,
  VALUE,
  headerKindAt,
} from './parser-states';

/** The word scans find a word's first byte in its low bits. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A scan's first word with the `skip` bytes before its start read as 'A' (passed by every scan). */
function firstWord(x: number, skip: number): number {
  if (skip === 0) return x;
  const mask = (1 << (skip << 3)) - 1;
  return (x & ~mask) | (0x41414141 & mask);
}

export abstract class FastPaths extends BodyParser {
  /**
   * Fast path for a whole well-formed request line (`method SP target SP HTTP/d.d CRLF`) at
   * local index `i`, within the head and target limits: the same events and checks as the state
   * machine, in one pass. Returns the index after its CRLF, `i` when the line is left to the
   * graph (cut by the chunk, or anything unusual), or -1 after an error.
   */
  protected requestLine(chunk: Uint8Array, i: number): number {
    const limit = Math.min(chunk.length, i + this.limits.maxHeadBytes);
    let p = i;
    while (p < limit && TOKEN[chunk[p]] === 1) p++;
    if (p >= limit || chunk[p] !== SP) return i;
    const methodEnd = p++;
    const targetStart = p;
    const targetLimit = Math.min(limit, targetStart + this.limits.maxTargetLength);
    p = this.scanTarget(chunk, p, targetLimit);
    if (p === targetStart || p >= limit || chunk[p] !== SP) return i;
    const targetEnd = p++;
    if (
      p + 10 > limit ||
      chunk[p] !== 0x48 ||
      chunk[p + 1] !== 0x54 ||
      chunk[p + 2] !== 0x54 ||
      chunk[p + 3] !== 0x50 ||
      chunk[p + 4] !== 0x2f ||
      chunk[p + 6] !== 0x2e ||
      chunk[p + 8] !== CR ||
      chunk[p + 9] !== LF
    ) {
      return i;
    }
    const major = chunk[p + 5] - 0x30;
    const minor = chunk[p + 7] - 0x30;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) return i;
    const base = this.base;
    this.beginMessage(base + i);
    const method = this.decodeAscii(chunk, i, methodEnd);
    this.method = method;
    this.onToken('method', base + i, methodEnd - i, method);
    const target = this.decodeAscii(chunk, targetStart, targetEnd);
    if (this.targetFormInvalid(target, base + targetStart)) return -1;
    this.onToken('target', base + targetStart, targetEnd - targetStart, target);
    this.versionStart = base + p;
    this.major = major;
    this.minor = minor;
    if (this.versionDone(base + p + 8)) return -1;
    this.state = FIRST_FIELD;
    return p + 10;
  }

  /**
   * The aligned 32-bit view of the pushed chunk, made on first use in a push (a push with no
   * field line, such as a body piece, does not pay for it); null for short chunks.
   */
  protected wordsFor(chunk: Uint8Array): Int32Array | null {
    if (this.wordsChunk !== chunk) {
      this.wordsChunk = chunk;
      this.words = null;
      if (LITTLE_ENDIAN && chunk.length >= 64) {
        const shift = (4 - (chunk.byteOffset & 3)) & 3;
        this.wordShift = shift;
        this.words = new Int32Array(
          chunk.buffer,
          chunk.byteOffset + shift,
          (chunk.length - shift) >> 2,
        );
      }
    }
    return this.words;
  }

  /**
   * Index of the first byte in chunk[p, end) that is not allowed in a field value (CR included);
   * sets `scannedHigh` when the bytes passed include obs-text. Strict values in chunks of 64
   * bytes or more are read a word (four aligned bytes) at a time: a word whose bytes are all
   * SP..~ passes at once, and the first other byte of a word (found from its flag bit) is looked
   * up in the table, which ends the value (CR) or lets the scan go on (HTAB, obs-text).
   */
  protected scanValue(chunk: Uint8Array, p: number, end: number): number {
    // The common value, ASCII up to its CR, in a small loop; any other is scanned in full.
    const words = this.valueTable === FIELD_VALUE ? this.wordsFor(chunk) : null;
    if (words !== null && p >= this.wordShift) {
      const shift = this.wordShift;
      const last = (end - shift) >> 2;
      let w = (p - shift) >> 2;
      if (w < last) {
        let x = firstWord(words[w], (p - shift) & 3);
        for (;;) {
          // A flag bit for each byte below SP or above '~' (0xFF by the subtraction). Carries only
          // run up from a flagged byte, so the lowest flag is always a real one.
          const flags = ((x - 0x20202020) | (x + 0x01010101)) & 0x80808080;
          if (flags !== 0) {
            const q = shift + (w << 2) + ((31 - Math.clz32(flags & -flags)) >> 3);
            if (chunk[q] !== CR) break;
            this.scannedHigh = false;
            return q;
          }
          w++;
          if (w >= last) break;
          x = words[w];
        }
      }
    }
    return this.scanValueFully(chunk, p, end);
  }

  /**
   * scanValue for any value: HTAB, obs-text, an invalid byte, a short chunk or relaxed. Its word
   * loop repeats scanValue's on purpose: with the shared steps as functions, a GET measured 2.5k
   * instructions more (callgrind, 32.1k → 34.7k).
   */
  private scanValueFully(chunk: Uint8Array, p: number, end: number): number {
    const table = this.valueTable;
    let high = false;
    const words = table === FIELD_VALUE ? this.wordsFor(chunk) : null;
    if (words !== null && p >= this.wordShift) {
      const shift = this.wordShift;
      const last = (end - shift) >> 2;
      let w = (p - shift) >> 2;
      if (w < last) {
        let x = firstWord(words[w], (p - shift) & 3);
        for (;;) {
          const flags = ((x - 0x20202020) | (x + 0x01010101)) & 0x80808080;
          const wordStart = shift + (w << 2);
          if (flags !== 0) {
            let q = wordStart + ((31 - Math.clz32(flags & -flags)) >> 3);
            const stop = wordStart + 4;
            while (q < stop) {
              const k = table[chunk[q]];
              if (k === 0) {
                this.scannedHigh = high;
                return q;
              }
              if (k === 2) high = true;
              q++;
            }
          }
          w++;
          if (w >= last) break;
          x = words[w];
        }
        p = shift + (w << 2);
      }
    }
    for (;;) {
      while (p < end && table[chunk[p]] === 1) p++;
      if (p >= end || table[chunk[p]] !== 2) break;
      high = true;
      p++;
    }
    this.scannedHigh = high;
    return p;
  }

  /** Index of the first byte in chunk[p, end) that is not visible ASCII (TARGET), by words. */
  protected scanTarget(chunk: Uint8Array, p: number, end: number): number {
    const words = this.wordsFor(chunk);
    if (words !== null && p >= this.wordShift) {
      const shift = this.wordShift;
      const last = (end - shift) >> 2;
      let w = (p - shift) >> 2;
      if (w < last) {
        let x = firstWord(words[w], (p - shift) & 3);
        for (;;) {
          // As in scanValue, for bytes below '!' or above '~'.
          const flags = ((x - 0x21212121) | (x + 0x01010101)) & 0x80808080;
          if (flags !== 0) return shift + (w << 2) + ((31 - Math.clz32(flags & -flags)) >> 3);
          w++;
          if (w >= last) break;
          x = words[w];
        }
        p = shift + (w << 2);
      }
    }
    while (p < end && TARGET[chunk[p]] === 1) p++;
    return p;
  }

  /**
   * Fast path over whole ordinary field lines (`name ":" OWS value OWS CRLF`, not followed by a
   * fold) that lie in chunk[i, end): each is parsed in one loop and gives the same events as the
   * graph would. Returns the index of the first line left to the graph: the
   * empty line, one that is cut by the chunk or the head limit, a framing field (Content-Length,
   * Transfer-Encoding), a field over the count limit, or anything else unusual.
   */
  protected fieldLines(chunk: Uint8Array, i: number, end: number): number {
    const base = this.base;
    const token = TOKEN;
    const trailer = this.trailer;
    const maxHeaders = this.limits.maxHeaders;
    while (i < end) {
      let p = i;
      while (p < end && token[chunk[p]] === 1) p++;
      if (p === i || p >= end || chunk[p] !== COLON) return i;
      const nameEnd = p++;
      const kind = trailer ? H_OTHER : headerKindAt(chunk, i, nameEnd);
      if (kind === H_TRANSFER_ENCODING) return i;
      if (kind === H_CONTENT_LENGTH) {
        const next = this.contentLengthLine(chunk, i, nameEnd, end);
        if (next === i) return i;
        i = next;
        continue;
      }
      while (p < end && (chunk[p] === SP || chunk[p] === HT)) p++;
      const valueStart = p;
      p = this.scanValue(chunk, p, end);
      const high = this.scannedHigh;
      // The line must end in CRLF and the byte after it be at hand and not start a fold.
      if (p + 2 >= end || chunk[p] !== CR || chunk[p + 1] !== LF) return i;
      const after = chunk[p + 2];
      if (after === SP || after === HT || this.headerCount >= maxHeaders) return i;
      const name = this.decodeAscii(chunk, i, nameEnd);
      let valueEnd = p;
      while (valueEnd > valueStart && (chunk[valueEnd - 1] === SP || chunk[valueEnd - 1] === HT))
        valueEnd--;
      let value = '';
      if (valueEnd > valueStart) {
        value = high
          ? latin1(chunk, valueStart, valueEnd)
          : this.decodeAscii(chunk, valueStart, valueEnd);
      }
      this.headerCount++;
      if (kind === H_CONNECTION) this.connectionField(value);
      else if (kind === H_UPGRADE) this.hasUpgrade = true;
      this.onFieldLine(
        base + i,
        nameEnd - i,
        name,
        base + valueStart,
        valueEnd - valueStart,
        value,
        base + p + 2,
      );
      i = p + 2;
    }
    return i;
  }

  /**
   * The fast path of fieldLines for the first Content-Length of a head without
   * Transfer-Encoding, whose value is 1 to 15 digits and its line a whole CRLF line not followed
   * by a fold: the index after it, or `i` to leave it to the graph (which reads any other).
   */
  private contentLengthLine(chunk: Uint8Array, i: number, nameEnd: number, end: number): number {
    if (this.contentLength >= 0 || this.teSeen) return i;
    let p = nameEnd + 1;
    while (p < end && (chunk[p] === SP || chunk[p] === HT)) p++;
    const valueStart = p;
    let length = 0;
    while (p < end) {
      const digit = chunk[p] - 0x30;
      if (digit < 0 || digit > 9) break;
      length = length * 10 + digit;
      p++;
    }
    if (p === valueStart || p - valueStart > 15 || p + 2 >= end) return i;
    if (chunk[p] !== CR || chunk[p + 1] !== LF) return i;
    const after = chunk[p + 2];
    if (after === SP || after === HT || this.headerCount >= this.limits.maxHeaders) return i;
    const base = this.base;
    const name = this.decodeAscii(chunk, i, nameEnd);
    const value = this.decodeAscii(chunk, valueStart, p);
    this.headerCount++;
    this.clValue = length;
    this.contentLength = length;
    this.onFieldLine(
      base + i,
      nameEnd - i,
      name,
      base + valueStart,
      p - valueStart,
      value,
      base + p + 2,
    );
    return p + 2;
  }

  protected versionAt(chunk: Uint8Array, i: number, end: number): number {
    if (
      i + 8 > end ||
      chunk[i] !== 0x48 ||
      chunk[i + 1] !== 0x54 ||
      chunk[i + 2] !== 0x54 ||
      chunk[i + 3] !== 0x50 ||
      chunk[i + 4] !== 0x2f ||
      chunk[i + 6] !== 0x2e
    ) {
      return i;
    }
    const major = chunk[i + 5] - 0x30;
    const minor = chunk[i + 7] - 0x30;
    if (major < 0 || major > 9 || minor < 0 || minor > 9) return i;
    this.major = major;
    this.minor = minor;
    return this.versionDone(this.base + i + 8) ? -1 : i + 8;
  }

  protected valueStart(chunk: Uint8Array, i: number, end: number): number {
    while (i < end && (chunk[i] === SP || chunk[i] === HT)) i++;
    if (i < end && this.kind === H_OTHER && this.valueTable[chunk[i]] === 1) {
      this.startToken(this.base + i);
      this.valEnd = this.base + i + 1;
      this.state = VALUE;
    }
    return i;
  }

  protected fieldEnd(chunk: Uint8Array, i: number, end: number): number {
    if (i + 1 >= end || chunk[i] !== LF || chunk[i + 1] === SP || chunk[i + 1] === HT) return i;
    this.lineEnding = CRLF;
    this.lineEndStart = this.base + i - 1;
    if (this.fieldDone(this.base + i + 1)) return -1;
    this.state = LINE_START;
    return i + 1;
  }

  protected emptyLine(chunk: Uint8Array, i: number, end: number): number {
    if (i + 1 >= end || chunk[i + 1] !== LF) return i;
    return this.headComplete(this.base + i + 2) ? -1 : i + 2;
  }
}
