// Frame handling shared by every transport (WebSocket and Electron IPC): incoming frames are
// untrusted, so they are validated here before anything reaches the Core, and every failure
// becomes an `ok: false` reply instead of an exception.

import {
  PROTOCOL_VERSION,
  type ClientFrame,
  type CommandName,
  type CommandParams,
  type CoreApi,
  type CoreEvent,
  type ServerFrame,
} from '../protocol/types';

/** Every command a client may call; a `Record` so a new command cannot be forgotten here. */
const COMMANDS: Record<CommandName, true> = {
  snapshot: true,
  'server.start': true,
  'server.stop': true,
  'rules.get': true,
  'rules.set': true,
  'rules.recover': true,
  'exchange.bytes': true,
  'bytes.get': true,
  'replay.send': true,
  'session.list': true,
  'session.new': true,
  'session.open': true,
  'session.rename': true,
  'session.delete': true,
  'session.clear': true,
  'export.har': true,
  'import.har': true,
  'exchange.curl': true,
};

/** The id used in replies to frames too broken to carry a usable id of their own. */
export const UNKNOWN_FRAME_ID = -1;

export type FrameCheck =
  | { ok: true; frame: ClientFrame }
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
export async function runCommand(core: CoreApi, frame: ClientFrame): Promise<ServerFrame> {
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

export interface FrameChannel {
  /** Hands one decoded incoming frame (or its check failure) to the Core. */
  receive(check: FrameCheck): void;
  /** Stops event delivery; replies still in flight are dropped. */
  close(): void;
}

export interface FrameChannelOptions {
  /** Forward raw `data` events too (default false: the UI fetches bytes when it shows them). */
  data?: boolean;
}

/**
 * One client of the Core over any transport: says hello, forwards event batches, answers
 * commands. `send` must not throw; a closed channel sends nothing more.
 */
export function openFrameChannel(
  core: CoreApi,
  send: (frame: ServerFrame) => void,
  options: FrameChannelOptions = {},
): FrameChannel {
  let open = true;
  const deliver = (frame: ServerFrame): void => {
    if (open) send(frame);
  };
  deliver(helloFrame());
  const unsubscribe = core.subscribe(
    (events) => {
      if (events.length > 0) deliver(eventsFrame(events));
    },
    { data: options.data === true },
  );
  return {
    receive(check) {
      if (!open) return;
      void replyTo(core, check).then(deliver);
    },
    close() {
      if (!open) return;
      open = false;
      unsubscribe();
    },
  };
}
