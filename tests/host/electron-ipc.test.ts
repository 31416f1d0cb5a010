// The Electron IPC host and the shell's URL policy, in plain Node: ipcMain and the window's
// WebContents are stood in for by event emitters with the same methods.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import { attachIpcHost, refuseSender, type IpcSenderEvent } from '../../src-main/host/electron-ipc';
import {
  appUrlToFile,
  isAppUrl,
  isCaptureServerUrl,
  isSubframeUrl,
} from '../../src-main/host/electron-policy';
import { FRAME_CHANNEL, OPEN_CHANNEL } from '../../src-main/host/ipc-channel';
import { splitIntoParts } from '../../src-main/protocol/parts';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type CoreApi,
  type CoreEvent,
  type ServerFrame,
  type SubscribeOptions,
} from '../../src-main/protocol/types';

class FakeCore implements CoreApi {
  calls: CommandName[] = [];
  listeners = new Set<(events: CoreEvent[]) => void>();
  subscribeOptions: (SubscribeOptions | undefined)[] = [];
  async call<K extends CommandName>(name: K, _params: CommandParams<K>): Promise<CommandResult<K>> {
    this.calls.push(name);
    return null as unknown as CommandResult<K>;
  }
  subscribe(listener: (events: CoreEvent[]) => void, options?: SubscribeOptions): () => void {
    this.listeners.add(listener);
    this.subscribeOptions.push(options);
    return () => this.listeners.delete(listener);
  }
}

class FakeWebContents extends EventEmitter {
  sent: ServerFrame[] = [];
  destroyed = false;
  send(channel: string, frame: ServerFrame): void {
    assert.equal(channel, FRAME_CHANNEL);
    this.sent.push(frame);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
const topFrame = (url: string): IpcSenderEvent['senderFrame'] => ({ url, parent: null });

function setUp() {
  const core = new FakeCore();
  const ipcMain = new EventEmitter();
  const contents = new FakeWebContents();
  const refused: string[] = [];
  const detach = attachIpcHost({
    core,
    ipcMain,
    webContents: contents,
    onRefused: (r) => refused.push(r),
  });
  const ours: IpcSenderEvent = {
    sender: contents,
    senderFrame: topFrame('app://socketscope/index.html'),
  };
  return { core, ipcMain, contents, refused, detach, ours };
}

test('a page from our window opens a channel: hello, events, replies', async () => {
  const { core, ipcMain, contents, ours } = setUp();
  ipcMain.emit(OPEN_CHANNEL, ours);
  assert.deepEqual(contents.sent[0], { kind: 'hello', version: PROTOCOL_VERSION });
  for (const listener of core.listeners) listener([{ type: 'cleared' }]);
  assert.deepEqual(contents.sent[1], { kind: 'events', events: [{ type: 'cleared' }] });
  ipcMain.emit(FRAME_CHANNEL, ours, { kind: 'command', id: 3, name: 'session.list', params: {} });
  await flush();
  assert.deepEqual(contents.sent[2], { kind: 'reply', id: 3, ok: true, result: null });
  assert.deepEqual(core.calls, ['session.list']);
});

test('messages from any other sender are refused before reaching the Core', async () => {
  const { core, ipcMain, contents, refused, ours } = setUp();
  ipcMain.emit(OPEN_CHANNEL, ours);
  const frame = { kind: 'command', id: 1, name: 'session.clear', params: {} };
  const strangers: IpcSenderEvent[] = [
    { sender: new FakeWebContents(), senderFrame: topFrame('app://socketscope/index.html') },
    { sender: contents, senderFrame: null },
    { sender: contents, senderFrame: { url: 'app://socketscope/index.html', parent: {} } },
    { sender: contents, senderFrame: topFrame('https://evil.example/') },
    { sender: contents, senderFrame: topFrame('file:///etc/passwd') },
    { sender: contents, senderFrame: topFrame('app://other/index.html') },
    { sender: contents, senderFrame: topFrame('app://user:pw@socketscope/') },
    { sender: contents, senderFrame: topFrame('not a url') },
  ];
  for (const stranger of strangers) {
    ipcMain.emit(FRAME_CHANNEL, stranger, frame);
    ipcMain.emit(OPEN_CHANNEL, stranger);
  }
  await flush();
  assert.deepEqual(core.calls, []);
  assert.equal(refused.length, strangers.length * 2);
  assert.equal(contents.sent.length, 1, 'only the first hello was sent');
  for (const stranger of strangers) assert.notEqual(refuseSender(stranger, contents), null);
  assert.equal(refuseSender(ours, contents), null);
});

test('malformed frames from our page get error replies, never throw', async () => {
  const { core, ipcMain, contents, ours } = setUp();
  ipcMain.emit(OPEN_CHANNEL, ours);
  for (const value of [undefined, null, 'x', 5, [], { kind: 'command', id: 2, name: 'rm -rf' }]) {
    ipcMain.emit(FRAME_CHANNEL, ours, value);
  }
  await flush();
  const replies = contents.sent.filter((f) => f.kind === 'reply');
  assert.equal(replies.length, 6);
  assert.ok(replies.every((f) => f.kind === 'reply' && !f.ok));
  assert.deepEqual(core.calls, []);
});

test('a reload reopens the channel with a new hello; detaching and destruction unsubscribe', () => {
  const { core, ipcMain, contents, detach, ours } = setUp();
  ipcMain.emit(OPEN_CHANNEL, ours);
  ipcMain.emit(OPEN_CHANNEL, ours);
  assert.equal(contents.sent.filter((f) => f.kind === 'hello').length, 2);
  assert.equal(core.listeners.size, 1, 'the old channel was closed');
  assert.deepEqual(
    core.subscribeOptions.map((options) => options?.data),
    [false, false],
    'no raw data events',
  );
  assert.ok(
    core.subscribeOptions.every((options) => options?.interest !== undefined),
    'a UI channel says what it keeps of a flood',
  );
  contents.emit('destroyed');
  assert.equal(core.listeners.size, 0);
  ipcMain.emit(OPEN_CHANNEL, ours);
  detach();
  assert.equal(core.listeners.size, 0);
  assert.equal(ipcMain.listenerCount(FRAME_CHANNEL) + ipcMain.listenerCount(OPEN_CHANNEL), 0);
});

test('app URLs, capture-server links and app:// file mapping', () => {
  assert.ok(isAppUrl('app://socketscope/index.html'));
  assert.ok(isAppUrl('app://socketscope/assets/x.js?y#z'));
  for (const url of [
    'app://socketscope.evil/',
    'http://socketscope/',
    'file:///index.html',
    '',
    'app:',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }

  for (const url of ['about:srcdoc', 'about:blank', 'data:text/html,x', 'app://socketscope/x']) {
    assert.ok(isSubframeUrl(url), url);
  }
  for (const url of [
    'http://127.0.0.1:8080/',
    'https://example.com/',
    'file:///etc/passwd',
    'about:srcdocx',
  ]) {
    assert.equal(isSubframeUrl(url), false, url);
  }

  assert.ok(isCaptureServerUrl('http://127.0.0.1:8080/', 8080));
  assert.ok(isCaptureServerUrl('http://localhost:8080/test.jpg', 8080));
  assert.ok(isCaptureServerUrl('http://127.0.0.1/', 80));
  for (const [url, port] of [
    ['http://127.0.0.1:8081/', 8080],
    ['https://127.0.0.1:8080/', 8080],
    ['http://example.com:8080/', 8080],
    ['http://127.0.0.1.evil.example:8080/', 8080],
    ['http://user@127.0.0.1:8080/', 8080],
    ['javascript:alert(1)', 8080],
    ['file:///etc/passwd', 8080],
    ['http://127.0.0.1:8080/', null],
  ] as const) {
    assert.equal(isCaptureServerUrl(url, port), false, `${url} ${port}`);
  }

  const root = resolve('/srv/renderer');
  assert.equal(appUrlToFile(root, 'app://socketscope/index.html'), join(root, 'index.html'));
  assert.equal(appUrlToFile(root, 'app://socketscope/'), join(root, 'index.html'));
  assert.equal(
    appUrlToFile(root, 'app://socketscope/assets/a%20b.js'),
    join(root, 'assets', 'a b.js'),
  );
  // The URL parser already folds plain and %2e dot segments back into the root.
  assert.equal(appUrlToFile(root, 'app://socketscope/../../secret'), join(root, 'secret'));
  assert.equal(appUrlToFile(root, 'app://socketscope/%2e%2e/secret'), join(root, 'secret'));
  for (const url of [
    'app://socketscope/..%2fsecret',
    'app://socketscope/a/..%2f..%2fsecret',
    'app://socketscope/..%5csecret',
    'app://socketscope/%00',
    'app://socketscope/%E0%A4%A',
    'app://other/index.html',
    'http://socketscope/index.html',
  ]) {
    assert.equal(appUrlToFile(root, url), null, url);
  }
});

test('export.har.save goes to the shell (its save dialog), never to the Core; big frames travel in parts both ways', async () => {
  const core = new FakeCore();
  const ipcMain = new EventEmitter();
  const contents = new FakeWebContents();
  const saved: unknown[] = [];
  attachIpcHost({
    core,
    ipcMain,
    webContents: contents,
    saveHar: (params) => {
      saved.push(params);
      return Promise.resolve({ saved: true, file: '/tmp/x.har', exported: 2 });
    },
  });
  const ours: IpcSenderEvent = {
    sender: contents,
    senderFrame: topFrame('app://socketscope/index.html'),
  };
  ipcMain.emit(OPEN_CHANNEL, ours);
  ipcMain.emit(FRAME_CHANNEL, ours, {
    kind: 'command',
    id: 4,
    name: 'export.har.save',
    params: { name: 'all' },
  });
  await flush();
  assert.deepEqual(saved, [{ name: 'all' }]);
  assert.deepEqual(core.calls, []);
  assert.deepEqual(contents.sent.at(-1), {
    kind: 'reply',
    id: 4,
    ok: true,
    result: { saved: true, file: '/tmp/x.har', exported: 2 },
  });
  // A command of 3 MB comes in parts; an event batch of 3 MB goes out in several frames.
  const text = JSON.stringify({
    kind: 'command',
    id: 5,
    name: 'rules.get',
    params: { pad: 'x'.repeat(3_000_000) },
  });
  for (const part of splitIntoParts(text)) ipcMain.emit(FRAME_CHANNEL, ours, part);
  await flush();
  assert.deepEqual(core.calls, ['rules.get']);
  const before = contents.sent.length;
  const notice = (i: number): CoreEvent => ({
    type: 'notice',
    level: 'info',
    message: { key: 'k', text: `${i}`.padEnd(1000, '.') },
  });
  for (const listener of core.listeners)
    listener(Array.from({ length: 3000 }, (_, i) => notice(i)));
  const frames = contents.sent.slice(before);
  assert.ok(frames.length >= 3, `${frames.length} frames`);
  for (const frame of frames)
    assert.ok(Buffer.byteLength(JSON.stringify(frame)) <= MAX_FRAME_BYTES);
  assert.equal(frames.flatMap((f) => (f.kind === 'events' ? f.events : [])).length, 3000);
});
