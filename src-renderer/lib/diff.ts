// A line diff (Myers' O(ND) algorithm): the fewest lines removed from `a` and added from `b`
// that turn one into the other, and the unchanged runs between them folded to a few lines of
// context. Pure: the repeater's diff view and its tests use it.

export type DiffOp = 'same' | 'removed' | 'added';

export interface DiffLine {
  op: DiffOp;
  text: string;
  /** The line's index in `a` (null for an added line). */
  a: number | null;
  /** The line's index in `b` (null for a removed line). */
  b: number | null;
}

export interface LineDiff {
  lines: DiffLine[];
  removed: number;
  added: number;
  /**
   * True when the two differ in more than `maxEdits` lines: the differing middle is then shown
   * removed whole and added whole instead of aligned (aligning costs time with the edits).
   */
  rough: boolean;
}

/** How many changed lines are aligned at most before the diff gives up aligning (see `rough`). */
export const MAX_EDITS = 1000;

export function diffLines(
  a: readonly string[],
  b: readonly string[],
  maxEdits = MAX_EDITS,
): LineDiff {
  // The common head and tail cost nothing to align; Myers runs on the middle only.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const lines: DiffLine[] = [];
  for (let i = 0; i < start; i++) lines.push({ op: 'same', text: a[i], a: i, b: i });
  const middle = myers(a, b, start, endA, endB, maxEdits);
  const rough = middle === null;
  if (middle) lines.push(...middle);
  else {
    for (let i = start; i < endA; i++) lines.push({ op: 'removed', text: a[i], a: i, b: null });
    for (let j = start; j < endB; j++) lines.push({ op: 'added', text: b[j], a: null, b: j });
  }
  for (let i = endA, j = endB; i < a.length; i++, j++)
    lines.push({ op: 'same', text: a[i], a: i, b: j });
  let removed = 0;
  let added = 0;
  for (const line of lines) {
    if (line.op === 'removed') removed++;
    else if (line.op === 'added') added++;
  }
  return { lines, removed, added, rough };
}

/**
 * The edit script of a[from…endA] against b[from…endB], or null when it needs more than
 * `maxEdits` edits. Keeps, for each edit count d, the furthest x reached on the diagonals −d…d.
 */
function myers(
  a: readonly string[],
  b: readonly string[],
  from: number,
  endA: number,
  endB: number,
  maxEdits: number,
): DiffLine[] | null {
  const n = endA - from;
  const m = endB - from;
  if (n === 0 && m === 0) return [];
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v on the diagonals −d−1…d+1 as they were before step d.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[from + x] === b[from + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, from, n, m, trace);
    }
  }
  return null;
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  from: number,
  n: number,
  m: number,
  trace: Int32Array[],
): DiffLine[] {
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const saved = trace[d];
    const at = (k: number): number => saved[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ op: 'same', text: a[from + x], a: from + x, b: from + y });
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: 'added', text: b[from + prevY], a: null, b: from + prevY });
      else out.push({ op: 'removed', text: a[from + prevX], a: from + prevX, b: null });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** A run of unchanged lines left out of the view. */
export interface DiffSkip {
  skip: number;
}

/** The lines to show: every change with `context` unchanged lines around it, the rest folded. */
export function withContext(lines: readonly DiffLine[], context = 3): (DiffLine | DiffSkip)[] {
  const keep = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    if (line.op === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++)
      keep[j] = 1;
  });
  const out: (DiffLine | DiffSkip)[] = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (keep[i]) {
      if (skipped > 0) out.push({ skip: skipped });
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped > 0) out.push({ skip: skipped });
  return out;
}
