// A connection's exchanges by their index on it → their rows in the exchange table. A keep-alive
// connection can carry hundreds of thousands of requests: as a JS array those are as many
// elements for the garbage collector to walk and, worse, live heap that V8 multiplies when it
// sizes the heap. The first indexes live in a small array, then in a typed array that grows by
// doubling; an index far past the others (an imported session can name any) goes to a map.

const SMALL = 16;
/** An index at least this far past the dense ones, and this many times their count, is sparse. */
const SPARSE_GAP = 4096;
const NONE = -1;

export class ConnectionRows {
  private small: number[] = [];
  private dense: Int32Array | null = null;
  /** One past the highest dense index set. */
  private end = 0;
  private sparse: Map<number, number> | null = null;

  get(index: number): number {
    if (!Number.isSafeInteger(index) || index < 0) return NONE;
    if (index < this.end) {
      const row = this.dense !== null ? this.dense[index] : this.small[index];
      if (row !== undefined && row !== NONE) return row;
    }
    return this.sparse?.get(index) ?? NONE;
  }

  set(index: number, row: number): void {
    if (!Number.isSafeInteger(index) || index < 0) return;
    if (index >= Math.max(SPARSE_GAP, this.end * 4)) {
      (this.sparse ??= new Map()).set(index, row);
      return;
    }
    this.sparse?.delete(index);
    if (this.dense === null && index < SMALL) {
      while (this.small.length < index) this.small.push(NONE);
      this.small[index] = row;
    } else {
      this.room(index + 1)[index] = row;
    }
    if (index >= this.end) this.end = index + 1;
  }

  delete(index: number): void {
    this.sparse?.delete(index);
    if (index < 0 || index >= this.end) return;
    if (this.dense !== null) this.dense[index] = NONE;
    else if (index < this.small.length) this.small[index] = NONE;
  }

  /** The rows set, in the order of their indexes. */
  rows(): number[] {
    const found: [number, number][] = [];
    for (let index = 0; index < this.end; index++) {
      const row = this.dense !== null ? this.dense[index] : this.small[index];
      if (row !== undefined && row !== NONE) found.push([index, row]);
    }
    if (this.sparse !== null && this.sparse.size > 0) {
      found.push(...this.sparse);
      found.sort((a, b) => a[0] - b[0]);
    }
    return found.map(([, row]) => row);
  }

  private room(length: number): Int32Array {
    let dense = this.dense;
    if (dense === null || dense.length < length) {
      let size = Math.max(SMALL * 2, dense?.length ?? 0);
      while (size < length) size *= 2;
      const grown = new Int32Array(size).fill(NONE);
      if (dense !== null) grown.set(dense);
      else grown.set(this.small);
      this.small = [];
      dense = this.dense = grown;
    }
    return dense;
  }
}
