// The repeater's diff: Myers' line diff (minimal, and a true edit script of one into the other),
// context folding, and the comparison of two messages' heads and bodies as text and as hex.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diffLines, withContext, type DiffLine } from '../../src-renderer/lib/diff';
import {
  compareMessages,
  hexLines,
  messageLines,
  MAX_COMPARED_BYTES,
} from '../../src-renderer/lib/compare';

const ops = (lines: DiffLine[]): string =>
  lines.map((l) => `${{ same: ' ', removed: '-', added: '+' }[l.op]}${l.text}`).join('|');

/** The length of a longest common subsequence, by dynamic programming. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = up;
    }
  }
  return row[b.length];
}

test('equal lines give no change; one changed line is one removal and one addition in place', () => {
  const same = diffLines(['a', 'b'], ['a', 'b']);
  assert.equal(ops(same.lines), ' a| b');
  assert.deepEqual([same.removed, same.added, same.rough], [0, 0, false]);
  const changed = diffLines(
    ['HTTP/1.1 200 OK', 'X-Echo: one', 'Length: 2'],
    ['HTTP/1.1 200 OK', 'X-Echo: two', 'Length: 2'],
  );
  assert.equal(ops(changed.lines), ' HTTP/1.1 200 OK|-X-Echo: one|+X-Echo: two| Length: 2');
  assert.deepEqual(
    changed.lines.map((l) => [l.a, l.b]),
    [
      [0, 0],
      [1, null],
      [null, 1],
      [2, 2],
    ],
  );
  assert.equal(ops(diffLines([], ['x']).lines), '+x');
  assert.equal(ops(diffLines(['x'], []).lines), '-x');
  assert.equal(ops(diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e']).lines), ' a|-b| c| d|+e');
});

test('the diff is an edit script of a into b with the fewest edits (random inputs)', () => {
  const line = fc.constantFrom('a', 'b', 'c', 'd', '');
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (a, b) => {
      const { lines, removed, added, rough } = diffLines(a, b);
      assert.equal(rough, false);
      assert.deepEqual(
        lines.filter((l) => l.op !== 'added').map((l) => l.text),
        a,
      );
      assert.deepEqual(
        lines.filter((l) => l.op !== 'removed').map((l) => l.text),
        b,
      );
      for (const l of lines) {
        if (l.a !== null) assert.equal(a[l.a], l.text);
        if (l.b !== null) assert.equal(b[l.b], l.text);
      }
      const common = lcs(a, b);
      assert.equal(removed, a.length - common);
      assert.equal(added, b.length - common);
    }),
    { numRuns: 500 },
  );
});

test('past maxEdits the middle is shown removed and added whole, still a true script', () => {
  const a = Array.from({ length: 50 }, (_, i) => `a${i}`);
  const b = ['head', ...Array.from({ length: 50 }, (_, i) => `b${i}`), 'tail'];
  a.unshift('head');
  a.push('tail');
  const diff = diffLines(a, b, 10);
  assert.equal(diff.rough, true);
  assert.equal(diff.lines[0].op, 'same');
  assert.equal(diff.lines.at(-1)?.op, 'same');
  assert.deepEqual([diff.removed, diff.added], [50, 50]);
  assert.equal(diffLines(a, b).rough, false, 'the default bound aligns 100 edits');
});

test('unchanged runs fold to the context around each change', () => {
  const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
  const b = [...a];
  b[10] = 'changed';
  const shown = withContext(diffLines(a, b).lines, 2);
  assert.deepEqual(
    shown.map((item) => ('skip' in item ? `…${item.skip}` : `${item.op[0]}${item.text}`)),
    ['…8', 'sl8', 'sl9', 'rl10', 'achanged', 'sl11', 'sl12', '…7'],
  );
  assert.deepEqual(withContext(diffLines(['x'], ['x']).lines), [{ skip: 1 }]);
});

const response = (echo: string, body: string | Uint8Array): Uint8Array => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  return Buffer.concat([
    Buffer.from(`HTTP/1.1 200 OK\r\nX-Echo: ${echo}\r\nContent-Length: ${bytes.length}\r\n\r\n`),
    bytes,
  ]);
};

test('two responses compare head and body apart, as text and as hex', () => {
  const a = response('one', 'the first line, long\nline 2\n');
  const b = response('two', 'the first line, long\nline 3\n');
  const text = compareMessages(a, b, 'response', 'text');
  assert.equal(
    ops(text.head.lines),
    ' HTTP/1.1 200 OK|-X-Echo: one|+X-Echo: two| Content-Length: 28',
  );
  assert.equal(ops(text.body.lines).replace(/\|$/, ''), ' the first line, long|-line 2|+line 3| ');
  assert.equal(text.cut, false);

  const hex = compareMessages(a, b, 'response', 'hex');
  assert.ok(hex.head.removed > 0 && hex.head.added > 0);
  assert.ok(
    hex.head.lines.some((l) => l.op === 'added' && l.text.includes('74 77 6f')),
    'two',
  );
  assert.equal(hex.body.lines[0].op, 'same', 'the first 16 body bytes are alike');

  const chunked = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  );
  assert.deepEqual(messageLines(chunked, 'response', 'text').body, ['abc'], 'chunks are joined');
  const notHttp = messageLines(Buffer.from('hello\r\nthere'), 'response', 'text');
  assert.deepEqual(notHttp, { head: ['hello', 'there'], body: [], cut: false });
});

test('hex lines carry 16 bytes each, printable bytes beside them; a long body is cut', () => {
  const lines = hexLines(Uint8Array.from([0x48, 0x69, 0x00, ...new Array(15).fill(0x41)]));
  assert.equal(lines.length, 2);
  assert.equal(lines[0], '48 69 00 41 41 41 41 41  41 41 41 41 41 41 41 41  |Hi.AAAAAAAAAAAAA|');
  assert.equal(lines[1], `41 41${' '.repeat(3 * 14 + 1)}  |AA|`);
  const big = response('x', new Uint8Array(MAX_COMPARED_BYTES + 1));
  const cut = messageLines(big, 'response', 'hex');
  assert.equal(cut.cut, true);
  assert.equal(cut.body.length, MAX_COMPARED_BYTES / 16);
});
