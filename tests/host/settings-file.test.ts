// The Core's settings file: fsync is remembered in the data folder, and a settings file that
// cannot be read is reported in one sentence and never written over.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createCore } from '../../src-main/host/core';
import { checkUiSettings, patchUiSettings } from '../../src-main/host/settings-file';
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

// ---- UI settings (language, theme, columns, panes) and the last session ----

test('UI settings are checked field by field: each wrong one is named, unknown ones refused', () => {
  const good = {
    lang: 'zh-CN',
    theme: 'dark',
    columns: [{ id: 'method', width: 80 }, { id: 'status', hidden: true }, { id: 'url' }],
    sort: { column: 'status', descending: true },
    panes: { list: 0.4, 'byte-view': 320 },
  };
  assert.deepEqual(checkUiSettings(good), good);
  assert.deepEqual(checkUiSettings({}), {});
  const wrong: [unknown, RegExp][] = [
    [{ lang: 'fr' }, /"ui\.lang" must be "en" or "zh-CN"/],
    [{ theme: 'purple' }, /"ui\.theme" must be "system", "light" or "dark"/],
    [{ columns: 'method' }, /"ui\.columns" must be a list/],
    [{ columns: [{ id: '' }] }, /"ui\.columns" must name each column/],
    [{ columns: [{ id: 'a' }, { id: 'a' }] }, /names the column "a" twice/],
    [{ columns: [{ id: 'a', width: -1 }] }, /"a" a width that is not a number/],
    [{ columns: [{ id: 'a', width: Infinity }] }, /"a" a width/],
    [{ columns: [{ id: 'a', hidden: 'yes' }] }, /hidden true or false for "a"/],
    [{ columns: Array.from({ length: 65 }, (_, i) => ({ id: `c${i}` })) }, /at most 64/],
    [{ sort: { column: 'status' } }, /"ui\.sort" must be \{ column, descending \}/],
    [{ panes: { list: '40%' } }, /"ui\.panes" must give each pane/],
    [{ panes: [] }, /"ui\.panes" must map/],
    [{ colour: 'red' }, /"ui\.colour" is not a UI setting/],
    ['dark', /"ui" must be an object/],
    [null, /"ui" must be an object/],
  ];
  for (const [value, message] of wrong) {
    const checked = checkUiSettings(value);
    assert.equal(typeof checked, 'string', JSON.stringify(value));
    assert.match(checked as string, message);
  }
  // A patch replaces the fields it gives and returns null ones to the default.
  assert.deepEqual(
    patchUiSettings({ lang: 'en', theme: 'dark' }, { theme: null, panes: { a: 1 } }),
    {
      lang: 'en',
      panes: { a: 1 },
    },
  );
  // Values are copied: nothing but the known parts of a column is kept.
  assert.deepEqual(checkUiSettings({ columns: [{ id: 'a', width: 5, extra: 1 }] }), {
    columns: [{ id: 'a', width: 5 }],
  });
});

test('settings.set keeps the UI settings in settings.json beside the others; a wrong patch changes nothing', async () => {
  const home = tempHome();
  const path = join(home, 'settings.json');
  const first = await createCore({ home });
  assert.deepEqual(await first.call('settings.get', {}), { ui: {}, notices: [] });
  await first.call('store.fsync', { on: true });
  assert.deepEqual(await first.call('settings.set', { ui: { lang: 'zh-CN' } }), {
    ui: { lang: 'zh-CN' },
  });
  assert.deepEqual(await first.call('settings.set', { ui: { theme: 'light' } }), {
    ui: { lang: 'zh-CN', theme: 'light' },
  });
  const before = readFileSync(path, 'utf8');
  await assert.rejects(
    first.call('settings.set', { ui: { theme: 'sepia' } as never }),
    /Invalid UI settings: "ui\.theme" must be/,
  );
  await assert.rejects(first.call('settings.set', {} as never), /"ui" must be an object/);
  assert.equal(readFileSync(path, 'utf8'), before, 'a refused patch writes nothing');
  await first.close();
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
    fsync: true,
    lessonSeen: false,
    ui: { lang: 'zh-CN', theme: 'light' },
  });
  assert.equal(statSync(path).mode & 0o777, 0o600, 'user-only permissions');

  const second = await createCore({ home });
  assert.deepEqual((await second.call('settings.get', {})).ui, { lang: 'zh-CN', theme: 'light' });
  await second.call('settings.lessonSeen', { seen: true });
  assert.deepEqual(await second.call('settings.set', { ui: { lang: null, theme: null } }), {
    ui: {},
  });
  await second.close();
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { fsync: true, lessonSeen: true });
});

test('a settings file with a wrong UI field is named, never written over, and its problem is in settings.get', async () => {
  const home = tempHome();
  const path = join(home, 'settings.json');
  const text = '{ "fsync": true, "ui": { "theme": "purple" } }';
  writeFileSync(path, text);
  const core = await createCore({ home });
  const { ui, notices } = await core.call('settings.get', {});
  assert.deepEqual(ui, {});
  assert.equal(notices.length, 1);
  assert.equal(notices[0]?.key, 'settings.broken');
  assert.match(notices[0]?.text ?? '', /"ui\.theme" must be "system", "light" or "dark"/);
  await assert.rejects(core.call('settings.set', { ui: { theme: 'dark' } }), /left untouched/);
  await core.close();
  assert.equal(readFileSync(path, 'utf8'), text);
});

test('resume reopens the session that was current at the last stop, and a new one only when asked', async () => {
  const home = tempHome();
  const first = await createCore({ home, resume: true });
  const firstDir = first.sessionDir();
  const imported = await first.call('import.har', { har: tinyHar('/kept') });
  assert.equal(imported.imported, 1);
  // Another session becomes current, then the first one again: the last switch is what counts.
  const other = await first.call('session.new', { name: 'other' });
  await first.call('session.open', { id: basename(firstDir) });
  await first.close();
  assert.equal(
    JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).lastSession,
    basename(firstDir),
  );

  const second = await createCore({ home, resume: true });
  assert.equal(second.sessionDir(), firstDir, 'the last session is reopened');
  const snapshot = await second.call('snapshot', {});
  assert.deepEqual(
    snapshot.exchanges.map((e) => e.target),
    ['/kept'],
    'with its rows',
  );
  assert.deepEqual((await second.call('settings.get', {})).notices, []);
  assert.equal((await second.call('session.list', {})).length, 2, 'no new session was made');
  await second.call('session.open', { id: other.id });
  await second.close();

  const third = await createCore({ home, resume: true });
  assert.equal(basename(third.sessionDir()), other.id);
  await third.close();
  // Without resume (the CLI's serve), each start records into a new session and remembers nothing.
  const cli = await createCore({ home });
  assert.notEqual(basename(cli.sessionDir()), other.id);
  await cli.close();
  assert.equal(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).lastSession, other.id);
});

test('resume with no remembered session takes the newest one, and with none starts one', async () => {
  const home = tempHome();
  const empty = await createCore({ home, resume: true });
  const made = empty.sessionDir();
  assert.deepEqual((await empty.call('settings.get', {})).notices, []);
  await empty.close();
  rmSync(join(home, 'settings.json'));
  const again = await createCore({ home, resume: true });
  assert.equal(again.sessionDir(), made, 'the newest session, though none was remembered');
  await again.close();
});

test('a last session that is locked or not a session is left alone: a new one starts, and the reason is said', async () => {
  const home = tempHome();
  const holder = await createCore({ home, resume: true });
  const held = holder.sessionDir();
  // The first Core still records into it, so the second cannot.
  const second = await createCore({ home, resume: true });
  assert.notEqual(second.sessionDir(), held);
  const [notice] = (await second.call('settings.get', {})).notices;
  assert.equal(notice?.key, 'session.notResumedLocked');
  assert.deepEqual(notice?.params, { id: basename(held), pid: process.pid });
  assert.equal(
    notice?.text,
    `The last session ${basename(held)} is being recorded by process ${process.pid} (another Socketscope), so a new session was started.`,
  );
  assert.ok(second.sessionWarnings().some((w) => w.key === 'session.notResumedLocked'));
  await second.close();
  await holder.close();

  // A file that is not a session opens read-only: nothing could be recorded into it.
  const home2 = tempHome();
  const one = await createCore({ home: home2, resume: true });
  const dir = one.sessionDir();
  await one.close();
  const log = readdirSync(dir).find((name) => name !== 'session.json' && !name.endsWith('.lock'));
  assert.ok(log, 'the session has a record file');
  const junk = Buffer.from('this is not a session file\n');
  writeFileSync(join(dir, log), junk);
  const two = await createCore({ home: home2, resume: true });
  assert.notEqual(two.sessionDir(), dir);
  const [readOnly] = (await two.call('settings.get', {})).notices;
  assert.equal(readOnly?.key, 'session.notResumed');
  assert.match(
    readOnly?.text ?? '',
    /^The last session \S+ was not reopened, so a new one was started: .*read-only/,
  );
  await two.close();
  assert.deepEqual(readFileSync(join(dir, log)), junk, 'the old file is left as it was');
});

function tinyHar(path: string): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [
        {
          startedDateTime: new Date(0).toISOString(),
          time: 1,
          request: {
            method: 'GET',
            url: `http://127.0.0.1:8080${path}`,
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Host', value: '127.0.0.1:8080' }],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Content-Length', value: '0' }],
            cookies: [],
            content: { size: 0, mimeType: 'text/plain' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
          },
          cache: {},
          timings: { send: 0, wait: 1, receive: 0 },
        },
      ],
    },
  });
}
