// Small reads of an append-only file through a few cached blocks. A scan of a session's
// exchanges (a body search reads each one's request and response) goes through the file in
// order, a few hundred bytes at a time, from the records of several connections side by side:
// with the blocks, a system call brings 64 KiB around them instead of one exchange's bytes.
// Bytes below the written size never change (the file is only appended to), so a block stays
// valid for as long as the file is open; only a block cut short by the written end is read again.

import { readExactly } from './record-scan';

const BLOCK_BYTES = 64 * 1024;
/** The most recently used blocks kept (2 MiB): a live session interleaves many connections. */
const MAX_BLOCKS = 32;
/** Larger reads go straight to the file: they would only cycle the blocks. */
const SMALL_READ = BLOCK_BYTES / 2;

interface Block {
  bytes: Buffer;
  /** How much of it holds the file (less than BLOCK_BYTES where the file was shorter). */
  length: number;
}

export class FileBlocks {
  /** By block number, least recently used first. */
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly fd: number) {}

  /**
   * Fills `out[at … at+length]` with the file's bytes at `position`; `written` is how much of the
   * file is written (a block never holds more).
   */
  read(out: Buffer, at: number, length: number, position: number, written: number): void {
    if (length > SMALL_READ) {
      readExactly(this.fd, out, at, length, position);
      return;
    }
    let done = 0;
    while (done < length) {
      const here = position + done;
      const index = Math.floor(here / BLOCK_BYTES);
      const from = here - index * BLOCK_BYTES;
      const block = this.blockHolding(index, from, written);
      if (block === null) {
        // Past the written end: the file says what is there (or that nothing is).
        readExactly(this.fd, out, at + done, length - done, here);
        return;
      }
      const take = Math.min(length - done, block.length - from);
      block.bytes.copy(out, at + done, from, from + take);
      done += take;
    }
  }

  /** Block `index` holding its byte `from`, read when it is not cached; null past `written`. */
  private blockHolding(index: number, from: number, written: number): Block | null {
    const cached = this.blocks.get(index);
    if (cached !== undefined) {
      this.blocks.delete(index);
      if (from < cached.length) {
        this.blocks.set(index, cached);
        return cached;
      }
    }
    const start = index * BLOCK_BYTES;
    const length = Math.min(BLOCK_BYTES, written - start);
    if (length <= from) return null;
    let bytes = cached?.bytes;
    if (bytes === undefined && this.blocks.size >= MAX_BLOCKS) {
      const [oldest, old] = this.blocks.entries().next().value as [number, Block];
      this.blocks.delete(oldest);
      bytes = old.bytes;
    }
    bytes ??= Buffer.allocUnsafe(BLOCK_BYTES);
    readExactly(this.fd, bytes, 0, length, start);
    const block = { bytes, length };
    this.blocks.set(index, block);
    return block;
  }
}
