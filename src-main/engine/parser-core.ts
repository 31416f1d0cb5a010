// The HTTP/1.x parser as a graph (after llhttp's src/llhttp/http.ts): each state is named by
// what it expects next, and each failure edge has its code. One loop runs the states; the
// start line, field lines, "LF after CR", bodies and chunk lines each have their method, and the
// fast paths that take whole lines at once are gathered in parser-fast.ts. Error offsets follow
// llhttp's where it reports a byte after the offending one (a bare LF, a space after the start
// line, data after close, whitespace after a chunk size), so the engine can be checked against
// its corpus.
//
// | state                 | expects                            | next                                   | error                      |
// | --------------------- | ---------------------------------- | -------------------------------------- | -------------------------- |
// | IDLE                  | CR/LF (skipped), a message         | METHOD (request), PROTO (response)     |                            |
// | METHOD                | tchar…, SP                         | TARGET_START                           | INVALID_METHOD             |
// | TARGET_START          | a target byte (VCHAR)              | TARGET_S                               | INVALID_TARGET             |
// | TARGET_S              | VCHAR…, SP; its form (§3.2)        | PROTO                                  | TARGET_TOO_LONG, INVALID_TARGET, INVALID_VERSION (line end) |
// | PROTO                 | "HTTP/"                            | V_MAJOR                                | INVALID_CONSTANT           |
// | V_MAJOR, V_DOT, V_MINOR | DIGIT "." DIGIT                  | REQ_LINE_END (request), STATUS_S       | INVALID_VERSION, UNSUPPORTED_VERSION (not 1.x, 0.9, 2.0) |
// | REQ_LINE_END          | CR (LF when lenient)               | LINE_LF                                | INVALID_VERSION            |
// | STATUS_S              | SP, then 3 DIGIT                   | STATUS_END                             | INVALID_VERSION, INVALID_STATUS |
// | STATUS_END            | SP, CR or LF                       | REASON_S                               | INVALID_STATUS             |
// | REASON_S              | reason bytes…, CR                  | LINE_LF                                | INVALID_REASON, BARE_LF    |
// | LINE_LF               | LF (optional when lenient)         | FIRST_FIELD                            | BARE_CR                    |
// | FIRST_FIELD           | not SP/HTAB                        | LINE_START                             | OBS_FOLD                   |
// | LINE_START            | CR (empty line) or tchar           | HEAD_END_LF, NAME                      | BARE_LF, INVALID_HEADER_TOKEN, TOO_MANY_HEADERS |
// | NAME                  | tchar…, ":" (SP/HTAB: NAME_WS)     | VALUE_OWS                              | INVALID_HEADER_TOKEN, CONTENT_LENGTH_WITH_TRANSFER_ENCODING |
// | NAME_WS               | ":" (lenient only)                 | VALUE_OWS                              | WHITESPACE_BEFORE_COLON, INVALID_HEADER_TOKEN |
// | VALUE_OWS             | OWS…, a value byte or CR           | VALUE, VALUE_LF                        | NUL_BYTE, INVALID_HEADER_VALUE, CONFLICTING_CONTENT_LENGTH, BARE_LF (EMPTY_VALUE_LF) |
// | VALUE                 | value bytes…, CR                   | VALUE_LF                               | NUL_BYTE, INVALID_HEADER_VALUE, INVALID_CONTENT_LENGTH, BARE_LF |
// | VALUE_LF              | LF (optional when lenient)         | VALUE_EOL                              | BARE_CR                    |
// | VALUE_EOL             | not SP/HTAB (else a fold)          | LINE_START (field done), VALUE (fold)  | OBS_FOLD, INVALID_TRANSFER_ENCODING, INVALID_CONTENT_LENGTH |
// | HEAD_END_LF           | LF (optional when lenient)         | the body's state by the framing        | BARE_CR, INVALID_TRANSFER_ENCODING, BODY_TOO_LARGE |
// | BODY_CL               | Content-Length bytes               | IDLE / CLOSED / TUNNEL                 |                            |
// | BODY_EOF              | bytes to the end of the stream     | (finish)                               | BODY_TOO_LARGE             |
// | CHUNK_SIZE_START      | HEXDIG                             | CHUNK_SIZE                             | INVALID_CHUNK_SIZE         |
// | CHUNK_SIZE            | HEXDIG…, then CR, ";" or BWS       | CHUNK_SIZE_LF, CHUNK_EXT_NAME_START, CHUNK_SIZE_WS | INVALID_CHUNK_SIZE |
// | CHUNK_SIZE_WS         | BWS…, ";" (CR when lenient)        | CHUNK_EXT_NAME_START                   | INVALID_CHUNK_SIZE         |
// | CHUNK_EXT_NAME_START  | BWS…, tchar                        | CHUNK_EXT_NAME                         | INVALID_CHUNK_EXTENSION    |
// | CHUNK_EXT_NAME        | tchar…, then "=", ";", BWS or CR   | CHUNK_EXT_VALUE_START, CHUNK_EXT_NAME_BWS, CHUNK_SIZE_LF | INVALID_CHUNK_EXTENSION |
// | CHUNK_EXT_NAME_BWS    | BWS…, "=" or ";"                   | CHUNK_EXT_VALUE_START, CHUNK_EXT_NAME_START | INVALID_CHUNK_EXTENSION |
// | CHUNK_EXT_VALUE_START | BWS…, tchar or DQUOTE              | CHUNK_EXT_VALUE, CHUNK_EXT_QUOTED      | INVALID_CHUNK_EXTENSION    |
// | CHUNK_EXT_VALUE       | tchar…, then ";", BWS or CR        | CHUNK_EXT_NAME_START, CHUNK_EXT_VALUE_BWS, CHUNK_SIZE_LF | INVALID_CHUNK_EXTENSION |
// | CHUNK_EXT_QUOTED(_ESC)| qdtext or quoted-pair, DQUOTE      | CHUNK_EXT_AFTER_QUOTED                 | INVALID_CHUNK_EXTENSION    |
// | CHUNK_EXT_AFTER_QUOTED| ";", BWS or CR                     | CHUNK_EXT_NAME_START, CHUNK_EXT_VALUE_BWS, CHUNK_SIZE_LF | INVALID_CHUNK_EXTENSION |
// | CHUNK_EXT_VALUE_BWS   | BWS…, ";"                          | CHUNK_EXT_NAME_START                   | INVALID_CHUNK_EXTENSION    |
// | CHUNK_SIZE_LF         | LF (optional when lenient)         | CHUNK_DATA, LINE_START (trailers)      | INVALID_CHUNK_SIZE, BODY_TOO_LARGE |
// | CHUNK_DATA            | chunk-size bytes                   | CHUNK_DATA_CR                          |                            |
// | CHUNK_DATA_CR         | CR                                 | CHUNK_DATA_LF                          | INVALID_CHUNK_DATA_END     |
// | CHUNK_DATA_LF         | LF (optional when lenient)         | CHUNK_SIZE_START                       | INVALID_CHUNK_DATA_END     |
// | TUNNEL                | anything (tunnel bytes)            | TUNNEL                                 |                            |
// | CLOSED                | CR/LF only                         | CLOSED                                 | DATA_AFTER_CLOSE           |
//
// Every state of the head (METHOD to HEAD_END_LF, and the trailer section) also fails with
// HEADER_TOO_LARGE at the byte where the head limit is reached; finish() fails with
// INVALID_EOF_STATE in any state but IDLE, CLOSED, TUNNEL and BODY_EOF.
import type { BodyFraming, ErrorCode, ParserEvent, ParserOptions } from './events';
import { MIN_REGION } from './parser-base';
import { FastPaths } from './parser-fast';
import {
  BODY_EOF,
  CHUNK_DATA_LF,
  CHUNK_SIZE_LF,
  CLOSED,
  CRLF,
  CR_ONLY,
  FAILED,
  FIRST_FIELD,
  GROUP,
  G_BODY,
  G_CHUNK_LINE,
  G_FIELD_LINE,
  G_LINE_FEED,
  G_START_LINE,
  HEAD_END,
  HEAD_END_LF,
  IDLE,
  LF,
  LINE_LF,
  TUNNEL,
  VALUE_EOL,
  VALUE_LF,
} from './parser-states';

export { DEFAULT_LIMITS } from './parser-base';

/** The failure edge of each state of the "LF after CR" node. */
const NO_LF: Record<number, [ErrorCode, string]> = {
  [LINE_LF]: ['BARE_CR', 'Expected LF after CR'],
  [VALUE_LF]: ['BARE_CR', 'Missing expected LF after header value'],
  [HEAD_END_LF]: ['BARE_CR', 'Expected LF after headers'],
  [CHUNK_SIZE_LF]: ['INVALID_CHUNK_SIZE', 'Expected LF after chunk size'],
  [CHUNK_DATA_LF]: ['INVALID_CHUNK_DATA_END', 'Expected LF after chunk data'],
};

/** The graph and its loop; the subclasses give the output (token events or messages). */
export abstract class ParserGraph extends FastPaths {
  get failed(): boolean {
    return this.state === FAILED;
  }

  expectResponseTo(method: string): void {
    this.methodQueue.push(method.toUpperCase());
  }

  /** Back to a fresh parser: offsets restart at 0 and the queue of request methods empties. */
  reset(): void {
    this.state = IDLE;
    this.base = 0;
    this.tokStart = -1;
    this.tokPart = '';
    this.high = false;
    this.upgrade = false;
    this.keepAlive = true;
    this.methodQueue.length = 0;
  }

  /** Parses the next bytes of the stream, reporting through the output hooks. */
  protected parse(chunk: Uint8Array): void {
    this.textFrom = 1;
    this.textTo = 0;
    this.regionSize = MIN_REGION;
    this.words = null;
    this.wordsChunk = null;
    this.run(chunk);
    this.words = null;
    this.wordsChunk = null;
    if (this.state !== FAILED && this.tokStart >= 0) {
      const from = Math.max(this.tokFrom - this.base, 0);
      this.tokPart += this.decode(chunk, from, chunk.length);
      this.tokFrom = this.base + chunk.length;
    }
    this.base += chunk.length;
  }

  /** End of stream: completes a close-delimited body, or reports a truncated message. */
  protected end(): void {
    const at = this.base;
    switch (this.state) {
      case IDLE:
      case CLOSED:
      case TUNNEL:
      case FAILED:
        break;
      case BODY_EOF:
        this.onComplete(at);
        this.state = CLOSED;
        break;
      default:
        this.fail('INVALID_EOF_STATE', at);
    }
  }

  /** The one loop: each step runs the method of the state's part; -1 stops after an error. */
  private run(chunk: Uint8Array): void {
    const len = chunk.length;
    let i = 0;
    while (i < len) {
      const state = this.state;
      // Token loops stop at the head limit too, so that no chunking emits more before the error.
      let end = len;
      if (state < HEAD_END && state > IDLE) {
        const limit = this.headLimit - this.base;
        if (i >= limit) {
          this.fail('HEADER_TOO_LARGE', this.headLimit);
          return;
        }
        if (limit < len) end = limit;
      }
      switch (GROUP[state]) {
        case G_START_LINE:
          i = this.startLine(chunk, i, end);
          break;
        case G_FIELD_LINE:
          i = this.fieldLine(chunk, i, end);
          break;
        case G_LINE_FEED:
          i = this.lineFeed(chunk, i);
          break;
        case G_BODY:
          i = this.body(chunk, i);
          break;
        case G_CHUNK_LINE:
          i = this.chunkLine(chunk, i);
          break;
        default:
          return;
      }
      if (i < 0) return;
    }
  }

  /**
   * The "LF after CR" node, one for the five places a line ends: the byte at local `i` follows a
   * CR. An LF ends the line; without it the line ends at the CR where a lenient flag allows it,
   * and otherwise the state's failure edge is taken.
   */
  private lineFeed(chunk: Uint8Array, i: number): number {
    const state = this.state;
    const lf = chunk[i] === LF;
    if (!lf && !this.lfOptional(state)) {
      const [code, reason] = NO_LF[state];
      const bareCr = state === VALUE_LF && this.pendingStart < 0;
      this.fail(code, this.base + i, bareCr ? 'Expected LF after CR' : reason);
      return -1;
    }
    const next = lf ? i + 1 : i;
    return this.lineEnd(state, this.base + next, lf) ? -1 : next;
  }

  private lfOptional(state: number): boolean {
    const lenient = this.lenient;
    if (lenient.optionalLfAfterCr) return true;
    if (state === VALUE_LF) return lenient.headers;
    return state === CHUNK_DATA_LF && lenient.optionalCrlfAfterChunk;
  }

  /** The line whose CR or CRLF ends at absolute `at` is done; true after an error. */
  private lineEnd(state: number, at: number, lf: boolean): boolean {
    switch (state) {
      case LINE_LF:
        if (!this.isRequest) this.reasonDone();
        this.state = FIRST_FIELD;
        return false;
      case VALUE_LF:
        this.lineEnding = lf ? CRLF : CR_ONLY;
        this.lineEndStart = at - this.lineEnding.length;
        this.state = VALUE_EOL;
        return false;
      case HEAD_END_LF:
        return this.headComplete(at);
      case CHUNK_SIZE_LF:
        return this.chunkHeaderDone(at);
      default:
        this.chunkDone(at);
        return false;
    }
  }
}

/** The parser in token mode: each push returns the events it completes. */
export class HttpParser extends ParserGraph {
  private out: ParserEvent[] = [];

  /** `fast` false runs every byte through the graph (the tests compare both ways). */
  constructor(isRequest: boolean, options: ParserOptions = {}, fast = true) {
    super(isRequest, options, fast);
  }

  push(chunk: Uint8Array): ParserEvent[] {
    if (this.state === FAILED) return [];
    const out: ParserEvent[] = [];
    this.out = out;
    this.parse(chunk);
    return out;
  }

  finish(): ParserEvent[] {
    const out: ParserEvent[] = [];
    this.out = out;
    this.end();
    return out;
  }

  protected onBegin(offset: number): void {
    this.out.push({ type: 'messageBegin', offset, length: 0 });
  }

  protected onToken(
    type: 'method' | 'target' | 'reason',
    offset: number,
    length: number,
    value: string,
  ): void {
    this.out.push({ type, offset, length, value });
  }

  protected onVersion(offset: number, length: number): void {
    this.out.push({ type: 'version', offset, length, major: this.major, minor: this.minor });
  }

  protected onStatus(offset: number, code: number): void {
    this.out.push({ type: 'status', offset, length: 3, code });
  }

  protected onField(
    type: 'headerName' | 'headerValue',
    offset: number,
    length: number,
    value: string,
  ): void {
    this.out.push({ type, offset, length, value });
  }

  protected onHead(
    offset: number,
    length: number,
    framing: BodyFraming,
    contentLength: number | null,
    keepAlive: boolean,
    upgrade: boolean,
    method: string | null,
  ): void {
    this.out.push({
      type: 'headersComplete',
      offset,
      length,
      framing,
      contentLength,
      keepAlive,
      upgrade,
      versionMajor: this.major,
      versionMinor: this.minor,
      method,
      statusCode: this.isRequest ? null : this.statusCode,
    });
  }

  protected pushBody(chunk: Uint8Array, i: number, n: number, base: number): void {
    this.out.push({ type: 'body', offset: base + i, length: n, data: chunk.subarray(i, i + n) });
  }

  protected onChunkHeader(offset: number, length: number, size: number, sizeLength: number): void {
    this.out.push({ type: 'chunkHeader', offset, length, size, sizeOffset: offset, sizeLength });
  }

  protected onExtension(
    type: 'chunkExtensionName' | 'chunkExtensionValue',
    offset: number,
    length: number,
    value: string,
  ): void {
    this.out.push({ type, offset, length, value });
  }

  protected onChunkComplete(offset: number, length: number): void {
    this.out.push({ type: 'chunkComplete', offset, length });
  }

  protected onComplete(at: number): void {
    this.out.push({ type: 'messageComplete', offset: at, length: 0 });
  }

  protected onTunnel(offset: number, data: Uint8Array): void {
    this.out.push({ type: 'tunnel', offset, length: data.length, data });
  }

  protected onError(code: ErrorCode, offset: number, reason: string, status: number): void {
    this.out.push({ type: 'error', offset, length: 0, code, reason, status });
  }
}
