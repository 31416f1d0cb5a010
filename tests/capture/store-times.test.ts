// SessionStore.timesAt: when the bytes at given stream offsets were recorded, read from each data
// record's metadata in the file or in the slabs not yet flushed, and null where nothing is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_FILE_NAME, SessionStore, type LoadSink } from '../../src-main/capture/store';
import type { Direction } from '../../src-main/protocol/types';
import { rawRecord, storedExchange } from './store-fixtures';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'socketscope-times-'));
}

function withDir(body: (dir: string) => void): void {
  const dir = tempDir();
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store that flushes only when told to. */
function openStore(dir: string, options: Parameters<typeof SessionStore.open>[1] = {}) {
  return SessionStore.open(dir, { flushMs: 3_600_000, ...options }).store;
}

function chunk(
  store: SessionStore,
  connectionId: string,
  direction: Direction,
  offset: number,
  length: number,
  time: number,
): void {
  store.appendCapture({
    type: 'data',
    connectionId,
    direction,
    offset,
    bytes: Buffer.alloc(length, 0x61),
    time,
  });
}

// Chunks of 'c1' in: [0,10) at t=1000.5, [10,11) at 2000.25, [11,31) at 3000.
const T0 = 1.7e12 + 0.5;
function recordThree(store: SessionStore, id = 'c1'): void {
  chunk(store, id, 'in', 0, 10, T0);
  chunk(store, id, 'out', 0, 5, T0 + 1);
  chunk(store, id, 'in', 10, 1, T0 + 1000.25);
  chunk(store, id, 'in', 11, 20, T0 + 2000);
}
const ASKED = [0, 9, 10, 11, 30, 31, 1000, 5, 9, 0];
const EXPECTED = [T0, T0, T0 + 1000.25, T0 + 2000, T0 + 2000, null, null, T0, T0, T0];

test('times of the chunks holding each offset: inside, at both edges and past the end', () => {
  withDir((dir) => {
    const store = openStore(dir);
    recordThree(store);
    store.flush();
    assert.deepEqual(store.timesAt('c1', 'in', ASKED), EXPECTED);
    assert.deepEqual(store.timesAt('c1', 'out', [0, 4, 5]), [T0 + 1, T0 + 1, null]);
    assert.deepEqual(store.timesAt('c1', 'in', []), []);
    assert.deepEqual(store.timesAt('nope', 'in', [0, 1]), [null, null]);
    store.close();
  });
});

test('records not yet flushed are answered from memory, and the same once flushed', () => {
  withDir((dir) => {
    const store = openStore(dir);
    recordThree(store);
    assert.ok(store.pendingRecords() > 0, 'nothing flushed yet');
    assert.deepEqual(store.timesAt('c1', 'in', ASKED), EXPECTED);
    assert.ok(store.pendingRecords() > 0, 'asking does not flush');
    // Half flushed, half pending: one answer spans the file and the slab.
    store.flush();
    chunk(store, 'c1', 'in', 31, 4, T0 + 3000);
    assert.deepEqual(store.timesAt('c1', 'in', [30, 31, 34, 35]), [
      T0 + 2000,
      T0 + 3000,
      T0 + 3000,
      null,
    ]);
    store.flush();
    assert.deepEqual(store.timesAt('c1', 'in', [0, 34]), [T0, T0 + 3000]);
    store.close();
  });
});

test('several slabs pending, and records kept in memory while the disk refuses them', () => {
  withDir((dir) => {
    let failing = false;
    const store = openStore(dir, {
      write: (fd, buffer, offset, length, position) => {
        if (failing) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
        return writeSync(fd, buffer, offset, length, position);
      },
    });
    // 100 KiB chunks: the 256 KiB slabs fill, and earlier ones wait in the pending list.
    const size = 100 * 1024;
    for (let i = 0; i < 6; i++) chunk(store, 'big', 'out', i * size, size, 5000 + i);
    const ends = Array.from({ length: 6 }, (_, i) => (i + 1) * size - 1);
    assert.deepEqual(
      store.timesAt('big', 'out', ends),
      ends.map((_, i) => 5000 + i),
    );
    failing = true;
    assert.throws(() => store.flush(), /no space/);
    chunk(store, 'big', 'out', 6 * size, 10, 6000);
    assert.deepEqual(store.timesAt('big', 'out', [0, 3 * size, 6 * size + 9]), [5000, 5003, 6000]);
    failing = false;
    store.flush();
    assert.equal(store.pendingBytes(), 0);
    assert.deepEqual(store.timesAt('big', 'out', [0, 3 * size, 6 * size + 9]), [5000, 5003, 6000]);
    store.close();
  });
});

test('a reopened session answers the same, through either way of loading, for any connection id', () => {
  withDir((dir) => {
    const store = openStore(dir);
    // A multi-byte id: the time sits before the id's UTF-8 bytes, not its UTF-16 length.
    recordThree(store, 'ü-連-1');
    // Many small chunks far apart and close together: read in groups, each time its own.
    for (let i = 0; i < 300; i++) chunk(store, 'many', 'in', i * 3, 3, 100 + i);
    chunk(store, 'far', 'in', 0, 64 * 1024, 1);
    chunk(store, 'many', 'in', 900, 3, 400);
    store.close();

    const sink: LoadSink = { record() {}, data() {}, request() {}, response() {} };
    for (const options of [{ readOnly: true }, { readOnly: true, sink }]) {
      const { store: again } = SessionStore.open(dir, options);
      assert.deepEqual(again.timesAt('ü-連-1', 'in', ASKED), EXPECTED);
      const offsets = Array.from({ length: 301 }, (_, i) => i * 3 + 2);
      assert.deepEqual(
        again.timesAt('many', 'in', offsets),
        offsets.map((_, i) => 100 + i),
      );
      assert.deepEqual(again.timesAt('far', 'in', [65535, 65536]), [1, null]);
      again.close();
    }
  });
});

test('a replayed exchange and an older file’s JSON data records have no recorded time', () => {
  withDir((dir) => {
    const store = openStore(dir);
    store.appendExchange(storedExchange('r1'), Buffer.from('abc'), Buffer.from('wxyz'));
    assert.deepEqual(store.timesAt('r1', 'in', [0, 2]), [null, null]);
    assert.deepEqual(store.timesAt('r1', 'out', [0, 3]), [null, null]);
    store.close();
  });
  withDir((dir) => {
    const meta = Buffer.from(
      JSON.stringify({ type: 'data', connectionId: 'old', direction: 'in', offset: 0, time: 3 }),
    );
    writeFileSync(join(dir, LOG_FILE_NAME), rawRecord(1, meta, Buffer.from('GET / HTTP/1.1')));
    const { store } = SessionStore.open(dir, { readOnly: true, onRecord: () => {} });
    assert.equal(Buffer.from(store.read('old', 'in', 4, 1)).toString(), '/');
    assert.deepEqual(store.timesAt('old', 'in', [0, 13]), [null, null]);
    store.close();
  });
});
