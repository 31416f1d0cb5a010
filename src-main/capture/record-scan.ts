// Reads a session file's records in order and steps over damage; nothing here writes.
//
// A record is a 14-byte header (magic, type, metadata length, payload length, CRC-32 of the
// metadata and payload) followed by the metadata and the payload. The normal path is a straight
// sequential read in large blocks. Only where a record is damaged does the reader scan forward,
// byte by byte, for the next offset that holds an intact record (magic, known type, sane lengths
// that fit in the file, matching CRC), so one flipped byte costs at most the record it is in.
// The CRC does not cover the header, so a header that looks right but whose lengths are wrong
// shows up as a checksum failure; the scan starts at the byte after the damaged record's start
// either way. (A payload that itself holds session records, with a byte flipped in that very
// record, would have its inner records read as records: the price of not trusting lengths.)

import { readSync } from 'node:fs';
import type { Message } from '../protocol/types';
import { crc32, crc32Range } from './crc32';

export const MAGIC = 0x53; // 'S'
export const HEADER_BYTES = 14;
/** Refuse absurd lengths from a corrupt header rather than allocating them. */
export const MAX_RECORD_BYTES = 1 << 30;
/** Data metadata: direction (0 in, 1 out), stream offset (f64), time (f64), connection id (UTF-8). */
export const DATA_META_FIXED = 17;

/**
 * Capture: JSON event. Exchange: JSON StoredExchange + request + response. Data: binary metadata
 * and the bytes. Request, Response: binary metadata (head-records.ts), no payload. Format: JSON
 * `SESSION_FORMAT`, the first record of every file created since version 2.
 */
export const RecordType = {
  Capture: 1,
  Exchange: 2,
  Data: 3,
  Request: 4,
  Response: 5,
  Format: 6,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const SESSION_FORMAT_NAME = 'socketscope-session';
/** The newest session format this code reads and writes. Files without a format record are 1. */
export const SESSION_FORMAT_VERSION = 3;

/** A damaged stretch of a session file, `start` inclusive, `end` exclusive. */
export interface DamagedRegion {
  start: number;
  end: number;
  /**
   * `torn`: the file ends inside a record (an interrupted write). `damaged`: bytes that hold no
   * intact record. `unreadable`: an intact record whose contents make no sense.
   */
  reason: 'torn' | 'damaged' | 'unreadable';
}

/**
 * An intact record, as the reader's window holds it: `bytes[metaAt … payloadAt)` is the metadata
 * and `bytes[payloadAt … bodyEnd)` the payload (indices into `bytes`, not file offsets). The
 * reader reuses one of these: it and its views are valid until the reader's next call.
 */
export class ScannedRecord {
  type = 0;
  /** File offsets of the record's first byte, its payload and its end. */
  start = 0;
  payloadAt = 0;
  end = 0;
  bytes: Buffer = Buffer.alloc(0);
  /** A view of `bytes` for reading numbers in place. */
  data: DataView = new DataView(new ArrayBuffer(0));
  metaAt = 0;
  metaEnd = 0;
  bodyEnd = 0;

  get meta(): Buffer {
    return this.bytes.subarray(this.metaAt, this.metaEnd);
  }

  get payload(): Buffer {
    return this.bytes.subarray(this.metaEnd, this.bodyEnd);
  }
}

const BLOCK_BYTES = 1 << 20;
/** A resync candidate's metadata is a head or a small JSON object, never near this. */
const MAX_CANDIDATE_META = 16 << 20;

export class RecordReader {
  /** Where the next record is looked for. */
  position: number;
  private buffer: Buffer;
  /** The window: file bytes `start … start+length` are `buffer[0 … length]`. */
  private start = 0;
  private length = 0;
  private scratch: Buffer | null = null;
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private readonly record = new ScannedRecord();

  /** Reads `fd` from `from` up to `size` (bytes past `size` are not looked at). */
  constructor(
    private readonly fd: number,
    private readonly size: number,
    from = 0,
  ) {
    this.position = from;
    this.buffer = Buffer.allocUnsafe(Math.min(BLOCK_BYTES, size));
  }

  /** The next intact record, or null at the end; damaged regions before it go to `damaged`. */
  next(damaged: DamagedRegion[]): ScannedRecord | null {
    while (this.position < this.size) {
      const at = this.position;
      let fits = false;
      if (at + HEADER_BYTES <= this.size) {
        // The hot path: read in place, no view or object per record.
        if (at < this.start || at + HEADER_BYTES > this.start + this.length)
          this.fill(at, HEADER_BYTES);
        const h = at - this.start;
        const magic = this.buffer[h];
        const type = this.buffer[h + 1];
        const metaLength = readU32(this.buffer, h + 2);
        const payloadLength = readU32(this.buffer, h + 6);
        const checksum = readU32(this.buffer, h + 10);
        const bodyAt = at + HEADER_BYTES;
        const bodyLength = metaLength + payloadLength;
        const end = bodyAt + bodyLength;
        fits =
          metaLength <= MAX_RECORD_BYTES && payloadLength <= MAX_RECORD_BYTES && end <= this.size;
        // A large body is checked in pieces first: a damaged length must not allocate it.
        const checked = bodyLength > BLOCK_BYTES;
        if (
          magic === MAGIC &&
          fits &&
          (!checked || this.checksumOf(bodyAt, bodyLength) === checksum)
        ) {
          if (end > this.start + this.length) this.fill(bodyAt, bodyLength);
          const from = bodyAt - this.start;
          if (checked || crc32Range(this.buffer, from, from + bodyLength) === checksum) {
            this.position = end;
            const record = this.record;
            record.type = type;
            record.start = at;
            record.payloadAt = bodyAt + metaLength;
            record.end = end;
            if (record.bytes !== this.buffer) {
              record.bytes = this.buffer;
              record.data = new DataView(
                this.buffer.buffer,
                this.buffer.byteOffset,
                this.buffer.length,
              );
            }
            record.metaAt = from;
            record.metaEnd = from + metaLength;
            record.bodyEnd = from + bodyLength;
            return record;
          }
        }
      }
      // The lengths are not trusted even when the header looks right: a flipped length can point
      // at a later record boundary, and a torn record's length at records appended after it.
      const next = this.resync(at + 1);
      const torn = next === this.size && !fits && this.startsLikeRecord(at);
      damaged.push({ start: at, end: next, reason: torn ? 'torn' : 'damaged' });
      this.position = next;
    }
    return null;
  }

  /** Whether the bytes at `at` begin like a record header (magic, then a known type). */
  private startsLikeRecord(at: number): boolean {
    const bytes = this.bytesAt(at, Math.min(2, this.size - at), this.header);
    return (
      bytes[0] === MAGIC &&
      (bytes.length < 2 || (bytes[1] >= RecordType.Capture && bytes[1] <= RecordType.Format))
    );
  }

  /** The first offset at or after `from` where an intact record starts, or the size. */
  private resync(from: number): number {
    let q = from;
    while (q + HEADER_BYTES <= this.size) {
      if (q < this.start || q >= this.start + this.length) this.fill(q, BLOCK_BYTES);
      const found = this.buffer.subarray(0, this.length).indexOf(MAGIC, q - this.start);
      if (found === -1) {
        q = this.start + this.length;
        continue;
      }
      const candidate = this.start + found;
      if (this.intactAt(candidate)) return candidate;
      q = candidate + 1;
    }
    return this.size;
  }

  /** Whether a plausible, intact record starts at `at`. Leaves the window where it is. */
  private intactAt(at: number): boolean {
    if (at + HEADER_BYTES > this.size) return false;
    const header = this.bytesAt(at, HEADER_BYTES, this.header);
    if (header[0] !== MAGIC) return false;
    const type = header[1];
    const metaLength = header.readUInt32LE(2);
    const payloadLength = header.readUInt32LE(6);
    const minMeta = type === RecordType.Data ? DATA_META_FIXED : 2;
    if (type < RecordType.Capture || type > RecordType.Format) return false;
    if (metaLength < minMeta || metaLength > MAX_CANDIDATE_META) return false;
    if (payloadLength > MAX_RECORD_BYTES) return false;
    if ((type === RecordType.Request || type === RecordType.Response) && payloadLength > 0)
      return false;
    if (at + HEADER_BYTES + metaLength + payloadLength > this.size) return false;
    return (
      this.checksumOf(at + HEADER_BYTES, metaLength + payloadLength) === header.readUInt32LE(10)
    );
  }

  /** CRC-32 of file bytes `at … at+length`, from the window when it holds them. */
  private checksumOf(at: number, length: number): number {
    if (at >= this.start && at + length <= this.start + this.length) {
      const from = at - this.start;
      return crc32(this.buffer.subarray(from, from + length));
    }
    this.scratch ??= Buffer.allocUnsafe(BLOCK_BYTES);
    let crc = 0;
    for (let done = 0; done < length;) {
      const take = Math.min(this.scratch.length, length - done);
      readExactly(this.fd, this.scratch, 0, take, at + done);
      crc = crc32(this.scratch.subarray(0, take), crc);
      done += take;
    }
    return crc;
  }

  /** File bytes `at … at+length` (length ≤ target's), from the window or read into `target`. */
  private bytesAt(at: number, length: number, target: Buffer): Buffer {
    if (at >= this.start && at + length <= this.start + this.length) {
      const from = at - this.start;
      return this.buffer.subarray(from, from + length);
    }
    readExactly(this.fd, target, 0, length, at);
    return target.subarray(0, length);
  }

  /** File bytes `at … at+length` (which must be in the file), moving the window if needed. */
  private view(at: number, length: number): Buffer {
    if (at < this.start || at + length > this.start + this.length) this.fill(at, length);
    const from = at - this.start;
    return this.buffer.subarray(from, from + length);
  }

  /** Moves the window to start at `at`, holding at least `length` bytes. */
  private fill(at: number, length: number): void {
    // One oversized record gets a buffer of its own; the next small read goes back to blocks.
    // Only the bytes read are ever looked at, so the buffers need no zeroing.
    if (length > BLOCK_BYTES) this.buffer = Buffer.allocUnsafe(length);
    else if (this.buffer.length > BLOCK_BYTES) this.buffer = Buffer.allocUnsafe(BLOCK_BYTES);
    const want = Math.min(this.buffer.length, this.size - at);
    readExactly(this.fd, this.buffer, 0, want, at);
    this.start = at;
    this.length = want;
  }
}

/** The format version a format record's metadata names, or null when it is not one. */
export function formatVersion(meta: Uint8Array): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(meta.buffer, meta.byteOffset, meta.length).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { format, version } = parsed as { format?: unknown; version?: unknown };
  return format === SESSION_FORMAT_NAME && Number.isSafeInteger(version) && (version as number) >= 1
    ? (version as number)
    : null;
}

/** What an existing session file's first intact record says about writing to it. */
export interface FileKind {
  /** The format version of the file (1 when it has no format record). */
  version: number;
  /** No intact record at all, and it does not start like a torn session record either. */
  foreign: boolean;
}

/** Reads the start of a file (nonempty, open on `fd`) to learn its format version. */
export function fileKind(fd: number, size: number): FileKind {
  const reader = new RecordReader(fd, size);
  const first = reader.next([]);
  if (first) {
    const version =
      first.start === 0 && first.type === RecordType.Format ? formatVersion(first.meta) : null;
    return { version: version ?? 1, foreign: false };
  }
  // A crash during the first write of a new session can leave a prefix of its format record.
  const start = Buffer.alloc(HEADER_BYTES);
  const read = readSync(fd, start, 0, HEADER_BYTES, 0);
  const torn =
    read >= 2 &&
    start[0] === MAGIC &&
    start[1] === RecordType.Format &&
    (read < 10 || HEADER_BYTES + start.readUInt32LE(2) + start.readUInt32LE(6) > size);
  return { version: 1, foreign: !torn };
}

/** The notice for one damaged region, in English with its key and parameters. */
export function damageNotice(region: DamagedRegion): Message {
  const { start, end } = region;
  if (region.reason === 'torn')
    return {
      key: 'session.tornTail',
      text: `The session file ends with an incomplete record at bytes ${start} to ${end} (an interrupted write); it was skipped and left in the file.`,
      params: { start, end },
    };
  if (region.reason === 'unreadable')
    return {
      key: 'session.recordUnreadable',
      text: `The record at bytes ${start} to ${end} of the session file could not be read; it was skipped and left in the file.`,
      params: { start, end },
    };
  return {
    key: 'session.damagedRegion',
    text: `Bytes ${start} to ${end} of the session file are damaged; they were skipped and left in the file.`,
    params: { start, end },
  };
}

/** The notice for a session written by a newer Socketscope, which is never written to. */
export function newerFormatNotice(path: string, version: number): Message {
  return {
    key: 'session.newerFormat',
    text: `${path} was written by a newer version of Socketscope (session format ${version}; this version knows up to ${SESSION_FORMAT_VERSION}), so it was opened read-only and will not be changed.`,
    params: { path, version, supported: SESSION_FORMAT_VERSION },
  };
}

/** The notice for a file that holds no session records, which is never written to. */
export function foreignFileNotice(path: string): Message {
  return {
    key: 'session.notSessionFile',
    text: `${path} is not a Socketscope session file (no record in it could be read), so it was opened read-only and will not be changed.`,
    params: { path },
  };
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

export function readExactly(
  fd: number,
  target: Buffer,
  at: number,
  length: number,
  position: number,
): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, target, at + done, length - done, position + done);
    if (n === 0) throw new Error(`Unexpected end of the session file at byte ${position + done}.`);
    done += n;
  }
}
