// Recovery never deletes: opening a damaged session skips exactly the damaged records, reports
// each damaged region with its byte range, never changes a byte of the file, and appends new
// records after its end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureEvent } from '../../src-main/capture/events';
import {
  LOCK_FILE_NAME,
  LOG_FILE_NAME,
  SessionStore,
  type OpenStoreOptions,
  type StoredRecord,
} from '../../src-main/capture/store';
import { createCore } from '../../src-main/host/core';
import { SESSION_FORMAT_VERSION } from '../../src-main/capture/record-scan';
import { rawRecord, storedExchange } from './store-fixtures';
import { en } from '../../src-renderer/lib/locales/en';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'socketscope-recovery-'));
}

function hashOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Layout {
  start: number;
  end: number;
  type: number;
}

/** The records of an intact file, by walking their headers. */
function layoutOf(bytes: Buffer): Layout[] {
  const records: Layout[] = [];
  for (let at = 0; at < bytes.length;) {
    const end = at + 14 + bytes.readUInt32LE(at + 2) + bytes.readUInt32LE(at + 6);
    records.push({ start: at, end, type: bytes[at + 1] });
    at = end;
  }
  return records;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A loaded record as a string, its bytes copied out of the read buffer. */
function describe(record: StoredRecord): string {
  if (record.kind === 'exchange')
    return JSON.stringify([record.stored, base64(record.request), base64(record.response)]);
  const event = record.event;
  if (event.type === 'data') return JSON.stringify({ ...event, bytes: base64(event.bytes) });
  return JSON.stringify(event);
}

/** Opens `dir`, returns every loaded record described and closes it again. */
function load(dir: string, options: OpenStoreOptions = {}) {
  const list: string[] = [];
  const opened = SessionStore.open(dir, {
    ...options,
    onRecord: (record) => list.push(describe(record)),
  });
  const writable = opened.store.writable;
  opened.store.close();
  return { ...opened, list, writable };
}

/** 30 exchanges' worth of records, made through the store's own API. */
function recordSession(store: SessionStore, exchanges = 30, tag = 'c'): void {
  for (let i = 0; i < exchanges; i++) {
    const connectionId = `${tag}${i}`;
    const request = Buffer.from(`GET /item/${i} HTTP/1.1\r\nHost: example.test\r\n\r\n`);
    const response = Buffer.concat([
      Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n`),
      Buffer.from([0, 1, 0x53, 4, 255, i]),
    ]);
    const events: CaptureEvent[] = [
      {
        type: 'connectionOpen',
        connectionId,
        remoteAddress: '127.0.0.1',
        remotePort: 40000 + i,
        localPort: 8080,
        time: 1000 + i,
      },
      { type: 'data', connectionId, direction: 'in', offset: 0, bytes: request, time: 1001 + i },
      {
        type: 'request',
        connectionId,
        index: 0,
        time: 1001 + i,
        span: { offset: 0, length: request.length },
        head: {
          method: 'GET',
          target: `/item/${i}`,
          version: 'HTTP/1.1',
          headers: [['Host', 'example.test']],
        },
        body: new Uint8Array(0),
      },
      { type: 'data', connectionId, direction: 'out', offset: 0, bytes: response, time: 1002 + i },
      {
        type: 'response',
        connectionId,
        index: 0,
        time: 1002 + i,
        span: { offset: 0, length: response.length },
        head: { version: 'HTTP/1.1', status: 200, reason: 'OK', headers: [] },
        ruleId: null,
      },
      {
        type: 'connectionClose',
        connectionId,
        time: 1003 + i,
        reason: 'client',
        bytesIn: request.length,
        bytesOut: response.length,
      },
    ];
    for (const event of events) store.appendCapture(event);
    if (i % 10 === 9)
      store.appendExchange(storedExchange(`${tag}r${i}`), Buffer.from('abc'), Buffer.from('wxyz'));
  }
}

function newSession(dir: string, exchanges = 30): void {
  const { store } = SessionStore.open(dir);
  recordSession(store, exchanges);
  store.close();
}

test('one flipped byte anywhere in a record header or body costs exactly that record', () => {
  const dir = tempDir();
  try {
    newSession(dir);
    const path = join(dir, LOG_FILE_NAME);
    const original = readFileSync(path);
    const layout = layoutOf(original);
    assert.ok(layout.length > 180, `${layout.length} records`);
    assert.equal(layout[0].type, 6, 'the format record comes first');
    const baseline = load(dir, { readOnly: true });
    assert.deepEqual(baseline.warnings, []);
    // Every record but the format record reaches onRecord.
    assert.equal(baseline.list.length, layout.length - 1);

    let cases = 0;
    const fd = openSync(path, 'r+');
    for (const [k, record] of layout.entries()) {
      const bodyLength = record.end - record.start - 14;
      const positions = [...Array(14).keys()].map((i) => record.start + i);
      positions.push(record.start + 14 + (bodyLength >> 1), record.end - 1);
      for (const [j, at] of positions.entries()) {
        // All bits, the lowest, the highest: over the records each field gets each kind of flip.
        for (const mask of [[0xff, 0x01, 0x80][(k + j) % 3]]) {
          const damaged = Buffer.from(original);
          damaged[at] ^= mask;
          // In place: rewriting the whole file each time would cost a flush per case.
          writeSync(fd, damaged, at, 1, at);
          const before = createHash('sha256').update(damaged).digest('hex');
          const what = `record ${k} (type ${record.type}, bytes ${record.start}–${record.end}), byte ${at} ^ ${mask}`;

          const opened = load(dir);
          assert.equal(hashOf(path), before, `${what}: the file changed`);
          assert.equal(opened.writable, true, what);
          const expected = baseline.list.filter((_, i) => i !== k - 1);
          assert.ok(
            opened.list.length === expected.length &&
              opened.list.every((r, i) => r === expected[i]),
            `${what}: ${opened.list.length} records loaded, not ${expected.length}` +
              ` (${opened.warnings.join(' | ')})`,
          );
          assert.deepEqual(
            opened.damaged.map((r) => [r.start, r.end]),
            [[record.start, record.end]],
            `${what}: ${opened.warnings.join(' | ')}`,
          );
          assert.equal(opened.warnings.length, 1, what);
          assert.ok(
            opened.warnings[0].includes(`bytes ${record.start} to ${record.end}`) ||
              opened.warnings[0].includes(`Bytes ${record.start} to ${record.end}`),
            `${what}: ${opened.warnings[0]}`,
          );
          assert.deepEqual(opened.notices[0].params, { start: record.start, end: record.end });
          writeSync(fd, original, at, 1, at);
          cases++;
        }
      }
    }
    closeSync(fd);
    console.log(`# ${cases} single-byte flips over ${layout.length} records`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn tail is kept, new records go after it, and the next open finds old and new', () => {
  const dir = tempDir();
  try {
    newSession(dir, 4);
    const path = join(dir, LOG_FILE_NAME);
    const whole = readFileSync(path);
    const layout = layoutOf(whole);
    const baseline = load(dir, { readOnly: true }).list;
    const last = layout.at(-1)!;
    // Cut inside the header (the length field half there, or whole) and inside the body.
    const cuts = [1, 2, 5, 9, 13, 14, 15, Math.floor((last.end - last.start) / 2)].map(
      (n) => last.start + n,
    );
    cuts.push(last.end - 1);
    for (const cut of cuts) {
      writeFileSync(path, whole.subarray(0, cut));
      const torn = createHash('sha256').update(whole.subarray(0, cut)).digest('hex');

      const { store, damaged, warnings } = SessionStore.open(dir);
      assert.equal(hashOf(path), torn, `cut at ${cut}: opening changed the file`);
      assert.deepEqual(damaged, [{ start: last.start, end: cut, reason: 'torn' }], `cut ${cut}`);
      assert.match(
        warnings[0],
        new RegExp(`incomplete record at bytes ${last.start} to ${cut}\\b`),
      );
      recordSession(store, 3, 'new');
      store.close();

      const after = readFileSync(path);
      assert.ok(after.length > cut, 'new records were written');
      assert.deepEqual(after.subarray(0, cut), whole.subarray(0, cut), 'the old bytes are intact');
      assert.equal(after[cut], 0x53, 'new records start right after the torn tail');
      assert.notEqual(after[cut + 1], 6, 'no second format record');

      // The torn header may now claim bytes that are new records: they must still be found.
      const third = load(dir);
      assert.deepEqual(
        third.damaged.map((r) => [r.start, r.end]),
        [[last.start, cut]],
        `cut ${cut}: ${third.warnings.join(' | ')}`,
      );
      assert.equal(third.warnings.length, 1);
      assert.match(third.warnings[0], new RegExp(`bytes ${last.start} to ${cut}\\b`, 'i'));
      const old = baseline.slice(0, -1);
      assert.deepEqual(third.list.slice(0, old.length), old, 'every old record but the torn one');
      assert.equal(third.list.length, old.length + layoutOf(after.subarray(cut)).length);
      assert.ok(third.list.at(-1)!.includes('"new2"'), 'the last new record loads');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn header whose length claims the new records after it does not hide them', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture({
      type: 'data',
      connectionId: 'big',
      direction: 'in',
      offset: 0,
      bytes: Buffer.alloc(4000, 0x41),
      time: 1,
    });
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const whole = readFileSync(path);
    const big = layoutOf(whole)[1];
    // Only the header and a few bytes reached the disk: the header claims ~4 KB beyond.
    truncateSync(path, big.start + 20);
    const again = SessionStore.open(dir);
    recordSession(again.store, 20, 'n');
    again.store.close();
    assert.ok(statSync(path).size > big.end, 'the new records cover what the torn header claims');
    const third = load(dir);
    assert.deepEqual(
      third.damaged.map((r) => [r.start, r.end]),
      [[big.start, big.start + 20]],
    );
    assert.equal(third.list.length, 20 * 6 + 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two torn writes, each followed by new records: both regions reported, all else loads', () => {
  const dir = tempDir();
  try {
    const path = join(dir, LOG_FILE_NAME);
    newSession(dir, 2);
    truncateSync(path, statSync(path).size - 7);
    const first = SessionStore.open(dir);
    recordSession(first.store, 2, 'x');
    first.store.close();
    truncateSync(path, statSync(path).size - 30);
    const second = SessionStore.open(dir);
    assert.equal(second.damaged.length, 2);
    recordSession(second.store, 2, 'y');
    second.store.close();
    const third = load(dir);
    assert.equal(third.damaged.length, 2);
    assert.equal(third.list.length, 3 * (2 * 6) - 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new session file starts with the format record', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.close();
    const file = readFileSync(join(dir, LOG_FILE_NAME));
    assert.equal(file[0], 0x53);
    assert.equal(file[1], 6);
    const metaLength = file.readUInt32LE(2);
    assert.equal(file.readUInt32LE(6), 0);
    assert.equal(file.length, 14 + metaLength);
    assert.deepEqual(JSON.parse(file.subarray(14).toString('utf8')), {
      format: 'socketscope-session',
      version: SESSION_FORMAT_VERSION,
    });
    const again = load(dir);
    assert.deepEqual(again.warnings, []);
    assert.equal(again.records, 0);
    assert.equal(again.list.length, 0);
    assert.equal(readFileSync(join(dir, LOG_FILE_NAME)).length, file.length, 'written once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an older session file without a format record loads and is appended to as it is', () => {
  const dir = tempDir();
  try {
    newSession(dir, 3);
    const path = join(dir, LOG_FILE_NAME);
    const current = readFileSync(path);
    const formatEnd = layoutOf(current)[1].start;
    const old = current.subarray(formatEnd);
    writeFileSync(path, old);
    const expected = load(dir, { readOnly: true }).list;
    assert.equal(expected.length, 18);

    const opened = SessionStore.open(dir);
    assert.deepEqual(opened.warnings, []);
    assert.equal(opened.store.writable, true);
    opened.store.appendCapture({
      type: 'data',
      connectionId: 'later',
      direction: 'in',
      offset: 0,
      bytes: Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      time: 5,
    });
    opened.store.close();
    const after = readFileSync(path);
    assert.deepEqual(after.subarray(0, old.length), old);
    assert.equal(after[old.length + 1], 3, 'a data record, no format record in the middle');
    const again = load(dir);
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(again.list.slice(0, 18), expected);
    assert.equal(again.list.length, 19);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a session of a newer format opens read-only, says so and is never written', () => {
  const dir = tempDir();
  try {
    const path = join(dir, LOG_FILE_NAME);
    const connection = Buffer.from(
      JSON.stringify({
        type: 'connectionOpen',
        connectionId: 'c1',
        remoteAddress: '127.0.0.1',
        remotePort: 5,
        localPort: 6,
        time: 1,
      }),
    );
    const file = Buffer.concat([
      rawRecord(
        6,
        Buffer.from(
          JSON.stringify({ format: 'socketscope-session', version: SESSION_FORMAT_VERSION + 1 }),
        ),
      ),
      rawRecord(1, connection),
      // A record type this version does not know, with a torn tail after it.
      rawRecord(9, Buffer.from('future')),
      rawRecord(1, connection).subarray(0, 20),
    ]);
    writeFileSync(path, file);
    const before = hashOf(path);
    for (const readOnly of [false, true]) {
      const { store, warnings, notices } = SessionStore.open(dir, { readOnly });
      assert.equal(store.writable, false);
      assert.match(
        warnings[0],
        new RegExp(
          `newer version of Socketscope \\(session format ${SESSION_FORMAT_VERSION + 1}; this version knows up to ${SESSION_FORMAT_VERSION}\\), so it was opened read-only`,
        ),
      );
      assert.equal(notices[0].key, 'session.newerFormat');
      assert.deepEqual(notices[0].params, {
        path,
        version: SESSION_FORMAT_VERSION + 1,
        supported: SESSION_FORMAT_VERSION,
      });
      assert.throws(() =>
        store.appendCapture({
          type: 'data',
          connectionId: 'c1',
          direction: 'in',
          offset: 0,
          bytes: Buffer.from('x'),
          time: 2,
        }),
      );
      store.close();
      assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false, 'no writer lock taken');
      assert.equal(hashOf(path), before, 'the file is untouched');
    }
    const { list } = load(dir);
    assert.equal(list.length, 1, 'what this version understands is still shown');
    assert.equal(hashOf(path), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that is not a session file is never modified, whatever it holds', () => {
  const dir = tempDir();
  try {
    const path = join(dir, LOG_FILE_NAME);
    const samples = [
      Buffer.from('this is not a session file at all'),
      Buffer.from('S'),
      Buffer.from([0x53, 0x01, 0, 0]),
      Buffer.alloc(5000),
      ...[1, 13, 14, 100, 4096, 70_000, 300_000].map((n) => randomBytes(n)),
    ];
    for (const [i, sample] of samples.entries()) {
      writeFileSync(path, sample);
      const before = hashOf(path);
      for (const readOnly of [false, true]) {
        const what = `sample ${i} (${sample.length} bytes), ${readOnly ? 'read-only' : 'writable'}`;
        const { store, warnings, notices, damaged } = SessionStore.open(dir, { readOnly });
        assert.equal(store.writable, false, what);
        if (!readOnly) {
          assert.equal(notices[0].key, 'session.notSessionFile', what);
          assert.match(warnings[0], /is not a Socketscope session file/, what);
        }
        assert.deepEqual(
          damaged.map((r) => [r.start, r.end]),
          [[0, sample.length]],
          `${what}: ${warnings.join(' | ')}`,
        );
        store.close();
        assert.equal(hashOf(path), before, `${what}: the file changed`);
        assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false, what);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a crash during the first write of a new session leaves a session that still records', () => {
  const dir = tempDir();
  try {
    const path = join(dir, LOG_FILE_NAME);
    SessionStore.open(dir).store.close();
    const format = readFileSync(path);
    for (const cut of [2, 6, 12, format.length - 1]) {
      writeFileSync(path, format.subarray(0, cut));
      const { store, damaged } = SessionStore.open(dir);
      assert.equal(store.writable, true, `cut at ${cut}`);
      assert.deepEqual(damaged, [{ start: 0, end: cut, reason: 'torn' }]);
      store.close();
      assert.equal(statSync(path).size, cut, 'nothing rewritten');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a deferred load reports the same regions and never truncates', () => {
  const dir = tempDir();
  try {
    newSession(dir, 30);
    const path = join(dir, LOG_FILE_NAME);
    const bytes = readFileSync(path);
    const layout = layoutOf(bytes);
    bytes[layout[40].start + 3] ^= 0x10;
    const cut = layout.at(-1)!.start + 5;
    writeFileSync(path, bytes.subarray(0, cut));
    const before = hashOf(path);
    const eager = load(dir, { readOnly: true });
    const list: string[] = [];
    const { store, damaged } = SessionStore.open(dir, {
      deferLoad: true,
      onRecord: (record) => list.push(describe(record)),
    });
    assert.deepEqual(damaged, []);
    const found = [];
    for (let slices = 0; slices < 10_000; slices++) {
      const progress = store.loadSome(0);
      found.push(...progress.damaged);
      assert.equal(progress.warnings.length, progress.damaged.length);
      if (progress.done) break;
    }
    store.close();
    assert.deepEqual(found, eager.damaged);
    assert.deepEqual(
      found.map((r) => [r.start, r.end]),
      [
        [layout[40].start, layout[40].end],
        [layout.at(-1)!.start, cut],
      ],
    );
    assert.deepEqual(list, eager.list);
    assert.equal(hashOf(path), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only damaged stretches are scanned: a big session with damage loads at sequential speed', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    const chunk = Buffer.alloc(16 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + (i >> 7)) & 0xff;
    const count = 2000; // about 33 MB
    for (let i = 0; i < count; i++)
      store.appendCapture({
        type: 'data',
        connectionId: `c${i % 50}`,
        direction: 'in',
        offset: Math.floor(i / 50) * chunk.length,
        bytes: chunk,
        time: i,
      });
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const fd = openSync(path, 'r+');
    const size = statSync(path).size;
    // 4 MB of random bytes over the middle, and a flipped length near the start.
    writeSync(fd, randomBytes(4 << 20), 0, 4 << 20, Math.floor(size / 2));
    const second = 14 + readFileSync(path).readUInt32LE(2);
    writeSync(fd, Buffer.from([0xff]), 0, 1, second + 5);
    closeSync(fd);
    const started = performance.now();
    const opened = load(dir);
    const ms = performance.now() - started;
    console.log(`# ${(size / 1e6).toFixed(0)} MB with 4 MB damaged: opened in ${ms.toFixed(0)} ms`);
    assert.equal(opened.damaged.length, 2);
    const lost = Math.ceil((4 << 20) / (chunk.length + 14 + 20)) + 2;
    assert.ok(opened.list.length >= count - lost, `${opened.list.length} records loaded`);
    assert.ok(ms < 20_000, `took ${ms} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Core names each damaged region in a translated notice and leaves the file as it is', async () => {
  const home = tempDir();
  try {
    const dir = join(home, 'damaged-session');
    newSession(dir, 3);
    const path = join(dir, LOG_FILE_NAME);
    const bytes = readFileSync(path);
    const victim = layoutOf(bytes)[4];
    bytes[victim.start + 7] ^= 0x04;
    writeFileSync(path, bytes);
    const before = hashOf(path);
    const core = await createCore({ home, sessionDir: dir });
    try {
      const warnings = core.sessionWarnings();
      assert.deepEqual(
        warnings.map((m) => [m.key, m.params]),
        [['session.damagedRegion', { start: victim.start, end: victim.end }]],
      );
      assert.ok(`core.${warnings[0].key}` in en && `core.${warnings[0].key}` in zhCN);
      assert.match(warnings[0].text, new RegExp(`Bytes ${victim.start} to ${victim.end} `));
      assert.equal((await core.call('snapshot', {})).exchanges.length, 3);
    } finally {
      await core.close();
    }
    const after = readFileSync(path);
    assert.equal(
      createHash('sha256').update(after.subarray(0, bytes.length)).digest('hex'),
      before,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
