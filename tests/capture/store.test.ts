import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32, crc32Js } from '../../src-main/capture/crc32';
import {
  LOCK_FILE_NAME,
  LOG_FILE_NAME,
  SessionStore,
  type StoredRecord,
} from '../../src-main/capture/store';
import {
  createSession,
  deleteSession,
  isValidSessionId,
  listSessions,
  renameSession,
} from '../../src-main/capture/sessions';
import type { CaptureEvent } from '../../src-main/capture/events';
import { rawRecord, storedExchange } from './store-fixtures';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'socketscope-store-'));
}

/** Reopens `dir` and returns the records with their bytes copied out of the read buffer. */
function reopen(dir: string, readOnly = true) {
  const records: StoredRecord[] = [];
  const opened = SessionStore.open(dir, {
    readOnly,
    onRecord: (record) => {
      if (record.kind === 'capture' && record.event.type === 'data') {
        records.push({
          kind: 'capture',
          event: { ...record.event, bytes: Buffer.from(record.event.bytes) },
        });
      } else if (record.kind === 'exchange') {
        records.push({
          ...record,
          request: Buffer.from(record.request),
          response: Buffer.from(record.response),
        });
      } else {
        records.push(record);
      }
    },
  });
  return { ...opened, list: records };
}

function data(offset: number, text: string, direction: 'in' | 'out' = 'in'): CaptureEvent {
  return {
    type: 'data',
    connectionId: 'c1',
    direction,
    offset,
    bytes: Buffer.from(text, 'latin1'),
    time: 1000 + offset,
  };
}

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.from('6789'), crc32(Buffer.from('12345'))), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('records survive a reopen with every byte, and reads cross chunk boundaries', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    const open: CaptureEvent = {
      type: 'connectionOpen',
      connectionId: 'c1',
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
      localPort: 8080,
      time: 1,
    };
    store.appendCapture(open);
    store.appendCapture(data(0, 'GET / HT'));
    store.appendCapture(data(8, 'TP/1.1\r\n\r\n'));
    store.appendCapture({
      type: 'request',
      connectionId: 'c1',
      index: 0,
      time: 2,
      span: { offset: 0, length: 18 },
      head: { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [] },
      body: new Uint8Array(0),
    });
    const binary = Buffer.from([0, 1, 2, 255, 254, 13, 10]);
    store.appendCapture({
      type: 'data',
      connectionId: 'c1',
      direction: 'out',
      offset: 0,
      bytes: binary,
      time: 3,
    });
    store.appendExchange(storedExchange('r1'), Buffer.from('abc'), Buffer.from('wxyz'));
    store.appendCapture({
      type: 'notice',
      level: 'info',
      message: { key: 'k', text: 'not stored' },
    });
    assert.equal(store.read('c1', 'in', 5, 6).toString(), ' HTTP/');
    store.close();

    const { list, warnings, store: again } = reopen(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      list.map((r) => (r.kind === 'capture' ? r.event.type : 'exchange')),
      ['connectionOpen', 'data', 'data', 'request', 'data', 'exchange'],
    );
    assert.deepEqual(list[0], { kind: 'capture', event: open });
    const out = list[4];
    assert.ok(out.kind === 'capture' && out.event.type === 'data');
    assert.deepEqual(Buffer.from(out.event.bytes), binary);
    assert.equal(again.read('c1', 'in', 0, 100).toString(), 'GET / HTTP/1.1\r\n\r\n');
    assert.equal(again.read('c1', 'in', 7, 2).toString(), 'TT');
    assert.deepEqual(Buffer.from(again.read('c1', 'out', 3, 10)), binary.subarray(3));
    assert.equal(again.read('r1', 'in', 0, 10).toString(), 'abc');
    assert.equal(again.read('r1', 'out', 1, 2).toString(), 'xy');
    assert.equal(again.read('c1', 'in', 50, 5).length, 0);
    assert.equal(again.read('nobody', 'in', 0, 5).length, 0);
    assert.equal(again.streamLength('c1', 'in'), 18);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writes are batched and reach the file within the flush interval', async () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir, { flushMs: 20 });
    store.appendCapture(data(0, 'hello'));
    const path = join(dir, LOG_FILE_NAME);
    assert.equal(statSync(path).size, 0, 'nothing is written synchronously');
    assert.ok(store.size() > 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(statSync(path).size, store.size());
    store.appendCapture(data(5, ' world'));
    store.flush();
    assert.equal(statSync(path).size, store.size());
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last record is skipped with a warning, kept, and later appends follow it', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture(data(0, 'first'));
    store.appendCapture(data(5, 'second'));
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const size = statSync(path).size;
    truncateSync(path, size - 3);
    const tornAt = reopen(dir).damaged[0]!.start;

    const readOnly = reopen(dir);
    assert.equal(readOnly.list.length, 1);
    assert.equal(readOnly.warnings.length, 1);
    assert.match(readOnly.warnings[0], /incomplete/);
    assert.deepEqual(readOnly.damaged, [{ start: tornAt, end: size - 3, reason: 'torn' }]);
    readOnly.store.close();
    assert.equal(statSync(path).size, size - 3, 'read-only opening leaves the file alone');

    const writable = reopen(dir, false);
    assert.equal(writable.list.length, 1);
    writable.store.appendCapture(data(5, 'again'));
    writable.store.close();
    assert.ok(statSync(path).size > size - 3, 'the torn record is kept; new records follow it');
    const final = reopen(dir);
    assert.deepEqual(
      final.damaged.map((r) => [r.start, r.end]),
      [[tornAt, size - 3]],
    );
    assert.equal(final.store.read('c1', 'in', 0, 100).toString(), 'firstagain');
    final.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a record failing its checksum is skipped; the records after it still load', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture(data(0, 'aaaa'));
    store.flush();
    const damagedAt = store.size() - 1;
    store.appendCapture(data(4, 'bbbb'));
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const bytes = readFileSync(path);
    bytes[damagedAt] ^= 0xff;
    writeFileSync(path, bytes);
    const { list, warnings, store: again } = reopen(dir);
    assert.equal(list.length, 1);
    assert.ok(list[0].kind === 'capture' && list[0].event.type === 'data');
    assert.equal(Buffer.from(list[0].event.bytes).toString(), 'bbbb');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /damaged/);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('garbage instead of a session file loads as empty with a warning, never a failure', () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, LOG_FILE_NAME), Buffer.from('this is not a session file at all'));
    const { list, warnings, store } = reopen(dir);
    assert.equal(list.length, 0);
    assert.equal(warnings.length, 1);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('any chunking of a stream reads back identically over any range (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 }),
      fc.nat(500),
      fc.nat(500),
      (chunks, from, length) => {
        const dir = tempDir();
        try {
          const { store } = SessionStore.open(dir);
          let offset = 0;
          for (const chunk of chunks) {
            store.appendCapture({
              type: 'data',
              connectionId: 'x',
              direction: 'in',
              offset,
              bytes: chunk,
              time: 0,
            });
            offset += chunk.length;
          }
          const whole = Buffer.concat(chunks);
          const expected = whole.subarray(
            Math.min(from, whole.length),
            Math.min(from + length, whole.length),
          );
          assert.deepEqual(Buffer.from(store.read('x', 'in', from, length)), expected);
          store.close();
          const again = reopen(dir);
          assert.deepEqual(Buffer.from(again.store.read('x', 'in', from, length)), expected);
          again.store.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('sessions are created, listed newest first, renamed and deleted; bad ids are refused', () => {
  const root = tempDir();
  try {
    const older = createSession(root, 'Older', Date.UTC(2025, 0, 1));
    const newer = createSession(root, undefined, Date.UTC(2025, 5, 1));
    const list = listSessions(root, join(root, newer.id));
    assert.deepEqual(
      list.map((s) => [s.id, s.active]),
      [
        [newer.id, true],
        [older.id, false],
      ],
    );
    assert.equal(list[1].name, 'Older');
    assert.match(list[0].name, /^Session 2025-06-01/);
    assert.equal(renameSession(root, older.id, '  Renamed\n ').name, 'Renamed');
    assert.equal(listSessions(root, null)[1].name, 'Renamed');
    assert.throws(() => renameSession(root, older.id, '   '), /empty/);
    deleteSession(root, older.id);
    assert.deepEqual(
      listSessions(root, null).map((s) => s.id),
      [newer.id],
    );
    for (const bad of ['..', '../x', 'a/b', '', '.hidden', 'x\u0000']) {
      assert.equal(isValidSessionId(bad), false, bad);
      assert.throws(() => deleteSession(root, bad), /Invalid session id/);
    }
    assert.throws(() => deleteSession(root, older.id), /No session/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test(
  'the portable crc32 agrees with zlib on any input (property)',
  { skip: typeof zlibCrc32 !== 'function' ? 'zlib.crc32 is not available in this Node' : false },
  () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        assert.equal(crc32Js(bytes), zlibCrc32(bytes));
        assert.equal(crc32Js(bytes.subarray(at), crc32Js(bytes.subarray(0, at))), zlibCrc32(bytes));
        assert.equal(crc32(bytes), zlibCrc32(bytes));
      }),
      { numRuns: 300 },
    );
  },
);

test('records larger than a slab and many small ones interleave correctly', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    const big = Buffer.alloc(600 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    let offset = 0;
    const expected: Buffer[] = [];
    for (let i = 0; i < 3000; i++) {
      const chunk = i % 1000 === 500 ? big : Buffer.from(`chunk ${i};`);
      store.appendCapture({
        type: 'data',
        connectionId: 'c',
        direction: 'in',
        offset,
        bytes: chunk,
        time: i,
      });
      expected.push(chunk);
      offset += chunk.length;
      if (i % 700 === 0) store.flush();
    }
    store.close();
    const again = reopen(dir);
    assert.deepEqual(again.warnings, []);
    assert.equal(again.list.length, 3000);
    assert.deepEqual(Buffer.from(again.store.read('c', 'in', 0, offset)), Buffer.concat(expected));
    again.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one writer at a time: a second writer is refused, a stale lock is taken over', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    assert.throws(() => SessionStore.open(dir), /being recorded by process/);
    const reader = SessionStore.open(dir, { readOnly: true });
    reader.store.close();
    store.close();
    assert.equal(existsSync(join(dir, LOCK_FILE_NAME)), false);
    // A lock left behind by a process that no longer exists.
    writeFileSync(join(dir, LOCK_FILE_NAME), '2147483646');
    const again = SessionStore.open(dir);
    again.store.close();
    assert.throws(
      () => SessionStore.open(join(dir, 'missing'), { readOnly: true }),
      /no session file/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('data records keep every field: any connection id, offsets past 4 GiB, both directions', () => {
  const dir = tempDir();
  try {
    const events: CaptureEvent[] = [
      {
        type: 'data',
        connectionId: 'ü-c1.2',
        direction: 'in',
        offset: 2 ** 33 + 5,
        bytes: Buffer.from('abc'),
        time: 1.5e12,
      },
      {
        type: 'data',
        connectionId: 'x',
        direction: 'out',
        offset: 0,
        bytes: Buffer.alloc(0),
        time: 7,
      },
    ];
    const { store } = SessionStore.open(dir);
    for (const event of events) store.appendCapture(event);
    store.close();
    const { list, warnings, store: again } = reopen(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      list.map((r) => (r.kind === 'capture' ? { ...r.event } : r)),
      events.map((e) => (e.type === 'data' ? { ...e, bytes: Buffer.from(e.bytes) } : e)),
    );
    assert.equal(Buffer.from(again.read('ü-c1.2', 'in', 2 ** 33 + 6, 2)).toString(), 'bc');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sessions written with JSON data records still load', () => {
  const dir = tempDir();
  try {
    const meta = Buffer.from(
      JSON.stringify({ type: 'data', connectionId: 'old', direction: 'in', offset: 0, time: 3 }),
    );
    writeFileSync(join(dir, LOG_FILE_NAME), rawRecord(1, meta, Buffer.from('GET / HTTP/1.1')));
    const { list, warnings, store } = reopen(dir);
    assert.deepEqual(warnings, []);
    assert.equal(list.length, 1);
    const [record] = list;
    assert.ok(record.kind === 'capture' && record.event.type === 'data');
    assert.equal(record.event.connectionId, 'old');
    assert.equal(Buffer.from(store.read('old', 'in', 4, 1)).toString(), '/');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data record whose binary metadata makes no sense is skipped, never trusted', () => {
  const dir = tempDir();
  try {
    const badDirection = Buffer.alloc(18);
    badDirection[0] = 7;
    const badOffset = Buffer.alloc(18);
    badOffset.writeDoubleLE(-1, 1);
    const tooShort = Buffer.alloc(5);
    const good = Buffer.alloc(19);
    good.write('c9', 17);
    writeFileSync(
      join(dir, LOG_FILE_NAME),
      Buffer.concat([
        rawRecord(3, badDirection, Buffer.from('x')),
        rawRecord(3, badOffset, Buffer.from('x')),
        rawRecord(3, tooShort, Buffer.from('x')),
        rawRecord(3, good, Buffer.from('ok')),
      ]),
    );
    const { list, warnings, store } = reopen(dir);
    assert.equal(warnings.length, 3);
    for (const warning of warnings) assert.match(warning, /could not be read/);
    assert.equal(list.length, 1);
    assert.equal(Buffer.from(store.read('c9', 'in', 0, 2)).toString(), 'ok');
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type RequestEvent = Extract<CaptureEvent, { type: 'request' }>;
type ResponseEvent = Extract<CaptureEvent, { type: 'response' }>;

function requestEvent(connectionId: string, index: number, target: string): RequestEvent {
  return {
    type: 'request',
    connectionId,
    index,
    time: 1.7e12 + index + 0.25,
    span: { offset: 2 ** 33 + index, length: 40 + index },
    head: {
      method: 'POST',
      target,
      version: 'HTTP/1.1',
      headers: [
        ['Host', 'ü.example'],
        ['X-Empty', ''],
        ['Content-Type', 'text/plain; charset=utf-8'],
      ],
    },
    body: new Uint8Array(0),
  };
}

function responseEvent(
  connectionId: string,
  index: number,
  head: ResponseEvent['head'],
  ruleId: string | null,
): ResponseEvent {
  return {
    type: 'response',
    connectionId,
    index,
    time: 1.7e12 + index + 0.5,
    span: { offset: 100 * index, length: 99 },
    head,
    ruleId,
  };
}

test('request and response records keep every field in their binary form', () => {
  const dir = tempDir();
  try {
    const events: CaptureEvent[] = [
      requestEvent('c1', 0, '/a?b=ü&€'),
      { ...requestEvent('c1.2', 7, '*'), head: { ...requestEvent('c', 0, '/').head, headers: [] } },
      responseEvent(
        'c1',
        0,
        { version: 'HTTP/1.1', status: 200, reason: 'OK ✓', headers: [['Set-Cookie', 'a=1']] },
        'rule-ü',
      ),
      responseEvent('c1.2', 7, { version: 'HTTP/1.0', status: 999, reason: '', headers: [] }, null),
      responseEvent('c1', 1, null, null),
      responseEvent('c1', 2, null, ''),
    ];
    const { store } = SessionStore.open(dir);
    for (const event of events) store.appendCapture(event);
    store.close();
    const { list, warnings, store: again } = reopen(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      list.map((r) => (r.kind === 'capture' ? r.event : r)),
      events,
    );
    again.close();
    const file = readFileSync(join(dir, LOG_FILE_NAME));
    assert.equal(file.indexOf('"method"'), -1, 'no JSON on the capture path');
    assert.equal(file[1], 6, 'the format record first');
    assert.equal(file[14 + file.readUInt32LE(2) + 1], 4, 'then a request record');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lone surrogate in a head reads back as U+FFFD and the strings after it stay whole', () => {
  const dir = tempDir();
  try {
    const event = requestEvent('c1', 0, '/x\ud800y');
    event.head.headers.push(['A\udc00', 'after']);
    const { store } = SessionStore.open(dir);
    store.appendCapture(event);
    store.close();
    const { list, warnings, store: again } = reopen(dir);
    assert.deepEqual(warnings, []);
    const [record] = list;
    assert.ok(record?.kind === 'capture' && record.event.type === 'request');
    assert.equal(record.event.head.target, '/x\ufffdy');
    assert.deepEqual(record.event.head.headers.at(-1), ['A\ufffd', 'after']);
    assert.equal(record.event.head.version, 'HTTP/1.1');
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sessions written with JSON request and response records still load', () => {
  const dir = tempDir();
  try {
    const request = requestEvent('old', 0, '/old');
    const { body: _body, ...requestMeta } = request;
    const response = responseEvent(
      'old',
      0,
      { version: 'HTTP/1.1', status: 404, reason: 'Not Found', headers: [] },
      null,
    );
    writeFileSync(
      join(dir, LOG_FILE_NAME),
      Buffer.concat([
        rawRecord(1, Buffer.from(JSON.stringify(requestMeta)), Buffer.alloc(0)),
        rawRecord(1, Buffer.from(JSON.stringify(response)), Buffer.alloc(0)),
      ]),
    );
    const { list, warnings, store } = reopen(dir);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      list.map((r) => (r.kind === 'capture' ? r.event : r)),
      [request, response],
    );
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn or corrupt request or response record is skipped with a warning', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture(requestEvent('c1', 0, '/first'));
    store.flush();
    const damagedAt = store.size() - 3;
    store.appendCapture(requestEvent('c1', 1, '/second'));
    store.appendCapture(responseEvent('c1', 1, null, 'r'));
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const bytes = readFileSync(path);
    bytes[damagedAt] ^= 0x20;
    writeFileSync(path, bytes);

    const corrupt = reopen(dir);
    assert.equal(corrupt.warnings.length, 1);
    assert.match(corrupt.warnings[0]!, /damaged/);
    assert.deepEqual(
      corrupt.list.map((r) => (r.kind === 'capture' ? r.event.type : r.kind)),
      ['request', 'response'],
    );
    corrupt.store.close();

    truncateSync(path, bytes.length - 2);
    const torn = reopen(dir);
    assert.equal(torn.warnings.length, 2);
    assert.match(torn.warnings[1]!, /incomplete/);
    assert.equal(torn.list.length, 1);
    const [second] = torn.list;
    assert.ok(second?.kind === 'capture' && second.event.type === 'request');
    assert.equal(second.event.head.target, '/second');
    torn.store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('request and response records whose binary metadata does not add up are skipped', () => {
  const dir = tempDir();
  try {
    const { store } = SessionStore.open(dir);
    store.appendCapture(requestEvent('c1', 0, '/good'));
    store.appendCapture(responseEvent('c1', 0, null, null));
    store.close();
    const path = join(dir, LOG_FILE_NAME);
    const good = readFileSync(path);
    const requestMeta = good.subarray(14, 14 + good.readUInt32LE(2));
    const badCount = Buffer.from(requestMeta);
    badCount.writeUInt32LE(0xffffffff, 32);
    const badLength = Buffer.from(requestMeta);
    badLength.writeUInt32LE(badLength.readUInt32LE(36) + 1, 36);
    const badIndex = Buffer.from(requestMeta);
    badIndex.writeDoubleLE(-1, 24);
    const oddStrings = Buffer.from(requestMeta);
    oddStrings.writeUInt32LE(oddStrings.readUInt32LE(32) - 1, 32);
    const badFlags = Buffer.alloc(45);
    badFlags[40] = 9;
    writeFileSync(
      path,
      Buffer.concat([
        rawRecord(4, badCount, Buffer.alloc(0)),
        rawRecord(4, badLength, Buffer.alloc(0)),
        rawRecord(4, badIndex, Buffer.alloc(0)),
        rawRecord(4, oddStrings, Buffer.alloc(0)),
        rawRecord(4, Buffer.alloc(10), Buffer.alloc(0)),
        rawRecord(4, requestMeta, Buffer.from('payload')),
        rawRecord(5, badFlags, Buffer.alloc(0)),
        rawRecord(5, Buffer.alloc(41), Buffer.alloc(0)),
        good,
      ]),
    );
    const { list, warnings, store: again } = reopen(dir);
    assert.equal(warnings.length, 8);
    for (const warning of warnings) assert.match(warning, /could not be read/);
    assert.deepEqual(
      list.map((r) => (r.kind === 'capture' ? r.event.type : r.kind)),
      ['request', 'response'],
    );
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
