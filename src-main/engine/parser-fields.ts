// The field lines of the graph (parser-core.ts): field-line = field-name ":" OWS field-value OWS
// (RFC 9112 §5), up to the empty line that ends the head or the trailer section, and the
// framing decided there (RFC 9112 §6.3). Each state returns the index of the next byte, or -1
// after an error.
import type { BodyFraming } from './events';
import { StartLineParser } from './parser-start-line';
import { TOKEN } from './parser-tables';
import {
  BODY_CL,
  BODY_EOF,
  CHUNK_SIZE_START,
  COLON,
  CR,
  EMPTY_VALUE_LF,
  FIRST_FIELD,
  HEAD_END_LF,
  HT,
  H_CONNECTION,
  H_CONTENT_LENGTH,
  H_OTHER,
  H_TRANSFER_ENCODING,
  H_UPGRADE,
  LF,
  LF_ONLY,
  LINE_START,
  NAME,
  NAME_WS,
  SP,
  VALUE,
  VALUE_EOL,
  VALUE_LF,
  VALUE_OWS,
  headerKind,
  trimOws,
} from './parser-states';
import { latin1 } from './parser-tables';
import { statusHasNoContent } from './semantics';

const U64_MAX = 18446744073709551615n;

export abstract class FieldParser extends StartLineParser {
  /** One step of the field lines at local `i` (the head ends before `end`). */
  protected fieldLine(chunk: Uint8Array, i: number, end: number): number {
    const base = this.base;
    const c = chunk[i];
    switch (this.state) {
      case FIRST_FIELD: {
        if (c === SP || c === HT) {
          this.fail('OBS_FOLD', base + i + 1, 'Unexpected space after start line');
          return -1;
        }
        this.state = LINE_START;
        return i;
      }
      case LINE_START: {
        if (c === CR) {
          this.lineEndStart = base + i;
          if (this.fast) {
            const next = this.emptyLine(chunk, i, end);
            if (next !== i) return next;
          }
          this.state = HEAD_END_LF;
          return i + 1;
        }
        if (c === LF) {
          if (this.lenient.optionalCrBeforeLf) {
            this.lineEndStart = base + i;
            return this.headComplete(base + i + 1) ? -1 : i + 1;
          }
          this.fail('BARE_LF', base + i, 'Missing expected CR before LF');
          return -1;
        }
        if (TOKEN[c] !== 1) {
          this.fail('INVALID_HEADER_TOKEN', base + i, 'Invalid header token');
          return -1;
        }
        if (this.fast) {
          const next = this.fieldLines(chunk, i, end);
          if (next !== i) return next;
        }
        if (++this.headerCount > this.limits.maxHeaders) {
          this.fail('TOO_MANY_HEADERS', base + i);
          return -1;
        }
        this.startToken(base + i);
        this.state = NAME;
        return i;
      }
      case NAME: {
        while (i < end && TOKEN[chunk[i]] === 1) i++;
        if (i === end) return i;
        const n = chunk[i];
        if (n === COLON) {
          const start = this.tokStart;
          if (this.nameDone(this.takeToken(chunk, i), start, base + i)) return -1;
          return this.fast ? this.valueStart(chunk, i + 1, end) : i + 1;
        }
        if (n === SP || n === HT) {
          this.pendingNameStart = this.tokStart;
          this.pendingName = this.takeToken(chunk, i);
          this.nameWsStart = base + i;
          this.state = NAME_WS;
          return i + 1;
        }
        this.fail('INVALID_HEADER_TOKEN', base + i, 'Invalid header token');
        return -1;
      }
      case NAME_WS: {
        if (c === SP || c === HT) return i + 1;
        if (c === COLON) {
          if (!this.lenient.headers) {
            this.fail('WHITESPACE_BEFORE_COLON', base + i, 'Invalid header field char');
            return -1;
          }
          return this.nameDone(this.pendingName, this.pendingNameStart, base + i) ? -1 : i + 1;
        }
        this.fail('INVALID_HEADER_TOKEN', this.nameWsStart, 'Invalid header token');
        return -1;
      }
      case VALUE_OWS: {
        if (c === SP || c === HT) return i + 1;
        if (c === CR) {
          this.valueEnd(chunk, i);
          this.state = VALUE_LF;
          return i + 1;
        }
        if (c === LF) {
          if (this.lenient.optionalCrBeforeLf) {
            this.valueEnd(chunk, i);
            this.lineEnding = LF_ONLY;
            this.lineEndStart = base + i;
            this.state = VALUE_EOL;
            return i + 1;
          }
          this.state = EMPTY_VALUE_LF;
          return i + 1;
        }
        if (this.valueTable[c] === 0) {
          this.fail(
            c === 0 ? 'NUL_BYTE' : 'INVALID_HEADER_VALUE',
            base + i,
            'Invalid header value char',
          );
          return -1;
        }
        if (this.kind === H_CONTENT_LENGTH) {
          if (this.contentLength >= 0) {
            this.fail('CONFLICTING_CONTENT_LENGTH', base + i, 'Duplicate Content-Length');
            return -1;
          }
          this.clValue = 0;
          this.clBig = null;
          this.clSpace = false;
        }
        this.startToken(base + i);
        this.valEnd = base + i + 1;
        this.state = VALUE;
        return i;
      }
      case EMPTY_VALUE_LF: {
        this.fail('BARE_LF', base + i, 'Invalid header value char');
        return -1;
      }
      case VALUE: {
        const table = this.valueTable;
        const from = i;
        if (this.kind === H_CONTENT_LENGTH) {
          while (i < end && table[chunk[i]] !== 0) {
            if (this.contentLengthByte(chunk[i], base + i)) return -1;
            i++;
          }
        }
        for (;;) {
          while (i < end && table[chunk[i]] === 1) i++;
          if (i === end || table[chunk[i]] === 0) break;
          this.high = true;
          i++;
        }
        let last = i;
        while (last > from && (chunk[last - 1] === SP || chunk[last - 1] === HT)) last--;
        if (last > from) this.valEnd = base + last;
        if (i === end) return i;
        const v = chunk[i];
        if (v === CR) {
          this.valueEnd(chunk, i);
          if (this.fast) {
            const next = this.fieldEnd(chunk, i + 1, end);
            if (next !== i + 1) return next;
          }
          this.state = VALUE_LF;
          return i + 1;
        }
        if (v === LF) {
          if (this.lenient.optionalCrBeforeLf) {
            this.valueEnd(chunk, i);
            this.lineEnding = LF_ONLY;
            this.lineEndStart = base + i;
            this.state = VALUE_EOL;
            return i + 1;
          }
          this.fail('BARE_LF', base + i, 'Missing expected CR after header value');
          return -1;
        }
        this.fail(
          v === 0 ? 'NUL_BYTE' : 'INVALID_HEADER_VALUE',
          base + i,
          'Invalid header value char',
        );
        return -1;
      }
      case VALUE_EOL: {
        if (c === SP || c === HT) {
          if (!this.lenient.headers && !this.replaceObsFold) {
            this.fail('OBS_FOLD', base + i, 'Unexpected whitespace after header value');
            return -1;
          }
          this.state = this.continueFolded(i) ? VALUE : VALUE_OWS;
          return i;
        }
        if (this.fieldDone(base + i)) return -1;
        this.state = LINE_START;
        return i;
      }
      default:
        return -1;
    }
  }

  // ---- fast paths, implemented in parser-fast.ts ----

  /** After a field name's colon at local `i - 1`: the index after its OWS, the value begun. */
  protected abstract valueStart(chunk: Uint8Array, i: number, end: number): number;
  /** After a value's CR at `i - 1`: the field done at a whole CRLF, or `i` for VALUE_LF. */
  protected abstract fieldEnd(chunk: Uint8Array, i: number, end: number): number;
  /** At the CR of the empty line: the head done at a whole CRLF, or `i` for HEAD_END_LF. */
  protected abstract emptyLine(chunk: Uint8Array, i: number, end: number): number;

  protected nameDone(name: string, start: number, colon: number): boolean {
    this.onField('headerName', start, name.length, name);
    this.kind = this.trailer ? H_OTHER : headerKind(name);
    this.pendingStart = -1;
    this.folded = false;
    this.state = VALUE_OWS;
    if (this.isRequest && !this.lenient.chunkedLength) {
      if (this.kind === H_TRANSFER_ENCODING && this.contentLength >= 0) {
        this.fail(
          'CONTENT_LENGTH_WITH_TRANSFER_ENCODING',
          colon + 1,
          "Transfer-Encoding can't be present with Content-Length",
        );
        return true;
      }
      if (this.kind === H_CONTENT_LENGTH && this.teSeen) {
        this.fail(
          'CONTENT_LENGTH_WITH_TRANSFER_ENCODING',
          colon + 1,
          "Content-Length can't be present with Transfer-Encoding",
        );
        return true;
      }
    }
    return false;
  }

  /** The value's line ends at local index `end` (its CR or LF). */
  protected valueEnd(chunk: Uint8Array, end: number): void {
    if (this.tokStart < 0) {
      this.pendingStart = -1;
      this.pendingEnd = this.base + end;
      this.pendingValue = '';
      this.pendingRaw = '';
      return;
    }
    const start = this.tokStart;
    const raw = this.takeToken(chunk, end);
    this.pendingStart = start;
    this.pendingEnd = this.valEnd;
    this.pendingRaw = raw;
    const value = raw.slice(0, this.valEnd - start);
    // In a value, CR and LF can only be those of a fold.
    this.pendingValue =
      this.folded && this.replaceObsFold
        ? value.replace(/[ \t]*[\r\n]+[ \t]*/g, (fold) => ' '.repeat(fold.length))
        : value;
  }

  /** Lenient obs-fold: the value continues on this line (whose first byte is at `i`). */
  protected continueFolded(i: number): boolean {
    const abs = this.base + i;
    if (this.pendingStart < 0) return false;
    this.folded = true;
    this.tokStart = this.pendingStart;
    this.tokPart = this.pendingRaw + latin1(this.lineEnding, 0, this.lineEnding.length);
    this.tokFrom = abs;
    return true;
  }

  /** A complete field (name and value) is known; `at` is the first byte of the next line. */
  protected fieldDone(at: number): boolean {
    const start = this.pendingStart;
    const value = this.pendingValue;
    switch (this.kind) {
      case H_CONTENT_LENGTH:
        if (start < 0) {
          this.fail('INVALID_CONTENT_LENGTH', at, 'Empty Content-Length');
          return true;
        }
        this.contentLength = this.clValue;
        break;
      case H_TRANSFER_ENCODING:
        if (this.transferEncodingField(value, start)) return true;
        break;
      case H_CONNECTION:
        this.connectionField(value);
        break;
      case H_UPGRADE:
        this.hasUpgrade = true;
        break;
    }
    this.onField(
      'headerValue',
      start < 0 ? this.pendingEnd : start,
      start < 0 ? 0 : this.pendingEnd - start,
      value,
    );
    return false;
  }

  /** One byte of a Content-Length value (digits, then optional trailing OWS). */
  protected contentLengthByte(c: number, abs: number): boolean {
    if (c >= 0x30 && c <= 0x39) {
      if (this.clSpace) {
        this.fail('INVALID_CONTENT_LENGTH', abs, 'Invalid character in Content-Length');
        return true;
      }
      const next = this.clValue * 10 + (c - 0x30);
      // Beyond 2^53 the digits are checked against the 64-bit range exactly.
      if (next > Number.MAX_SAFE_INTEGER || this.clBig !== null) {
        this.clBig = (this.clBig ?? BigInt(this.clValue)) * 10n + BigInt(c - 0x30);
        if (this.clBig > U64_MAX) {
          this.fail('INVALID_CONTENT_LENGTH', abs + 1, 'Content-Length overflow');
          return true;
        }
        this.clValue = Number(this.clBig);
        return false;
      }
      this.clValue = next;
      return false;
    }
    if (c === SP || c === HT) {
      this.clSpace = true;
      return false;
    }
    this.fail('INVALID_CONTENT_LENGTH', abs, 'Invalid character in Content-Length');
    return true;
  }

  protected transferEncodingField(value: string, start: number): boolean {
    this.teSeen = true;
    let chunkedLast = false;
    let p = 0;
    while (p <= value.length) {
      let q = value.indexOf(',', p);
      if (q < 0) q = value.length;
      const coding = trimOws(value.slice(p, q)).toLowerCase();
      if (coding.length > 0) {
        if (this.teChunkedSeen && this.isRequest && !this.lenient.transferEncoding) {
          const at = chunkedLast || p > 0 ? start + p : start + 1;
          this.fail('INVALID_TRANSFER_ENCODING', at, 'Invalid `Transfer-Encoding` header value');
          return true;
        }
        chunkedLast = coding === 'chunked';
        if (chunkedLast) this.teChunkedSeen = true;
      }
      p = q + 1;
    }
    this.teChunked = chunkedLast;
    return false;
  }

  protected connectionField(value: string): void {
    // The spellings browsers and most clients send need no lowercasing.
    const whole = value === 'keep-alive' || value === 'close' ? value : value.toLowerCase();
    if (whole === 'keep-alive') {
      this.connKeepAlive = true;
      return;
    }
    if (whole === 'close') {
      this.connClose = true;
      return;
    }
    for (const part of value.split(',')) {
      const token = trimOws(part).toLowerCase();
      if (token === 'close') this.connClose = true;
      else if (token === 'keep-alive') this.connKeepAlive = true;
      else if (token === 'upgrade') this.connUpgrade = true;
    }
  }

  // ---- head and message boundaries ----

  /** The empty line ending the head (or trailer section) ends at absolute offset `end`. */
  protected headComplete(end: number): boolean {
    const emptyLine = this.lineEndStart;
    if (this.trailer) {
      this.onChunkComplete(emptyLine, end - emptyLine);
      this.messageDone(end);
      return false;
    }
    const isRequest = this.isRequest;
    const v11 = this.major > 1 || (this.major === 1 && this.minor >= 1);
    let keepAlive = v11 ? !this.connClose : this.connKeepAlive && !this.connClose;
    let framing: BodyFraming;
    let upgrade = false;
    let invalidTe = false;
    let method: string | null = null;
    const status = this.statusCode;
    if (isRequest) {
      method = this.method;
      if (method === 'CONNECT') {
        framing = 'tunnel';
        upgrade = true;
      } else {
        upgrade = this.hasUpgrade && this.connUpgrade;
        if (this.teSeen && !this.teChunked) {
          // No way to tell where the body ends (RFC 9112 §6.3): an error unless lenient.
          framing = 'close-delimited';
          keepAlive = false;
          invalidTe = !this.lenient.transferEncoding && !this.lenient.chunkedLength;
        } else if (this.teChunked) framing = 'chunked';
        else if (this.contentLength > 0) framing = 'content-length';
        else framing = 'none';
      }
    } else {
      // Only 1xx is informational (RFC 9110 §15.2); any other three digits answer the request.
      const informational = status >= 100 && status < 200;
      method = informational ? (this.methodQueue[0] ?? null) : (this.methodQueue.shift() ?? null);
      if (status === 101 && this.hasUpgrade && this.connUpgrade) {
        framing = 'tunnel';
        upgrade = true;
      } else if (method === 'CONNECT' && status >= 200 && status < 300) {
        framing = 'tunnel';
        upgrade = true;
      } else if (method === 'HEAD' || statusHasNoContent(status)) {
        framing = 'none';
      } else if (this.teSeen) {
        framing = this.teChunked ? 'chunked' : 'close-delimited';
      } else if (this.contentLength >= 0) {
        framing = this.contentLength > 0 ? 'content-length' : 'none';
      } else {
        framing = 'close-delimited';
      }
      if (framing === 'close-delimited') keepAlive = false;
    }
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.onHead(
      emptyLine,
      end - emptyLine,
      framing,
      this.contentLength >= 0 ? this.contentLength : null,
      keepAlive,
      upgrade,
      isRequest ? method : null,
    );
    if (invalidTe) {
      this.fail('INVALID_TRANSFER_ENCODING', end, 'Request has invalid `Transfer-Encoding`');
      return true;
    }
    if (framing === 'content-length' && this.contentLength > this.limits.maxBodyBytes) {
      this.fail('BODY_TOO_LARGE', end);
      return true;
    }
    switch (framing) {
      case 'none':
      case 'tunnel':
        this.messageDone(end);
        break;
      case 'content-length':
        this.remaining = this.contentLength;
        this.state = BODY_CL;
        break;
      case 'chunked':
        this.state = CHUNK_SIZE_START;
        break;
      case 'close-delimited':
        this.state = BODY_EOF;
        break;
    }
    return false;
  }
}
