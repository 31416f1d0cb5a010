// The Core's side of break rules: held messages are listed live (`holds` events and
// `holds.list`), a bad edit is refused with an error and changes nothing, a release goes through,
// and the notices of a timeout and of an edited release have their message keys.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src-main/host/core';
import type { CoreEvent, HeldItem, ResponderRule } from '../../src-main/protocol/types';

const home = mkdtempSync(join(tmpdir(), 'socketscope-holds-'));
after(() => rmSync(home, { recursive: true, force: true }));

function breakRule(timeoutMs: number): ResponderRule {
  return {
    id: 'hold',
    enabled: true,
    name: 'Hold /',
    match: { method: 'GET', path: '/', mode: 'exact' },
    response: { kind: 'break', request: true, response: false, timeoutMs },
    delayMs: 0,
  };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends a request and collects the answer until the server closes. */
function request(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

test('holds through the Core: listed live, a bad edit refused, an edited release answered', async () => {
  const core = await createCore({
    home: join(home, 'a'),
    settings: { port: 0 },
    rules: [breakRule(30_000)],
  });
  const events: CoreEvent[] = [];
  core.subscribe((batch) => events.push(...batch));
  try {
    const { port } = await core.call('server.start', { host: '127.0.0.1', port: 0 });
    const answer = request(port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    const lists = (): HeldItem[][] =>
      events.flatMap((event) => (event.type === 'holds' ? [event.holds] : []));
    await until(() => lists().some((list) => list.length === 1), 'a holds event');
    const [item] = await core.call('holds.list', {});
    assert.ok(item);
    assert.equal(item.ruleId, 'hold');
    assert.equal(item.request.target, '/');
    for (const bad of [
      { request: 'GET /' },
      { request: { ...item.request, headers: [['Bad Name', 'x']] } },
      { request: { ...item.request, bodyBase64: '***' } },
      { request: { ...item.request, target: '/a b' } },
    ]) {
      await assert.rejects(
        core.call('holds.release', { holdId: item.holdId, ...bad } as never),
        /The edited request/,
      );
    }
    assert.equal((await core.call('holds.list', {})).length, 1, 'still held');
    const released = await core.call('holds.release', {
      holdId: item.holdId,
      request: { ...item.request, target: '/missing-page' },
    });
    assert.deepEqual(released, { released: true });
    assert.match(await answer, /^HTTP\/1\.1 404 /, 'the default site answered the edited target');
    assert.deepEqual(await core.call('holds.release', { holdId: item.holdId }), {
      released: false,
    });
    assert.deepEqual(await core.call('holds.abort', { holdId: 'nope' }), { aborted: false });
    await until(() => lists().at(-1)?.length === 0, 'the emptied list');
    await until(
      () => events.some((e) => e.type === 'notice' && e.message.key === 'holds.requestEdited'),
      'the edited release notice',
    );
  } finally {
    await core.close();
  }
});

test('a hold timing out goes on untouched, said in a notice', async () => {
  const core = await createCore({
    home: join(home, 'b'),
    settings: { port: 0 },
    rules: [breakRule(200)],
  });
  const events: CoreEvent[] = [];
  core.subscribe((batch) => events.push(...batch));
  try {
    const { port } = await core.call('server.start', { host: '127.0.0.1', port: 0 });
    const answer = await request(port, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 200 OK/);
    await until(
      () => events.some((e) => e.type === 'notice' && e.message.key === 'holds.timedOut'),
      'the timeout notice',
    );
  } finally {
    await core.close();
  }
});
