import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkClientFrame,
  openFrameChannel,
  parseFrameText,
  replyTo,
  UNKNOWN_FRAME_ID,
} from '../../src-main/host/frames';
import {
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type CoreApi,
  type CoreEvent,
  type ServerFrame,
} from '../../src-main/protocol/types';
import { PART_CHARS, PartJoiner, splitIntoParts } from '../../src-main/protocol/parts';

/** A stand-in Core that records calls, answers `session.list`, and fails everything else. */
class RecordingCore implements CoreApi {
  calls: { name: CommandName; params: unknown }[] = [];
  listeners = new Set<(events: CoreEvent[]) => void>();

  async call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    this.calls.push({ name, params });
    if (name === 'session.list') return [] as CommandResult<K>;
    if (name === 'server.stop')
      throw Object.assign(new Error('not running'), { code: 'NOT_RUNNING' });
    throw 'plain string failure';
  }

  subscribe(listener: (events: CoreEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(events: CoreEvent[]): void {
    for (const listener of this.listeners) listener(events);
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a well-formed command frame passes the check, params default to {}', () => {
  const check = checkClientFrame({ kind: 'command', id: 7, name: 'snapshot' });
  assert.deepEqual(check, {
    ok: true,
    frame: { kind: 'command', id: 7, name: 'snapshot', params: {} },
  });
});

test('malformed frames are refused with a reason and the best id available', () => {
  const cases: [unknown, string, number][] = [
    [null, 'BAD_FRAME', UNKNOWN_FRAME_ID],
    [[1, 2], 'BAD_FRAME', UNKNOWN_FRAME_ID],
    ['command', 'BAD_FRAME', UNKNOWN_FRAME_ID],
    [{ kind: 'reply', id: 3, name: 'snapshot' }, 'BAD_FRAME', 3],
    [{ kind: 'command', id: -1, name: 'snapshot' }, 'BAD_FRAME', UNKNOWN_FRAME_ID],
    [{ kind: 'command', id: 1.5, name: 'snapshot' }, 'BAD_FRAME', UNKNOWN_FRAME_ID],
    [{ kind: 'command', id: '4', name: 'snapshot' }, 'BAD_FRAME', UNKNOWN_FRAME_ID],
    [{ kind: 'command', id: 5, name: 'fs.readFile' }, 'UNKNOWN_COMMAND', 5],
    [{ kind: 'command', id: 6, name: 'toString' }, 'UNKNOWN_COMMAND', 6],
    [{ kind: 'command', id: 7, name: '__proto__' }, 'UNKNOWN_COMMAND', 7],
    [{ kind: 'command', id: 8, name: 'snapshot', params: [] }, 'BAD_FRAME', 8],
    [{ kind: 'command', id: 9, name: 'snapshot', params: 'x' }, 'BAD_FRAME', 9],
    [{ kind: 'command', id: 10, name: 'snapshot', params: new Date() }, 'BAD_FRAME', 10],
  ];
  for (const [value, code, id] of cases) {
    const check = checkClientFrame(value);
    assert.equal(check.ok, false, JSON.stringify(value));
    if (!check.ok) {
      assert.equal(check.code, code, JSON.stringify(value));
      assert.equal(check.id, id, JSON.stringify(value));
      assert.ok(check.message.length > 0);
    }
  }
});

test('text that is not JSON is refused, never thrown', () => {
  for (const text of ['', '{', 'nul', '\u0000', '{"kind":"command"']) {
    const check = parseFrameText(text);
    assert.equal(check.ok, false);
  }
  const good = parseFrameText('{"kind":"command","id":1,"name":"rules.get","params":{}}');
  assert.equal(good.ok, true);
});

test('replies carry results, error codes and messages; failures never reject', async () => {
  const core = new RecordingCore();
  const ok = await replyTo(
    core,
    checkClientFrame({ kind: 'command', id: 1, name: 'session.list', params: {} }),
  );
  assert.deepEqual(ok, { kind: 'reply', id: 1, ok: true, result: [] });

  const coded = await replyTo(
    core,
    checkClientFrame({ kind: 'command', id: 2, name: 'server.stop', params: {} }),
  );
  assert.deepEqual(coded, {
    kind: 'reply',
    id: 2,
    ok: false,
    error: { code: 'NOT_RUNNING', message: 'not running' },
  });

  const plain = await replyTo(
    core,
    checkClientFrame({ kind: 'command', id: 3, name: 'rules.get' }),
  );
  assert.equal(plain.kind, 'reply');
  assert.ok(plain.kind === 'reply' && !plain.ok && plain.error.message === 'plain string failure');

  const refused = await replyTo(core, parseFrameText('not json'));
  assert.ok(refused.kind === 'reply' && !refused.ok && refused.id === UNKNOWN_FRAME_ID);
  assert.equal(refused.kind === 'reply' && !refused.ok ? refused.error.code : '', 'BAD_FRAME');

  assert.deepEqual(
    core.calls.map((c) => c.name),
    ['session.list', 'server.stop', 'rules.get'],
    'refused frames never reach the Core',
  );
});

test('a channel says hello, forwards event batches, answers commands, and stops on close', async () => {
  const core = new RecordingCore();
  const sent: ServerFrame[] = [];
  const channel = openFrameChannel(core, (frame) => sent.push(frame));
  assert.deepEqual(sent[0], { kind: 'hello', version: PROTOCOL_VERSION });
  assert.equal(core.listeners.size, 1);

  core.emit([{ type: 'cleared' }]);
  core.emit([]);
  assert.deepEqual(sent[1], { kind: 'events', events: [{ type: 'cleared' }] });
  assert.equal(sent.length, 2, 'empty batches are not sent');

  channel.receive(checkClientFrame({ kind: 'command', id: 42, name: 'session.list', params: {} }));
  await flush();
  assert.deepEqual(sent[2], { kind: 'reply', id: 42, ok: true, result: [] });

  channel.receive(checkClientFrame({ kind: 'command', id: 43, name: 'session.list', params: {} }));
  channel.close();
  await flush();
  core.emit([{ type: 'cleared' }]);
  assert.equal(sent.length, 3, 'nothing is sent after close, not even a reply in flight');
  assert.equal(core.listeners.size, 0, 'close unsubscribes');
  channel.close();
});

/** A stand-in Core whose `exchange.bytes` answers with `size` characters of base64. */
class BigReplyCore extends RecordingCore {
  constructor(private readonly size: number) {
    super();
  }

  override async call<K extends CommandName>(
    name: K,
    params: CommandParams<K>,
  ): Promise<CommandResult<K>> {
    if (name !== 'exchange.bytes') return super.call(name, params);
    const result = {
      exchangeId: 'c1#0',
      requestBase64: 'QUJD'.repeat(this.size / 4),
      responseBase64: '',
    };
    return result as CommandResult<K>;
  }
}

function notice(text: string): CoreEvent {
  return { type: 'notice', level: 'info', message: { key: 'k', text } };
}

test('no frame is over the bound: a big batch splits between events, a big reply or event travels in parts that join back', async () => {
  const core = new BigReplyCore(5 * 1024 * 1024);
  const sent: { frame: ServerFrame; text: string }[] = [];
  const channel = openFrameChannel(core, (frame, text) => sent.push({ frame, text }));
  // 3,000 events of ~1 KB, one of 3 MB (with quotes and non-ASCII, which take more bytes).
  const events: CoreEvent[] = Array.from({ length: 3000 }, (_, i) =>
    notice(`${i} ${'x'.repeat(1000)}`),
  );
  events.splice(1500, 0, notice('"é\\"'.repeat(800_000)));
  core.emit(events);
  channel.receive(checkClientFrame({ kind: 'command', id: 9, name: 'exchange.bytes', params: {} }));
  await flush();
  for (const { text, frame } of sent) {
    assert.ok(Buffer.byteLength(text) <= MAX_FRAME_BYTES, `a frame of ${text.length} chars`);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(frame)), 'text and object agree');
  }
  // Joined back as a client does, the frames are the batch in order and the whole reply.
  const joiner = new PartJoiner(MAX_MESSAGE_BYTES * 2);
  const whole: ServerFrame[] = [];
  for (const { text } of sent) {
    const value = JSON.parse(text) as ServerFrame;
    if (value.kind !== 'part') whole.push(value);
    else {
      const joined = joiner.push(value);
      if (joined.kind === 'text') whole.push(JSON.parse(joined.text) as ServerFrame);
    }
  }
  const received = whole.flatMap((f) => (f.kind === 'events' ? f.events : []));
  assert.deepEqual(received, events);
  assert.ok(whole.filter((f) => f.kind === 'events').length > 3, 'the batch was split');
  const reply = whole.find((f) => f.kind === 'reply');
  assert.ok(reply?.kind === 'reply' && reply.ok);
  assert.equal((reply.result as { requestBase64: string }).requestBase64.length, 5 * 1024 * 1024);
  channel.close();
});

test('a message in parts is joined before it is checked; an endless one is refused, not kept', async () => {
  const core = new RecordingCore();
  const sent: ServerFrame[] = [];
  const channel = openFrameChannel(core, (frame) => sent.push(frame));
  const text = JSON.stringify({
    kind: 'command',
    id: 5,
    name: 'session.list',
    params: { pad: 'é'.repeat(2_000_000) },
  });
  const parts = splitIntoParts(text);
  assert.ok(parts.length > 1);
  for (const part of parts) {
    assert.ok(Buffer.byteLength(JSON.stringify(part)) <= MAX_FRAME_BYTES);
    channel.incoming.value(part);
  }
  await flush();
  assert.deepEqual(sent.at(-1), { kind: 'reply', id: 5, ok: true, result: [] });
  // Parts beyond the message limit are dropped as they come; the end gets an error reply.
  const big = 'x'.repeat(PART_CHARS);
  for (let i = 0; i * PART_CHARS <= MAX_MESSAGE_BYTES; i++)
    channel.incoming.value({ kind: 'part', data: big, last: false });
  channel.incoming.value({ kind: 'part', data: '', last: true });
  await flush();
  const last = sent.at(-1);
  assert.ok(last?.kind === 'reply' && !last.ok && last.error.code === 'BAD_FRAME');
  assert.deepEqual(
    core.calls.map((c) => c.name),
    ['session.list'],
  );
  channel.close();
});

test('a surrogate pair is never cut between parts', () => {
  const text = '😀'.repeat(10);
  const parts = splitIntoParts(text, 3);
  assert.equal(parts.map((p) => p.data).join(''), text);
  for (const part of parts) assert.ok(!/[\uD800-\uDBFF]$/.test(part.data), 'no lone high half');
  assert.ok(parts.at(-1)?.last && parts.slice(0, -1).every((p) => !p.last));
});
