// Frame handling shared by every transport (WebSocket and Electron IPC): incoming frames are
// untrusted, so they are validated here before anything reaches the Core, and every failure
// becomes an `ok: false` reply instead of an exception.

import {
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type CommandFrame,
  type CommandName,
  type CommandParams,
  type CoreApi,
  type CoreEvent,
  type ServerFrame,
} from '../protocol/types';
import { isPartFrame, PartJoiner, splitIntoParts } from '../protocol/parts';
import { ExchangeInterest, rowsOfReply } from '../protocol/exchange-interest';
import { ChannelThinning } from './channel-thinning';

/** Every command a client may call; a `Record` so a new command cannot be forgotten here. */
const COMMANDS: Record<CommandName, true> = {
  snapshot: true,
  'server.start': true,
  'server.stop': true,
  'store.fsync': true,
  'settings.lessonSeen': true,
  'settings.get': true,
  'settings.set': true,
  'rules.get': true,
  'rules.set': true,
  'rules.recover': true,
  'exchange.bytes': true,
  'bytes.get': true,
  'bytes.times': true,
  'replay.send': true,
  'replay.history': true,
  'session.list': true,
  'session.new': true,
  'session.open': true,
  'session.rename': true,
  'session.delete': true,
  'session.clear': true,
  'export.har': true,
  'import.har': true,
  'import.har.begin': true,
  'import.har.chunk': true,
  'import.har.end': true,
  'import.har.cancel': true,
  'export.har.save': true,
  'exchanges.rows': true,
  'exchanges.indexOf': true,
  'intercept.status': true,
  'intercept.launch': true,
  'intercept.close': true,
  'exchange.curl': true,
  'exchange.rule': true,
  'holds.list': true,
  'holds.release': true,
  'holds.abort': true,
};

/** The id used in replies to frames too broken to carry a usable id of their own. */
export const UNKNOWN_FRAME_ID = -1;

export type FrameCheck =
  | { ok: true; frame: CommandFrame }
  | { ok: false; id: number; code: 'BAD_FRAME' | 'UNKNOWN_COMMAND'; message: string };

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isFrameId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Checks the envelope of a client frame; the Core validates the params of each command. */
export function checkClientFrame(value: unknown): FrameCheck {
  if (!isPlainObject(value)) {
    return {
      ok: false,
      id: UNKNOWN_FRAME_ID,
      code: 'BAD_FRAME',
      message: 'A frame must be a JSON object.',
    };
  }
  const id = isFrameId(value.id) ? value.id : UNKNOWN_FRAME_ID;
  if (value.kind !== 'command') {
    return { ok: false, id, code: 'BAD_FRAME', message: 'Unknown frame kind; expected "command".' };
  }
  if (!isFrameId(value.id)) {
    return {
      ok: false,
      id,
      code: 'BAD_FRAME',
      message: 'A command frame needs a non-negative integer id.',
    };
  }
  if (!isCommandName(value.name)) {
    const shown = typeof value.name === 'string' ? value.name.slice(0, 64) : typeof value.name;
    return { ok: false, id, code: 'UNKNOWN_COMMAND', message: `Unknown command: ${shown}.` };
  }
  const params = value.params === undefined ? {} : value.params;
  if (!isPlainObject(params)) {
    return { ok: false, id, code: 'BAD_FRAME', message: 'Command params must be an object.' };
  }
  return { ok: true, frame: { kind: 'command', id: value.id, name: value.name, params } };
}

/** Parses a WebSocket text frame; binary or non-JSON data yields a check failure. */
export function parseFrameText(text: string): FrameCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      id: UNKNOWN_FRAME_ID,
      code: 'BAD_FRAME',
      message: 'A frame must be valid JSON.',
    };
  }
  return checkClientFrame(value);
}

function errorCode(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
  ) {
    return error.code;
  }
  return 'COMMAND_FAILED';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'The command failed.';
}

/** Runs one checked command on the Core; never rejects. */
export async function runCommand(core: CoreApi, frame: CommandFrame): Promise<ServerFrame> {
  try {
    // checkClientFrame guarantees a known name and an object; the Core checks the fields.
    const params = frame.params as CommandParams<typeof frame.name>;
    const result = await core.call(frame.name, params);
    return { kind: 'reply', id: frame.id, ok: true, result: result === undefined ? null : result };
  } catch (error) {
    return {
      kind: 'reply',
      id: frame.id,
      ok: false,
      error: { code: errorCode(error), message: errorMessage(error) },
    };
  }
}

/** Turns any incoming value (already decoded) into the reply frame to send back. */
export async function replyTo(core: CoreApi, value: FrameCheck): Promise<ServerFrame> {
  if (!value.ok) {
    return {
      kind: 'reply',
      id: value.id,
      ok: false,
      error: { code: value.code, message: value.message },
    };
  }
  return runCommand(core, value.frame);
}

export function helloFrame(): ServerFrame {
  return { kind: 'hello', version: PROTOCOL_VERSION };
}

export function eventsFrame(events: CoreEvent[]): ServerFrame {
  return { kind: 'events', events };
}

/** One frame as it goes out: its JSON text (at most MAX_FRAME_BYTES) and the same as an object. */
export interface OutFrame {
  text: string;
  frame: ServerFrame;
}

/** Envelope of an events frame around the comma-joined JSON of its events. */
const EVENTS_HEAD = '{"kind":"events","events":[';
const EVENTS_TAIL = ']}';

function utf8Length(text: string): number {
  // Most text is ASCII: only a long one can be over the bound, and only then is it measured.
  return text.length * 3 <= MAX_FRAME_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
}

/** A frame's JSON text as frames that each fit the bound: itself, or its parts. */
export function encodeFrame(frame: ServerFrame): OutFrame[] {
  const text = JSON.stringify(frame);
  if (utf8Length(text) <= MAX_FRAME_BYTES) return [{ text, frame }];
  return splitIntoParts(text).map((part) => ({ text: JSON.stringify(part), frame: part }));
}

/**
 * A batch of events as frames under the bound: split between events, and an event too big for
 * a frame of its own travels in parts.
 */
export function encodeEvents(events: CoreEvent[]): OutFrame[] {
  const out: OutFrame[] = [];
  const room = MAX_FRAME_BYTES - EVENTS_HEAD.length - EVENTS_TAIL.length;
  let texts: string[] = [];
  let objects: CoreEvent[] = [];
  let bytes = 0;
  const seal = (): void => {
    if (objects.length === 0) return;
    out.push({
      text: EVENTS_HEAD + texts.join(',') + EVENTS_TAIL,
      frame: { kind: 'events', events: objects },
    });
    texts = [];
    objects = [];
    bytes = 0;
  };
  for (const event of events) {
    const text = JSON.stringify(event);
    const size = utf8Length(text);
    if (size > room) {
      seal();
      out.push(...encodeFrame({ kind: 'events', events: [event] }));
      continue;
    }
    if (bytes + size + 1 > room) seal();
    texts.push(text);
    objects.push(event);
    bytes += size + 1;
  }
  seal();
  return out;
}

/** The exchange a `watch` frame names, or undefined when the value is no watch frame. */
function watchedBy(value: unknown): string | null | undefined {
  if (!isPlainObject(value) || value.kind !== 'watch') return undefined;
  const { exchangeId } = value;
  return typeof exchangeId === 'string' && exchangeId.length <= 256 ? exchangeId : null;
}

/**
 * Joins incoming part frames; hands every whole frame, decoded, to `receive`, and the exchange
 * of each `watch` frame to `watch`.
 */
export class IncomingFrames {
  private readonly joiner = new PartJoiner(MAX_MESSAGE_BYTES);

  constructor(
    private readonly receive: (check: FrameCheck) => void,
    private readonly watch: (exchangeId: string | null) => void = () => undefined,
  ) {}

  /** A decoded frame (IPC) or a part of one. */
  value(value: unknown): void {
    const watched = watchedBy(value);
    if (watched !== undefined) {
      this.watch(watched);
      return;
    }
    if (!isPartFrame(value)) {
      this.receive(checkClientFrame(value));
      return;
    }
    const joined = this.joiner.push(value);
    if (joined.kind === 'text') this.receive(parseFrameText(joined.text));
    else if (joined.kind === 'tooLarge') {
      this.receive({
        ok: false,
        id: UNKNOWN_FRAME_ID,
        code: 'BAD_FRAME',
        message: `A message may be at most ${joined.limit} characters.`,
      });
    }
  }

  /** A WebSocket text frame. */
  text(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.receive(parseFrameText(text));
      return;
    }
    this.value(value);
  }
}

export interface FrameChannel {
  /** Hands one decoded incoming frame (or its check failure) to the Core. */
  receive(check: FrameCheck): void;
  /** Incoming frames, parts joined. */
  readonly incoming: IncomingFrames;
  /** Stops event delivery; replies still in flight are dropped. */
  close(): void;
}

export interface FrameChannelOptions {
  /** Forward raw `data` events too (default false: the UI fetches bytes when it shows them). */
  data?: boolean;
  /** Pass on every exchange update, not only those the client is interested in (default false). */
  everyExchange?: boolean;
}

/**
 * One client of the Core over any transport: says hello, forwards event batches, answers
 * commands. Every frame it sends fits MAX_FRAME_BYTES (`text` is its JSON). `send` must not
 * throw; a closed channel sends nothing more.
 */
export function openFrameChannel(
  core: CoreApi,
  send: (frame: ServerFrame, text: string) => void,
  options: FrameChannelOptions = {},
): FrameChannel {
  let open = true;
  const deliver = (frames: OutFrame[]): void => {
    for (const out of frames) if (open) send(out.frame, out.text);
  };
  const interest = new ExchangeInterest();
  const thinning = options.everyExchange === true ? null : new ChannelThinning(interest);
  deliver(encodeFrame(helloFrame()));
  const unsubscribe = core.subscribe(
    (batch) => {
      const events = thinning === null ? batch : thinning.thin(batch);
      if (events.length > 0) deliver(encodeEvents(events));
    },
    {
      data: options.data === true,
      ...(thinning === null ? {} : { interest: thinning }),
    },
  );
  const receive = (check: FrameCheck): void => {
    if (!open) return;
    void replyTo(core, check).then((reply) => {
      // Rows the client is given: their updates from now on reach it.
      if (reply.kind === 'reply' && reply.ok) interest.watchRows(rowsOfReply(reply.result));
      deliver(encodeFrame(reply));
    });
  };
  return {
    receive,
    incoming: new IncomingFrames(receive, (exchangeId) => interest.pin(exchangeId)),
    close() {
      if (!open) return;
      open = false;
      unsubscribe();
    },
  };
}
