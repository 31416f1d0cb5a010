// The Core's settings file: fsync is remembered in the data folder, and a settings file that
// cannot be read is reported in one sentence and never written over.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../src-main/host/core';
import type { CoreEvent } from '../../src-main/protocol/types';

const homes: string[] = [];
function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-settings-'));
  homes.push(home);
  return home;
}
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

test('fsync is off by default, remembered in settings.json once switched on', async () => {
  const home = tempHome();
  const first = await createCore({ home });
  assert.deepEqual(await first.call('store.fsync', {}), { on: false });
  assert.deepEqual(await first.call('store.fsync', { on: true }), { on: true });
  await first.close();
  assert.deepEqual(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')), {
    fsync: true,
    lessonSeen: false,
  });
  const second = await createCore({ home });
  assert.deepEqual(await second.call('store.fsync', {}), { on: true });
  await assert.rejects(
    second.call('store.fsync', { on: 'yes' as unknown as boolean }),
    /true or false/,
  );
  await second.close();
});

test('the guided lesson is remembered as seen beside fsync, each setting kept when the other changes', async () => {
  const home = tempHome();
  const first = await createCore({ home });
  assert.deepEqual(await first.call('settings.lessonSeen', {}), { seen: false });
  await first.call('store.fsync', { on: true });
  assert.deepEqual(await first.call('settings.lessonSeen', { seen: true }), { seen: true });
  await first.close();
  assert.deepEqual(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')), {
    fsync: true,
    lessonSeen: true,
  });
  const second = await createCore({ home });
  assert.deepEqual(await second.call('settings.lessonSeen', {}), { seen: true });
  await second.call('store.fsync', { on: false });
  assert.deepEqual(await second.call('settings.lessonSeen', {}), { seen: true });
  await assert.rejects(
    second.call('settings.lessonSeen', { seen: 1 as unknown as boolean }),
    /true or false/,
  );
  await second.close();
  writeFileSync(join(home, 'settings.json'), '{ "lessonSeen": "yes" }');
  const third = await createCore({ home });
  assert.deepEqual(await third.call('settings.lessonSeen', {}), { seen: false });
  await assert.rejects(third.call('settings.lessonSeen', { seen: true }), /left untouched/);
  await third.close();
});

test('a broken settings file is said once and left untouched', async () => {
  const home = tempHome();
  const path = join(home, 'settings.json');
  writeFileSync(path, '{ "fsync": tru');
  const core = await createCore({ home });
  const events: CoreEvent[] = [];
  core.subscribe((batch) => events.push(...batch));
  await core.call('snapshot', {});
  await new Promise((resolve) => setTimeout(resolve, 60));
  const notice = events.find((e) => e.type === 'notice' && e.message.key === 'settings.broken');
  assert.ok(notice && notice.type === 'notice', 'the problem is announced');
  assert.match(
    notice.message.text,
    /settings file .* cannot be read .* left untouched: fix it or move it away\./,
  );
  await assert.rejects(core.call('store.fsync', { on: true }), /left untouched/);
  assert.equal(readFileSync(path, 'utf8'), '{ "fsync": tru', 'never written over');
  await core.close();
});
