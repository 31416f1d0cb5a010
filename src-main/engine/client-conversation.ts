// The client's side of an HTTP/1.x connection as a sans-IO conversation, the counterpart of
// server-conversation.ts: the request bytes say what is asked (so a response to HEAD or CONNECT
// is framed right), response bytes go in, actions come out. It owns the rules a user agent
// applies to what a server sends: interim (1xx) and final responses, obs-fold replaced by SP
// (RFC 9112 §5.2), a tunnel after 101 or a successful CONNECT, and when every answer is in.
//
// Shaped for streaming like its counterpart: a response's head is an action as soon as it is
// complete; in 'stream' mode its body follows piece by piece (views valid until the next
// `receive`), so a proxy can pass a response on as it arrives.

import { statusForError } from './errors';
import type { ErrorEvent } from './events';
import {
  type AssembledMessage,
  type AssemblyEvent,
  type MessageHead,
  type PartialHead,
} from './message';
import { MessageParser, readMessages } from './message-parser';
import type { ConversationError } from './server-conversation';

export type ClientAction =
  /** A response head: `interim` for 1xx other than 101 (a final response follows). */
  | { type: 'head'; index: number; head: MessageHead; interim: boolean }
  /** 'stream' mode: decoded body bytes, a view valid until the next `receive`. */
  | { type: 'body'; index: number; offset: number; data: Uint8Array }
  /** A complete response; its body is empty in 'stream' mode. */
  | { type: 'response'; index: number; message: AssembledMessage; interim: boolean }
  /** The bytes are not (valid) HTTP; nothing more is parsed. */
  | { type: 'error'; error: ConversationError; head: PartialHead | MessageHead | null }
  /** Every request sent has its final response. */
  | { type: 'done' }
  /** Bytes after 101 Switching Protocols or a successful CONNECT (a view). */
  | { type: 'tunnel'; offset: number; data: Uint8Array };

export interface ClientConversationOptions {
  /** 'collect' (default) keeps each body for its `response`; 'stream' passes it on. */
  body?: 'collect' | 'stream';
  /** The methods of the requests sent, when the caller has them: the request bytes are not read. */
  methods?: readonly string[];
}

/** The methods of the complete requests in `bytes`, in order (HEAD and CONNECT change framing). */
export function requestMethods(bytes: Uint8Array): string[] {
  const methods: string[] = [];
  for (const message of readMessages('request', bytes, { final: true }).messages) {
    methods.push(message.head.method ?? 'GET');
    // The bytes after an accepted Upgrade or CONNECT are not requests.
    if (message.head.upgrade) break;
  }
  return methods;
}

export class ClientConversation {
  /** The parser in message mode: heads, bodies and messages, no token events. */
  private readonly parser: MessageParser;
  /** Final responses expected: one per request sent (null when the bytes are not requests). */
  readonly expected: number | null;
  private finals = 0;
  private responses = 0;
  private failed = false;
  private finished = false;

  /** `requestBytes`: what was sent, to know how many answers to expect and how each is framed. */
  constructor(requestBytes: Uint8Array, options: ClientConversationOptions = {}) {
    const methods =
      options.methods !== undefined ? [...options.methods] : requestMethods(requestBytes);
    this.expected = methods.length > 0 ? methods.length : null;
    this.parser = new MessageParser(
      'response',
      { requestMethods: methods, replaceObsFold: true },
      { body: options.body ?? 'collect' },
    );
  }

  /** True once the reply was found not to be HTTP. */
  get broken(): boolean {
    return this.failed;
  }

  /** True once every expected final response arrived. */
  get complete(): boolean {
    return this.expected !== null && this.finals >= this.expected;
  }

  /** The next bytes the server sent. */
  receive(chunk: Uint8Array): ClientAction[] {
    if (this.failed) return [];
    return this.apply(this.safely(() => this.parser.push(chunk)));
  }

  /** The server closed the connection: a close-delimited body ends, a cut message is an error. */
  end(): ClientAction[] {
    if (this.failed || this.finished) return [];
    this.finished = true;
    return this.apply(this.safely(() => this.parser.finish()));
  }

  private apply(events: AssemblyEvent[]): ClientAction[] {
    const out: ClientAction[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'head':
          out.push({
            type: 'head',
            index: this.responses,
            head: event.head,
            interim: isInterim(event.head.status),
          });
          break;
        case 'body':
          out.push({ type: 'body', index: this.responses, offset: event.offset, data: event.data });
          break;
        case 'message': {
          const interim = isInterim(event.message.head.status);
          out.push({ type: 'response', index: this.responses++, message: event.message, interim });
          if (!interim) {
            this.finals++;
            if (this.expected !== null && this.finals === this.expected) out.push({ type: 'done' });
          }
          break;
        }
        case 'tunnel':
          out.push({ type: 'tunnel', offset: event.offset, data: event.data });
          break;
        case 'error': {
          this.failed = true;
          const { code, offset, reason, status } = event.error;
          out.push({ type: 'error', error: { code, offset, reason, status }, head: event.head });
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  /** The parser never throws by contract; should it, the reply is reported as unparsable. */
  private safely(run: () => AssemblyEvent[]): AssemblyEvent[] {
    try {
      return run();
    } catch (error) {
      const code = 'INVALID_EOF_STATE';
      const reason = error instanceof Error ? error.message : String(error);
      const status = statusForError(code);
      const failure: ErrorEvent = { type: 'error', code, offset: 0, length: 0, reason, status };
      return [{ type: 'error', error: failure, head: null, body: new Uint8Array(0) }];
    }
  }
}

/** 1xx responses other than 101 are interim: the final response follows (RFC 9110 §15.2). */
function isInterim(status: number | null): boolean {
  return status !== null && status >= 100 && status < 200 && status !== 101;
}
