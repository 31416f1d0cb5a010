// Incremental HTTP/1.x parsers (RFC 9112): bytes in, events with absolute byte spans out.
import type { ParserEvent, ParserOptions } from './events';
import { HttpParser } from './parser-core';

export { DEFAULT_LIMITS } from './parser-core';

/** Parses a stream of requests (keep-alive and pipelined messages follow one another). */
export class RequestParser {
  private readonly core: HttpParser;

  constructor(options?: ParserOptions) {
    this.core = new HttpParser(true, options);
  }

  /** Parses the next bytes of the stream; returns the events they complete. */
  push(chunk: Uint8Array): ParserEvent[] {
    return this.core.push(chunk);
  }

  /** End of stream: completes nothing for requests, or reports a truncated message. */
  finish(): ParserEvent[] {
    return this.core.finish();
  }

  /** Forgets everything, offsets included, as if newly created. */
  reset(): void {
    this.core.reset();
  }

  get failed(): boolean {
    return this.core.failed;
  }
}

/** Parses a stream of responses; tell it which requests they answer for HEAD and CONNECT. */
export class ResponseParser {
  private readonly core: HttpParser;
  private readonly options: ParserOptions | undefined;

  constructor(options?: ParserOptions) {
    this.options = options;
    this.core = new HttpParser(false, options);
  }

  push(chunk: Uint8Array): ParserEvent[] {
    return this.core.push(chunk);
  }

  /** End of stream: completes a close-delimited body, or reports a truncated message. */
  finish(): ParserEvent[] {
    return this.core.finish();
  }

  reset(): void {
    this.core.reset();
    for (const method of this.options?.requestMethods ?? []) this.core.expectResponseTo(method);
  }

  /** The next response answers a request with this method (queue: one per response). */
  expectResponseTo(method: string): void {
    this.core.expectResponseTo(method);
  }

  get failed(): boolean {
    return this.core.failed;
  }
}
