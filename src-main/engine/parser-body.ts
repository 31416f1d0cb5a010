// Bodies and chunk lines of the graph (parser-core.ts): a body framed by Content-Length or by
// the end of the stream, tunnel bytes, data after a closing message, and the chunked coding:
// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1). Each state returns the
// index of the next byte, or -1 after an error.
import { FieldParser } from './parser-fields';
import { HEX, TOKEN } from './parser-tables';
import {
  BODY_CL,
  BODY_EOF,
  BSLASH,
  CHUNK_DATA,
  CHUNK_DATA_CR,
  CHUNK_DATA_LF,
  CHUNK_EXT_AFTER_QUOTED,
  CHUNK_EXT_NAME,
  CHUNK_EXT_NAME_BWS,
  CHUNK_EXT_NAME_START,
  CHUNK_EXT_QUOTED,
  CHUNK_EXT_QUOTED_ESC,
  CHUNK_EXT_VALUE,
  CHUNK_EXT_VALUE_BWS,
  CHUNK_EXT_VALUE_START,
  CHUNK_SIZE,
  CHUNK_SIZE_LF,
  CHUNK_SIZE_START,
  CHUNK_SIZE_WS,
  CLOSED,
  CR,
  DQUOTE,
  EQ,
  HT,
  IDLE,
  LF,
  LINE_START,
  SEMI,
  SP,
  TUNNEL,
} from './parser-states';

export abstract class BodyParser extends FieldParser {
  /** Body bytes, tunnel bytes or bytes after the last message, from local `i`. */
  protected body(chunk: Uint8Array, i: number): number {
    const len = chunk.length;
    const base = this.base;
    switch (this.state) {
      case BODY_CL:
      case CHUNK_DATA: {
        const n = Math.min(this.remaining, len - i);
        this.pushBody(chunk, i, n, base);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) {
          if (this.state === BODY_CL) this.messageDone(base + i);
          else this.state = CHUNK_DATA_CR;
        }
        return i;
      }
      case BODY_EOF: {
        const n = Math.min(len - i, this.limits.maxBodyBytes - this.bodyTotal);
        if (n > 0) {
          this.pushBody(chunk, i, n, base);
          this.bodyTotal += n;
          i += n;
        }
        if (i < len) {
          this.fail('BODY_TOO_LARGE', base + i);
          return -1;
        }
        return i;
      }
      case TUNNEL: {
        this.onTunnel(base + i, chunk.subarray(i, len));
        return len;
      }
      case CLOSED: {
        const c = chunk[i];
        if (c === CR || c === LF) return i + 1;
        if (this.lenient.keepAlive) {
          this.state = IDLE;
          return i;
        }
        if (this.lenient.dataAfterClose) return len;
        this.fail('DATA_AFTER_CLOSE', base + i + 1, 'Data after `Connection: close`');
        return -1;
      }
      default:
        return -1;
    }
  }

  /** One step of a chunk-size line (size, extensions) or of the CRLF after chunk data. */
  protected chunkLine(chunk: Uint8Array, i: number): number {
    const len = chunk.length;
    const base = this.base;
    const c = chunk[i];
    switch (this.state) {
      case CHUNK_SIZE_START: {
        if (HEX[c] === 255) {
          this.fail('INVALID_CHUNK_SIZE', base + i, 'Invalid character in chunk size');
          return -1;
        }
        this.chunkStart = base + i;
        this.chunkSize = 0;
        this.chunkDigits = 0;
        this.state = CHUNK_SIZE;
        return i;
      }
      case CHUNK_SIZE: {
        let h: number;
        while (i < len && (h = HEX[chunk[i]]) !== 255) {
          if (this.chunkDigits > 0 || h !== 0) this.chunkDigits++;
          if (this.chunkDigits > 16) {
            this.fail('INVALID_CHUNK_SIZE', base + i, 'Chunk size overflow');
            return -1;
          }
          this.chunkSize = this.chunkSize * 16 + h;
          i++;
        }
        if (i === len) return i;
        this.chunkSizeEnd = base + i;
        return this.afterChunkSize(chunk, i) ? -1 : i + 1;
      }
      case CHUNK_SIZE_WS: {
        if (c === SP || c === HT) return i + 1;
        // BWS is allowed before a chunk extension (RFC 9112 §7.1.1), before the line end only
        // when lenient; the offending whitespace is reported as llhttp does, a byte after it.
        if (c !== SEMI && !this.lenient.spacesAfterChunkSize) {
          this.fail('INVALID_CHUNK_SIZE', this.chunkSizeEnd + 1, 'Invalid character in chunk size');
          return -1;
        }
        return this.afterChunkSize(chunk, i) ? -1 : i + 1;
      }
      case CHUNK_EXT_NAME_START: {
        if (c === SP || c === HT) return i + 1;
        if (TOKEN[c] !== 1) {
          const at = c === CR || c === LF ? base + i + 1 : base + i;
          this.fail('INVALID_CHUNK_EXTENSION', at, 'Invalid character in chunk extensions');
          return -1;
        }
        this.startToken(base + i);
        this.state = CHUNK_EXT_NAME;
        return i;
      }
      case CHUNK_EXT_NAME: {
        while (i < len && TOKEN[chunk[i]] === 1) i++;
        if (i === len) return i;
        const e = chunk[i];
        const start = this.tokStart;
        const value = this.takeToken(chunk, i);
        this.onExtension('chunkExtensionName', start, base + i - start, value);
        if (e === EQ) {
          this.state = CHUNK_EXT_VALUE_START;
          return i + 1;
        }
        if (e === SP || e === HT) {
          this.state = CHUNK_EXT_NAME_BWS;
          return i + 1;
        }
        return this.extensionEnd(chunk, i) ? -1 : i + 1;
      }
      case CHUNK_EXT_NAME_BWS: {
        if (c === SP || c === HT) return i + 1;
        if (c === EQ) {
          this.state = CHUNK_EXT_VALUE_START;
          return i + 1;
        }
        if (c === SEMI) {
          this.state = CHUNK_EXT_NAME_START;
          return i + 1;
        }
        this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
        return -1;
      }
      case CHUNK_EXT_VALUE_BWS: {
        if (c === SP || c === HT) return i + 1;
        if (c === SEMI) {
          this.state = CHUNK_EXT_NAME_START;
          return i + 1;
        }
        this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
        return -1;
      }
      case CHUNK_EXT_VALUE_START: {
        if (c === SP || c === HT) return i + 1;
        if (c === DQUOTE) {
          this.startToken(base + i);
          this.state = CHUNK_EXT_QUOTED;
          return i + 1;
        }
        if (TOKEN[c] !== 1) {
          this.fail('INVALID_CHUNK_EXTENSION', base + i, 'Invalid character in chunk extensions');
          return -1;
        }
        this.startToken(base + i);
        this.state = CHUNK_EXT_VALUE;
        return i;
      }
      case CHUNK_EXT_VALUE: {
        while (i < len && TOKEN[chunk[i]] === 1) i++;
        if (i === len) return i;
        this.extensionValueDone(chunk, i);
        if (chunk[i] === SP || chunk[i] === HT) this.state = CHUNK_EXT_VALUE_BWS;
        else if (this.extensionEnd(chunk, i)) return -1;
        return i + 1;
      }
      case CHUNK_EXT_QUOTED: {
        if (c === DQUOTE) {
          this.extensionValueDone(chunk, i + 1);
          this.state = CHUNK_EXT_AFTER_QUOTED;
          return i + 1;
        }
        if (c === BSLASH) {
          this.state = CHUNK_EXT_QUOTED_ESC;
          return i + 1;
        }
        if (c === HT || (c >= 0x20 && c !== 0x7f)) {
          if (c >= 0x80) this.high = true;
          return i + 1;
        }
        this.fail(
          'INVALID_CHUNK_EXTENSION',
          c === CR || c === LF ? base + i + 1 : base + i,
          'Invalid character in chunk extensions quoted value',
        );
        return -1;
      }
      case CHUNK_EXT_QUOTED_ESC: {
        if (c === HT || (c >= 0x20 && c !== 0x7f)) {
          if (c >= 0x80) this.high = true;
          this.state = CHUNK_EXT_QUOTED;
          return i + 1;
        }
        this.fail(
          'INVALID_CHUNK_EXTENSION',
          base + i,
          'Invalid character in chunk extensions quoted value',
        );
        return -1;
      }
      case CHUNK_EXT_AFTER_QUOTED: {
        if (c === SP || c === HT) this.state = CHUNK_EXT_VALUE_BWS;
        else if (this.extensionEnd(chunk, i)) return -1;
        return i + 1;
      }
      case CHUNK_DATA_CR: {
        this.lineEndStart = base + i;
        if (c === CR) {
          this.state = CHUNK_DATA_LF;
          return i + 1;
        }
        if (c === LF && this.lenient.optionalCrBeforeLf) {
          this.chunkDone(base + i + 1);
          return i + 1;
        }
        if (this.lenient.optionalCrlfAfterChunk) {
          this.chunkDone(base + i);
          return i;
        }
        this.fail('INVALID_CHUNK_DATA_END', base + i, 'Expected CRLF after chunk data');
        return -1;
      }
      default:
        return -1;
    }
  }

  /** The byte at local `i` follows the chunk-size digits (or whitespace after them). */
  protected afterChunkSize(chunk: Uint8Array, i: number): boolean {
    const c = chunk[i];
    const abs = this.base + i;
    if (c === CR) {
      this.state = CHUNK_SIZE_LF;
      return false;
    }
    if (c === SEMI) {
      this.state = CHUNK_EXT_NAME_START;
      return false;
    }
    if (c === LF && this.lenient.optionalCrBeforeLf) {
      return this.chunkHeaderDone(abs + 1);
    }
    if ((c === SP || c === HT) && this.state === CHUNK_SIZE) {
      this.state = CHUNK_SIZE_WS;
      return false;
    }
    this.fail('INVALID_CHUNK_SIZE', abs, 'Invalid character in chunk size');
    return true;
  }

  /** After an extension name or value, at the byte of local index `i`. */
  protected extensionEnd(chunk: Uint8Array, i: number): boolean {
    const c = chunk[i];
    if (c === SEMI) {
      this.state = CHUNK_EXT_NAME_START;
      return false;
    }
    if (c === CR) {
      this.state = CHUNK_SIZE_LF;
      return false;
    }
    if (c === LF && this.lenient.optionalCrBeforeLf) {
      return this.chunkHeaderDone(this.base + i + 1);
    }
    this.fail('INVALID_CHUNK_EXTENSION', this.base + i, 'Invalid character in chunk extensions');
    return true;
  }

  protected extensionValueDone(chunk: Uint8Array, end: number): void {
    const start = this.tokStart;
    const value = this.takeToken(chunk, end);
    this.onExtension('chunkExtensionValue', start, this.base + end - start, value);
  }

  /** The chunk-size line ends at absolute offset `end`. */
  protected chunkHeaderDone(end: number): boolean {
    const size = this.chunkSize;
    this.onChunkHeader(
      this.chunkStart,
      end - this.chunkStart,
      size,
      this.chunkSizeEnd - this.chunkStart,
    );
    this.bodyTotal += size;
    if (this.bodyTotal > this.limits.maxBodyBytes) {
      this.fail('BODY_TOO_LARGE', this.chunkStart);
      return true;
    }
    if (size === 0) {
      this.trailer = true;
      this.headLimit = end + this.limits.maxHeadBytes;
      this.state = LINE_START;
    } else {
      this.remaining = size;
      this.state = CHUNK_DATA;
    }
    return false;
  }

  protected chunkDone(end: number): void {
    this.onChunkComplete(this.lineEndStart, end - this.lineEndStart);
    this.state = CHUNK_SIZE_START;
  }
}
