// Small reads of an append-only file through one cached block. A scan of a session's exchanges
// (a body search reads each one's request and response) goes through the file in order, a few
// hundred bytes at a time: with the block, a system call brings the next 256 KiB instead of one
// exchange's bytes. Bytes below the written size never change (the file is only appended to),
// so a block stays valid for as long as the file is open.

import { readExactly } from './record-scan';

const BLOCK_BYTES = 256 * 1024;
/** Larger reads go straight to the file: they would only cycle the block. */
const SMALL_READ = BLOCK_BYTES / 4;

export class FileBlocks {
  private block: Buffer | null = null;
  private blockAt = 0;
  private blockLength = 0;

  constructor(private readonly fd: number) {}

  /**
   * Fills `out[at … at+length]` with the file's bytes at `position`; `written` is how much of the
   * file is written (a block never reaches past it).
   */
  read(out: Buffer, at: number, length: number, position: number, written: number): void {
    const inBlock =
      this.block !== null &&
      position >= this.blockAt &&
      position + length <= this.blockAt + this.blockLength;
    if (!inBlock) {
      const size = Math.min(BLOCK_BYTES, written - position);
      if (length > SMALL_READ || size < length) {
        readExactly(this.fd, out, at, length, position);
        return;
      }
      this.block ??= Buffer.allocUnsafe(BLOCK_BYTES);
      this.blockLength = 0;
      readExactly(this.fd, this.block, 0, size, position);
      this.blockAt = position;
      this.blockLength = size;
    }
    const from = position - this.blockAt;
    this.block!.copy(out, at, from, from + length);
  }
}
