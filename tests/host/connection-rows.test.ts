import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConnectionRows } from '../../src-main/host/connection-rows';

test('connection rows answer as a map of index → row would, dense, sparse and deleted alike', () => {
  const index = fc.oneof(fc.nat(40), fc.nat(100_000), fc.constantFrom(2 ** 31, 2 ** 40, 7e15));
  const step = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), index, row: fc.nat(2 ** 31 - 1) }),
    fc.record({ kind: fc.constant('delete' as const), index }),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
      const rows = new ConnectionRows();
      const model = new Map<number, number>();
      for (const s of steps) {
        if (s.kind === 'set') {
          rows.set(s.index, s.row);
          model.set(s.index, s.row);
        } else {
          rows.delete(s.index);
          model.delete(s.index);
        }
      }
      for (const s of steps) assert.equal(rows.get(s.index), model.get(s.index) ?? -1);
      assert.equal(rows.get(123_456_789), model.get(123_456_789) ?? -1);
      const ordered = [...model].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
      assert.deepEqual(rows.rows(), ordered);
    }),
  );
});

test('a connection of a million exchanges answers each by its index', () => {
  const rows = new ConnectionRows();
  for (let i = 0; i < 1_000_000; i++) rows.set(i, i * 3);
  assert.equal(rows.get(999_999), 2_999_997);
  assert.equal(rows.get(1_000_000), -1);
  assert.equal(rows.get(-1), -1);
  assert.equal(rows.get(0.5), -1);
});
