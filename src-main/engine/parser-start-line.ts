// The start line of the graph (parser-core.ts): request-line = method SP request-target SP
// HTTP-version (RFC 9112 §3), status-line = HTTP-version SP status-code SP [ reason-phrase ]
// (§4). Each state reads what it is named for and returns the index of the next byte, or -1
// after an error.
import { ParserBase } from './parser-base';
import { REASON, TARGET, TOKEN } from './parser-tables';
import {
  CR,
  FIRST_FIELD,
  HTTP_LITERAL,
  IDLE,
  LF,
  LINE_LF,
  METHOD,
  PROTO,
  REASON_S,
  REQ_LINE_END,
  SP,
  STATUS_END,
  STATUS_S,
  TARGET_S,
  TARGET_START,
  V_DOT,
  V_MAJOR,
  V_MINOR,
} from './parser-states';
import { parseTarget } from './target';

export abstract class StartLineParser extends ParserBase {
  /** One step of the start line at local `i` (the head ends before `end`). */
  protected startLine(chunk: Uint8Array, i: number, end: number): number {
    const base = this.base;
    const c = chunk[i];
    switch (this.state) {
      case IDLE: {
        // Empty lines before a message are ignored (RFC 9112 §2.2).
        if (c === CR || c === LF) return i + 1;
        if (this.fast && this.isRequest && TOKEN[c] === 1) {
          const next = this.requestLine(chunk, i);
          if (next !== i) return next;
        }
        this.beginMessage(base + i);
        if (this.isRequest) {
          this.state = METHOD;
          this.startToken(base + i);
        } else {
          this.state = PROTO;
          this.versionStart = base + i;
        }
        return i;
      }

      // ---- request line ----
      case METHOD: {
        while (i < end && TOKEN[chunk[i]] === 1) i++;
        if (i === end) return i;
        if (chunk[i] === SP && base + i > this.tokStart) {
          this.method = this.takeToken(chunk, i);
          this.onToken('method', this.msgStart, base + i - this.msgStart, this.method);
          this.state = TARGET_START;
          return i + 1;
        }
        this.fail('INVALID_METHOD', base + i);
        return -1;
      }
      case TARGET_START: {
        if (TARGET[c] !== 1) {
          this.fail('INVALID_TARGET', base + i, 'Invalid char in request-target');
          return -1;
        }
        this.startToken(base + i);
        this.state = TARGET_S;
        return i;
      }
      case TARGET_S: {
        const limitLocal = this.tokStart + this.limits.maxTargetLength - base;
        const stop = limitLocal < end ? Math.max(limitLocal, i) : end;
        while (i < stop && TARGET[chunk[i]] === 1) i++;
        if (i === end) return i;
        const t = chunk[i];
        if (TARGET[t] === 1) {
          this.fail('TARGET_TOO_LONG', base + i);
          return -1;
        }
        if (t === SP) {
          const start = this.tokStart;
          const value = this.takeToken(chunk, i);
          if (this.targetFormInvalid(value, start)) return -1;
          this.onToken('target', start, base + i - start, value);
          this.state = PROTO;
          this.literalIndex = 0;
          this.versionStart = base + i + 1;
          return i + 1;
        }
        if (t === CR || t === LF) {
          this.fail('INVALID_VERSION', base + i, 'Missing HTTP version');
          return -1;
        }
        this.fail('INVALID_TARGET', base + i, 'Invalid char in request-target');
        return -1;
      }

      // ---- version (both kinds) ----
      case PROTO: {
        if (this.fast && this.literalIndex === 0) {
          const next = this.versionAt(chunk, i, end);
          if (next !== i) return next;
        }
        if (c !== HTTP_LITERAL[this.literalIndex]) {
          this.fail('INVALID_CONSTANT', base + i, 'Expected HTTP/');
          return -1;
        }
        if (++this.literalIndex === 5) this.state = V_MAJOR;
        return i + 1;
      }
      case V_MAJOR: {
        if (c < 0x30 || c > 0x39) {
          this.fail('INVALID_VERSION', base + i, 'Invalid major version');
          return -1;
        }
        this.major = c - 0x30;
        this.state = V_DOT;
        return i + 1;
      }
      case V_DOT: {
        if (c !== 0x2e) {
          this.fail('INVALID_VERSION', base + i, 'Expected dot');
          return -1;
        }
        this.state = V_MINOR;
        return i + 1;
      }
      case V_MINOR: {
        if (c < 0x30 || c > 0x39) {
          this.fail('INVALID_VERSION', base + i, 'Invalid minor version');
          return -1;
        }
        this.minor = c - 0x30;
        return this.versionDone(base + i + 1) ? -1 : i + 1;
      }
      case REQ_LINE_END: {
        if (c === CR) {
          this.state = LINE_LF;
          return i + 1;
        }
        if (c === LF && this.lenient.optionalCrBeforeLf) {
          this.state = FIRST_FIELD;
          return i + 1;
        }
        this.fail(
          'INVALID_VERSION',
          c === LF ? base + i + 1 : base + i,
          'Expected CRLF after version',
        );
        return -1;
      }

      // ---- status line ----
      case STATUS_S: {
        if (this.statusDigits < 0) {
          if (c !== SP) {
            this.fail('INVALID_VERSION', base + i, 'Expected space after version');
            return -1;
          }
          this.statusDigits = 0;
          this.statusCode = 0;
          this.statusStart = base + i + 1;
          return i + 1;
        }
        if (c < 0x30 || c > 0x39) {
          this.fail('INVALID_STATUS', base + i, 'Invalid status code');
          return -1;
        }
        this.statusCode = this.statusCode * 10 + (c - 0x30);
        if (++this.statusDigits === 3) this.state = STATUS_END;
        return i + 1;
      }
      case STATUS_END: {
        if (c === SP || c === CR || c === LF) {
          this.onStatus(this.statusStart, this.statusCode);
          this.state = REASON_S;
          if (c === SP) i++;
          this.reasonStart = base + i;
          this.startToken(this.reasonStart);
          return i;
        }
        this.fail('INVALID_STATUS', base + i, 'Invalid status code');
        return -1;
      }
      case REASON_S: {
        let k: number;
        while (i < end && (k = REASON[chunk[i]]) !== 0) {
          if (k === 2) this.high = true;
          i++;
        }
        if (i === end) return i;
        const r = chunk[i];
        if (r === CR || (r === LF && this.lenient.optionalCrBeforeLf)) {
          this.pendingValue = this.takeToken(chunk, i);
          this.pendingEnd = base + i;
          if (r === LF) this.reasonDone();
          this.state = r === CR ? LINE_LF : FIRST_FIELD;
          return i + 1;
        }
        if (r === LF) {
          this.fail('BARE_LF', base + i + 1, 'Missing expected CR after response line');
          return -1;
        }
        this.fail('INVALID_REASON', base + i, 'Invalid char in reason phrase');
        return -1;
      }
      default:
        return -1;
    }
  }

  /**
   * Checks the request-target against the four forms of RFC 9112 §3.2 and the methods that may
   * use them: origin-form (`/…`), absolute-form (`scheme://…`), authority-form (`host:port`, for
   * CONNECT only) and asterisk-form (`*`, for OPTIONS only). The common origin-form is known by
   * its first byte (its bytes were checked on the way). `start` is the target's absolute offset.
   */
  protected targetFormInvalid(target: string, start: number): boolean {
    const connect = this.method === 'CONNECT';
    const first = target.charCodeAt(0);
    if (first === 0x2f && !connect) return false;
    if (first === 0x2a && target.length === 1) {
      if (this.method === 'OPTIONS') return false;
      this.fail('INVALID_TARGET', start, 'The asterisk-form is only for OPTIONS');
      return true;
    }
    const parsed = parseTarget(target, { connect });
    if (parsed.error !== null) {
      this.fail('INVALID_TARGET', start + parsed.error.offset, parsed.error.reason);
      return true;
    }
    if (connect && (parsed.userinfo !== null || parsed.port === null)) {
      this.fail('INVALID_TARGET', start, 'CONNECT needs a target of the form host:port');
      return true;
    }
    return false;
  }

  /**
   * The version token ends at absolute `end`. Any HTTP/1.x is read, a minor version above 1 as
   * HTTP/1.1 (RFC 9110 §2.5); HTTP/0.9 and 2.0 are reported for the server to refuse (505).
   */
  protected versionDone(end: number): boolean {
    const v = this.major * 10 + this.minor;
    if (this.major !== 1 && v !== 9 && v !== 20 && !this.lenient.version) {
      this.fail('UNSUPPORTED_VERSION', end, 'Invalid HTTP version');
      return true;
    }
    this.onVersion(this.versionStart, end - this.versionStart);
    this.state = this.isRequest ? REQ_LINE_END : STATUS_S;
    this.statusDigits = -1;
    return false;
  }

  protected reasonDone(): void {
    this.onToken('reason', this.reasonStart, this.pendingEnd - this.reasonStart, this.pendingValue);
  }
}
