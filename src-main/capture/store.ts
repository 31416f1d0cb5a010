// A session's append-only record file. Each record is a 14-byte header (magic, type, metadata
// length, payload length, CRC-32 of everything after the header) followed by metadata and the raw
// payload bytes. The records of the capture path (`data`, requests, responses) have binary
// metadata; the rarer ones (connections, replayed or imported exchanges) are JSON, as all records
// of older files are. Writes are batched in memory slabs and flushed at least every `flushMs`;
// reading back uses an index of file offsets, so captured bytes live on disk.
//
// The checksum stays per record, not per flush block: a record is the unit that is skipped, so a
// damaged one costs only itself and the ones after it still load. zlib's crc32 is native and
// costs well under a microsecond for the few hundred bytes of a head; reading back checks short
// records with a JavaScript loop instead, cheaper than the call into zlib at that size.

import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CaptureEvent } from './events';
import type { ConnectionSummary, Direction, ExchangeSummary, Message } from '../protocol/types';
import { crc32 } from './crc32';
import {
  HeadView,
  readRequestMeta,
  readResponseMeta,
  requestMetaBound,
  responseMetaBound,
  writeRequestMeta,
  writeResponseMeta,
} from './head-records';
import {
  DATA_META_FIXED,
  HEADER_BYTES,
  MAGIC,
  RecordReader,
  RecordType,
  type ScannedRecord,
  SESSION_FORMAT_NAME,
  SESSION_FORMAT_VERSION,
  damageNotice,
  fileKind,
  foreignFileNotice,
  formatVersion,
  newerFormatNotice,
  readExactly,
  type DamagedRegion,
} from './record-scan';
import { FileBlocks } from './file-blocks';

import { acquireWriterLock, releaseWriterLock } from './writer-lock';

export const LOG_FILE_NAME = 'capture.sslog';
// Read once: an imported binding may be a getter (as a CommonJS transform makes it), and the
// load reads these for each of millions of records.
const DATA = RecordType.Data;
const REQUEST = RecordType.Request;
const RESPONSE = RecordType.Response;
const FORMAT = RecordType.Format;
const DATA_FIXED = DATA_META_FIXED;
export { LOCK_FILE_NAME, sessionWriter } from './writer-lock';
const SLAB_BYTES = 256 * 1024;
/** Where a data record's time (a double) sits in its metadata, after direction and offset. */
const DATA_TIME_AT = 9;
/** `timesAt` reads neighbouring times in one read when they are this close… */
const TIME_READ_GAP = 4 * 1024;
/** …and the read stays this short. */
const TIME_READ_SPAN = 64 * 1024;

/** A replayed or imported exchange: one connection, one request stream, one response stream. */
export interface StoredExchange {
  connection: ConnectionSummary;
  exchange: ExchangeSummary;
}

export type StoredRecord =
  | { kind: 'capture'; event: CaptureEvent }
  | { kind: 'exchange'; stored: StoredExchange; request: Uint8Array; response: Uint8Array };

/**
 * Receives a load faster than `onRecord`: the records the capture path writes most (data,
 * requests, responses in their common shape) arrive as fields read in place, with no event
 * object; every other record arrives whole at `record`, as `onRecord` would get it.
 */
export interface LoadSink {
  record(record: StoredRecord): void;
  /** A data record: `connectionId`'s stream in `direction` holds bytes up to `end`. */
  data(connectionId: string, direction: Direction, end: number): void;
  /** A request record; `head` holds its fields until the call returns. */
  request(connectionId: string, head: HeadView): void;
  /** A response record; `head` holds its fields until the call returns. */
  response(connectionId: string, head: HeadView): void;
}

export type FileWriter = (
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
) => number;

export interface OpenStoreOptions {
  /** Never writes. (No open rewrites a byte already in the file: damage is skipped and reported.) */
  readOnly?: boolean;
  flushMs?: number;
  /**
   * Called for every good record in order while loading. Byte arrays are views into a reused
   * read buffer: valid only during the call.
   */
  onRecord?: (record: StoredRecord) => void;
  /** In place of `onRecord`: the same records, the common ones as fields (see LoadSink). */
  sink?: LoadSink;
  /** Sync every flush to the disk (survives power loss, not only a crash of the process). */
  fsync?: boolean;
  /** Positional write used for records (default fs.writeSync; tests inject failures here). */
  write?: FileWriter;
  /** A background flush failed (disk full, …); the records stay pending for the next flush. */
  onError?: (error: unknown) => void;
  /**
   * Do not read the records now: `loadSome` reads them in slices later (a big session opens at
   * once and fills in). New records may be appended meanwhile; they go after the file's end.
   */
  deferLoad?: boolean;
}

/** Where a deferred load stands. */
export interface LoadProgress {
  done: boolean;
  loadedBytes: number;
  totalBytes: number;
  /** The warnings of this slice (one English sentence each: the texts of `notices`). */
  warnings: string[];
  /** The same warnings as messages with a key and parameters, for a translated notice. */
  notices: Message[];
  /** The damaged regions found in this slice, in file order. */
  damaged: DamagedRegion[];
}

export interface OpenedStore {
  store: SessionStore;
  records: number;
  /**
   * One English sentence per damaged region, and one when the file is opened read-only because
   * it is not safe to write (a newer format, or not a session file).
   */
  warnings: string[];
  /** The same warnings as messages with a key and parameters, for a translated notice. */
  notices: Message[];
  /** The damaged regions (skipped, left in the file), in file order. */
  damaged: DamagedRegion[];
}

interface StreamIndex {
  streamOffsets: number[];
  fileOffsets: number[];
  lengths: number[];
  /** Total bytes of the stream recorded so far. */
  end: number;
}

type WithoutBytes<T> = T extends unknown ? Omit<T, 'bytes' | 'body'> : never;
type CaptureMeta = WithoutBytes<CaptureEvent>;
interface ExchangeMeta extends StoredExchange {
  requestLength: number;
}

export class SessionStore {
  readonly dir: string;
  readonly path: string;
  private fd: number;
  private readonly readOnly: boolean;
  private readonly flushMs: number;
  /** Full slabs waiting for the next flush. */
  private pending: Buffer[] = [];
  private slab: Buffer | null = null;
  private slabUsed = 0;
  private flushedSize: number;
  /** Reads of the written file, neighbours from one cached block. */
  private readonly blocks: FileBlocks;
  private logicalSize: number;
  private timer: NodeJS.Timeout | null = null;
  /** connectionId → where each stream's chunks are in the file. */
  private readonly inbound = new Map<string, StreamIndex>();
  private readonly outbound = new Map<string, StreamIndex>();
  /**
   * Connections with chunks in records that keep no binary time (replayed or imported exchanges,
   * an older file's JSON data records): one entry a connection, none for a capture's.
   */
  private readonly untimed = new Set<string>();
  private closed = false;
  private unflushedRecords = 0;
  private fsync = false;
  private write: FileWriter = writeSync;
  private onError: ((error: unknown) => void) | undefined;
  /** A deferred load still to finish: the file's size at open and where reading stands. */
  private deferred: {
    size: number;
    reader: RecordReader;
    sink: LoadSink | null;
    onRecord: OpenStoreOptions['onRecord'];
  } | null = null;
  /** The connection id of the last data record loaded, and its UTF-8 bytes (see idOf). */
  private lastId = '';
  private lastIdBytes = Buffer.alloc(64);
  private lastIdLength = -1;
  /** One view per kind of head: each remembers the strings of the last head of its kind. */
  private readonly requestView = new HeadView();
  private readonly responseView = new HeadView();

  private constructor(dir: string, fd: number, size: number, readOnly: boolean, flushMs: number) {
    this.dir = dir;
    this.path = join(dir, LOG_FILE_NAME);
    this.fd = fd;
    this.blocks = new FileBlocks(fd);
    this.flushedSize = size;
    this.logicalSize = size;
    this.readOnly = readOnly;
    this.flushMs = flushMs;
  }

  /**
   * Opens (creating when writable) the session in `dir` and replays its records. Nothing in the
   * file is ever rewritten: damaged regions are skipped and reported, and new records go after
   * the file's end. A file of a newer format, or one that is not a session file, is opened
   * read-only (`writable` is false) with a warning saying why.
   */
  static open(dir: string, options: OpenStoreOptions = {}): OpenedStore {
    let readOnly = options.readOnly ?? false;
    const path = join(dir, LOG_FILE_NAME);
    if (readOnly && !existsSync(path)) throw new Error(`There is no session file in ${dir}.`);
    const notices: Message[] = [];
    const refusal = existsSync(path) ? writeRefusal(path, readOnly) : null;
    if (refusal) {
      notices.push(refusal);
      readOnly = true;
    }
    if (!readOnly) {
      mkdirSync(dir, { recursive: true });
      acquireWriterLock(dir);
      // Positional writes (not O_APPEND), so a failed flush can be retried at the same place.
      closeSync(openSync(path, 'a'));
    }
    let fd: number;
    try {
      fd = openSync(path, readOnly ? 'r' : 'r+');
    } catch (error) {
      if (!readOnly) releaseWriterLock(dir);
      throw error;
    }
    const size = fstatSync(fd).size;
    const store = new SessionStore(dir, fd, size, readOnly, options.flushMs ?? 50);
    store.onError = options.onError;
    store.fsync = options.fsync ?? false;
    if (options.write) store.write = options.write;
    if (size === 0 && !readOnly) {
      const format = { format: SESSION_FORMAT_NAME, version: SESSION_FORMAT_VERSION };
      store.append(RecordType.Format, JSON.stringify(format), []);
    }
    const sink = options.sink ?? null;
    const onRecord = sink ? (record: StoredRecord) => sink.record(record) : options.onRecord;
    const reader = new RecordReader(fd, size);
    if (options.deferLoad) {
      store.deferred = { size, reader, sink, onRecord };
      return { store, records: 0, warnings: notices.map((n) => n.text), notices, damaged: [] };
    }
    const { records, damaged } = store.load(reader, sink, onRecord);
    notices.push(...damaged.map(damageNotice));
    return { store, records, warnings: notices.map((n) => n.text), notices, damaged };
  }

  /** False when the session was opened read-only, asked for or because writing is not safe. */
  get writable(): boolean {
    return !this.readOnly;
  }

  /** Reads the next records of a deferred load for about `budgetMs` (at least one record). */
  loadSome(budgetMs: number): LoadProgress {
    const deferred = this.deferred;
    if (deferred === null)
      return {
        done: true,
        loadedBytes: 0,
        totalBytes: 0,
        warnings: [],
        notices: [],
        damaged: [],
      };
    const until = Date.now() + budgetMs;
    let n = 0;
    const result = this.load(
      deferred.reader,
      deferred.sink,
      deferred.onRecord,
      () => ++n % 1024 === 0 && Date.now() >= until,
    );
    const done = !result.paused;
    if (done) this.deferred = null;
    const notices = result.damaged.map(damageNotice);
    return {
      done,
      loadedBytes: result.position,
      totalBytes: deferred.size,
      warnings: notices.map((n) => n.text),
      notices,
      damaged: result.damaged,
    };
  }

  /** Bytes in the file, counting records not yet flushed. */
  size(): number {
    return this.logicalSize;
  }

  appendCapture(event: CaptureEvent): void {
    if (event.type === 'server' || event.type === 'notice') return;
    if (event.type === 'data') {
      this.appendData(event.connectionId, event.direction, event.offset, event.time, event.bytes);
    } else if (event.type === 'request') {
      // The body is a slice of the inbound stream, already stored as data.
      this.beginRecord(requestMetaBound(event));
      const length = writeRequestMeta(this.slab!, this.slabUsed + HEADER_BYTES, event);
      this.endRecord(RecordType.Request, length);
    } else if (event.type === 'response') {
      this.beginRecord(responseMetaBound(event));
      const length = writeResponseMeta(this.slab!, this.slabUsed + HEADER_BYTES, event);
      this.endRecord(RecordType.Response, length);
    } else {
      this.append(RecordType.Capture, JSON.stringify(event), []);
    }
  }

  private appendData(
    connectionId: string,
    direction: Direction,
    offset: number,
    time: number,
    bytes: Uint8Array,
  ): void {
    this.beginRecord(DATA_META_FIXED + connectionId.length * 3 + bytes.length);
    const slab = this.slab!;
    const start = this.slabUsed;
    const metaStart = start + HEADER_BYTES;
    slab[metaStart] = direction === 'in' ? 0 : 1;
    slab.writeDoubleLE(offset, metaStart + 1);
    slab.writeDoubleLE(time, metaStart + DATA_TIME_AT);
    const idLength = slab.write(connectionId, metaStart + DATA_META_FIXED, 'utf8');
    const payloadAt = this.endRecord(RecordType.Data, DATA_META_FIXED + idLength, bytes);
    this.indexChunk(connectionId, direction, offset, payloadAt, bytes.length);
  }

  appendExchange(stored: StoredExchange, request: Uint8Array, response: Uint8Array): void {
    const meta: ExchangeMeta = { ...stored, requestLength: request.length };
    const payloadAt = this.append(RecordType.Exchange, JSON.stringify(meta), [request, response]);
    this.indexExchange(stored.connection.connectionId, payloadAt, request.length, response.length);
  }

  /** Bytes `offset … offset+length` of a connection's stream (shorter if the stream is). */
  read(connectionId: string, direction: Direction, offset: number, length: number): Uint8Array {
    const stream = this.streamOf(connectionId, direction);
    if (!stream || length <= 0 || offset >= stream.end) return new Uint8Array(0);
    const end = Math.min(stream.end, offset + length);
    if (this.flushedSize < this.logicalSize) this.flush();
    // Every byte returned is read into it (the result ends where the reads do).
    const out = Buffer.allocUnsafe(end - offset);
    let i = lastAtOrBefore(stream.streamOffsets, offset);
    let filled = 0;
    while (i < stream.streamOffsets.length && filled < out.length) {
      const chunkStart = stream.streamOffsets[i];
      const from = Math.max(offset + filled, chunkStart) - chunkStart;
      const take = Math.min(stream.lengths[i] - from, out.length - filled);
      if (take > 0) {
        this.blocks.read(out, filled, take, stream.fileOffsets[i] + from, this.flushedSize);
        filled += take;
      }
      i++;
    }
    return out.subarray(0, filled);
  }

  /**
   * When the bytes at `offsets` of a connection's stream were recorded: the time (ms since the
   * epoch) of the data record holding each, or null where there is none (past the stream's end,
   * a gap, a replayed or imported exchange, a record of an older file). Each time is the 8 bytes
   * of its record's metadata just before the connection id, which the payload follows: read from
   * the file, neighbours in one read, or from the slabs not yet flushed.
   */
  timesAt(
    connectionId: string,
    direction: Direction,
    offsets: readonly number[],
  ): (number | null)[] {
    const times = new Array<number | null>(offsets.length).fill(null);
    const stream = this.streamOf(connectionId, direction);
    if (!stream || this.untimed.has(connectionId)) return times;
    const back = Buffer.byteLength(connectionId, 'utf8') + DATA_META_FIXED - DATA_TIME_AT;
    const at = offsets.map((offset) => {
      if (!(offset >= 0 && offset < stream.end)) return -1;
      const i = lastAtOrBefore(stream.streamOffsets, offset);
      const chunkStart = stream.streamOffsets[i];
      if (offset < chunkStart || offset >= chunkStart + stream.lengths[i]) return -1;
      return stream.fileOffsets[i] - back;
    });
    const positions = [...new Set(at.filter((p) => p >= 0))].sort((a, b) => a - b);
    const found = new Map<number, number>();
    for (let g = 0; g < positions.length;) {
      const from = positions[g];
      let h = g + 1;
      while (
        h < positions.length &&
        positions[h] - (positions[h - 1] + 8) <= TIME_READ_GAP &&
        positions[h] + 8 - from <= TIME_READ_SPAN
      )
        h++;
      const buffer = Buffer.allocUnsafe(positions[h - 1] + 8 - from);
      this.readLogical(buffer, from);
      for (; g < h; g++) {
        const time = buffer.readDoubleLE(positions[g] - from);
        if (Number.isFinite(time)) found.set(positions[g], time);
      }
    }
    for (let k = 0; k < at.length; k++) times[k] = found.get(at[k]) ?? null;
    return times;
  }

  /** Fills `out` with the bytes at `position` of the file as written so far, flushed or not. */
  private readLogical(out: Buffer, position: number): void {
    let filled = 0;
    if (position < this.flushedSize) {
      filled = Math.min(out.length, this.flushedSize - position);
      readExactly(this.fd, out, 0, filled, position);
    }
    // Not yet flushed: the pending parts in order, then the current slab.
    let partStart = this.flushedSize;
    const parts = this.slab
      ? [...this.pending, this.slab.subarray(0, this.slabUsed)]
      : this.pending;
    for (const part of parts) {
      if (filled >= out.length) break;
      const partEnd = partStart + part.length;
      const at = position + filled;
      if (at < partEnd) {
        const take = Math.min(partEnd - at, out.length - filled);
        part.copy(out, filled, at - partStart, at - partStart + take);
        filled += take;
      }
      partStart = partEnd;
    }
    if (filled < out.length) throw new Error(`The session file has no byte ${position + filled}.`);
  }

  streamLength(connectionId: string, direction: Direction): number {
    return this.streamOf(connectionId, direction)?.end ?? 0;
  }

  /** Whether every flush is also synced to the disk. */
  setFsync(on: boolean): void {
    this.fsync = on;
  }

  /** Bytes of records not yet handed to the OS (kept in memory while writes fail). */
  pendingBytes(): number {
    return this.logicalSize - this.flushedSize;
  }

  /** Records not yet handed to the OS. */
  pendingRecords(): number {
    return this.unflushedRecords;
  }

  /**
   * Writes every pending record to the file now (and syncs it with `fsync`). Throws when the
   * file cannot be written; the records then stay pending, in order, for the next call.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.closed || this.logicalSize === this.flushedSize) return;
    if (this.slab && this.slabUsed > 0) {
      this.pending.push(this.slab.subarray(0, this.slabUsed));
      this.slabUsed = 0;
    }
    try {
      // Part by part, each at its place (positional writes): a retry after a failure rewrites
      // the same bytes at the same offset, so nothing is duplicated.
      while (this.pending.length > 0) {
        const part = this.pending[0];
        let written = 0;
        while (written < part.length) {
          written += this.write(
            this.fd,
            part,
            written,
            part.length - written,
            this.flushedSize + written,
          );
        }
        this.flushedSize += part.length;
        this.pending.shift();
      }
      if (this.fsync) fdatasyncSync(this.fd);
    } catch (error) {
      // The pending parts may be views of the current slab: new records go to a fresh one.
      this.slab = null;
      this.slabUsed = 0;
      throw error;
    }
    this.unflushedRecords = 0;
    // Written synchronously: the current slab is free again (an oversized one is dropped).
    if (this.slab && this.slab.length > SLAB_BYTES) this.slab = null;
  }

  /**
   * Writes what is pending (one more try after a failure), closes the file and releases the lock,
   * whatever happens. Returns what could not be saved, or null when everything was.
   */
  close(): { records: number; bytes: number; error: unknown } | null {
    if (this.closed) return null;
    let lost: { records: number; bytes: number; error: unknown } | null = null;
    if (!this.readOnly) {
      try {
        this.flush();
      } catch (error) {
        lost = { records: this.unflushedRecords, bytes: this.pendingBytes(), error };
      }
    }
    this.closed = true;
    try {
      closeSync(this.fd);
    } finally {
      if (!this.readOnly) releaseWriterLock(this.dir);
    }
    return lost;
  }

  private append(type: RecordType, json: string, payload: Uint8Array[]): number {
    let payloadLength = 0;
    for (const part of payload) payloadLength += part.length;
    this.beginRecord(json.length * 3 + payloadLength);
    const metaStart = this.slabUsed + HEADER_BYTES;
    const metaLength = this.slab!.write(json, metaStart, 'utf8');
    return this.endRecord(type, metaLength, payload[0], payload[1]);
  }

  /** Makes room in the slab for a record whose metadata and payload take at most `bytes`. */
  private beginRecord(bytes: number): void {
    if (this.readOnly || this.closed) throw new Error('The session is not open for writing.');
    // Records are laid out in a shared slab: no allocation per record.
    this.reserve(HEADER_BYTES + bytes);
  }

  /**
   * Completes the record at the slab's end, whose metadata is already in place: copies the
   * payload after it, writes the header and returns the file offset of the payload.
   */
  private endRecord(
    type: RecordType,
    metaLength: number,
    first?: Uint8Array,
    second?: Uint8Array,
  ): number {
    const slab = this.slab!;
    const start = this.slabUsed;
    const metaStart = start + HEADER_BYTES;
    let at = metaStart + metaLength;
    if (first) {
      slab.set(first, at);
      at += first.length;
    }
    if (second) {
      slab.set(second, at);
      at += second.length;
    }
    const payloadLength = at - metaStart - metaLength;
    slab[start] = MAGIC;
    slab[start + 1] = type;
    slab.writeUInt32LE(metaLength, start + 2);
    slab.writeUInt32LE(payloadLength, start + 6);
    slab.writeUInt32LE(crc32(slab.subarray(metaStart, at)), start + 10);
    this.slabUsed = at;
    this.unflushedRecords++;
    const payloadAt = this.logicalSize + HEADER_BYTES + metaLength;
    this.logicalSize = payloadAt + payloadLength;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        try {
          this.flush();
        } catch (error) {
          // Kept pending: the next flush retries, and the owner hears about it.
          this.onError?.(error);
        }
      }, this.flushMs);
      this.timer.unref();
    }
    return payloadAt;
  }

  /** The current slab, with room for `bytes` more (earlier slabs move to the pending list). */
  private reserve(bytes: number): Buffer {
    if (this.slab && this.slabUsed + bytes <= this.slab.length) return this.slab;
    if (this.slab && this.slabUsed > 0) this.pending.push(this.slab.subarray(0, this.slabUsed));
    this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, bytes));
    this.slabUsed = 0;
    return this.slab;
  }

  private streamOf(connectionId: string, direction: Direction): StreamIndex | undefined {
    return (direction === 'in' ? this.inbound : this.outbound).get(connectionId);
  }

  private indexChunk(
    connectionId: string,
    direction: Direction,
    offset: number,
    at: number,
    length: number,
  ): void {
    if (length === 0) return;
    const streams = direction === 'in' ? this.inbound : this.outbound;
    let stream = streams.get(connectionId);
    if (!stream) {
      stream = { streamOffsets: [], fileOffsets: [], lengths: [], end: 0 };
      streams.set(connectionId, stream);
    }
    stream.streamOffsets.push(offset);
    stream.fileOffsets.push(at);
    stream.lengths.push(length);
    stream.end = Math.max(stream.end, offset + length);
  }

  private indexExchange(
    connectionId: string,
    at: number,
    requestLength: number,
    responseLength: number,
  ): void {
    this.indexChunk(connectionId, 'in', 0, at, requestLength);
    this.indexChunk(connectionId, 'out', 0, at + requestLength, responseLength);
    this.untimed.add(connectionId);
  }

  /** Replays the intact records up to the reader's end; damaged regions are only reported. */
  private load(
    reader: RecordReader,
    sink: LoadSink | null,
    onRecord: OpenStoreOptions['onRecord'],
    pause?: () => boolean,
  ): { records: number; position: number; damaged: DamagedRegion[]; paused?: boolean } {
    const damaged: DamagedRegion[] = [];
    let records = 0;
    for (;;) {
      if (pause?.()) return { records, position: reader.position, damaged, paused: true };
      const found = reader.next(damaged);
      if (!found) break;
      const type = found.type;
      if (type === FORMAT) {
        // Its version was read at open; one that makes no sense is only reported.
        if (formatVersion(found.meta) === null)
          damaged.push({ start: found.start, end: found.end, reason: 'unreadable' });
        continue;
      }
      if (sink !== null && this.loadFast(type, found, sink)) {
        records++;
        continue;
      }
      const record = this.decode(type, found.meta, found.payload, found.payloadAt);
      if (record) {
        records++;
        onRecord?.(record);
      } else {
        damaged.push({ start: found.start, end: found.end, reason: 'unreadable' });
      }
    }
    return { records, position: reader.position, damaged };
  }

  /**
   * The common records read in place and handed to the sink as fields; false leaves the record
   * to `decode` (another type, or a shape read only there, which also judges it unreadable).
   */
  private loadFast(type: number, found: ScannedRecord, sink: LoadSink): boolean {
    const { bytes, data, metaAt, metaEnd } = found;
    if (type === DATA) {
      if (metaEnd - metaAt < DATA_FIXED || bytes[metaAt] > 1) return false;
      const offset = data.getFloat64(metaAt + 1, true);
      if (!Number.isSafeInteger(offset) || offset < 0) return false;
      const connectionId = this.idOf(bytes, metaAt + DATA_FIXED, metaEnd);
      const direction: Direction = bytes[metaAt] === 0 ? 'in' : 'out';
      const length = found.bodyEnd - metaEnd;
      this.indexChunk(connectionId, direction, offset, found.payloadAt, length);
      sink.data(connectionId, direction, offset + length);
      return true;
    }
    if (type !== REQUEST && type !== RESPONSE) return false;
    if (found.bodyEnd !== metaEnd) return false;
    const head = type === REQUEST ? this.requestView : this.responseView;
    if (
      type === REQUEST
        ? !head.readRequest(bytes, data, metaAt, metaEnd)
        : !head.readResponse(bytes, data, metaAt, metaEnd)
    )
      return false;
    const connectionId = head.string(0);
    if (type === REQUEST) sink.request(connectionId, head);
    else sink.response(connectionId, head);
    return true;
  }

  /**
   * The connection id in `bytes[from … to)`: the previous one when the bytes are the same (a
   * connection's records mostly follow one another), so it is decoded once per run of them.
   */
  private idOf(bytes: Buffer, from: number, to: number): string {
    const length = to - from;
    const last = this.lastIdBytes;
    if (length === this.lastIdLength) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (bytes[from + i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastId;
    }
    const id = bytes.toString('utf8', from, to);
    if (length <= last.length) {
      bytes.copy(last, 0, from, to);
      this.lastIdLength = length;
      this.lastId = id;
    }
    return id;
  }

  private decodeData(
    meta: Uint8Array,
    payload: Uint8Array,
    payloadAt: number,
  ): StoredRecord | null {
    if (meta.length < DATA_META_FIXED || meta[0] > 1) return null;
    const view = Buffer.from(meta.buffer, meta.byteOffset, meta.length);
    const direction: Direction = meta[0] === 0 ? 'in' : 'out';
    const offset = view.readDoubleLE(1);
    const time = view.readDoubleLE(DATA_TIME_AT);
    if (!Number.isSafeInteger(offset) || offset < 0) return null;
    const connectionId = view.toString('utf8', DATA_META_FIXED);
    this.indexChunk(connectionId, direction, offset, payloadAt, payload.length);
    return {
      kind: 'capture',
      event: { type: 'data', connectionId, direction, offset, bytes: payload, time },
    };
  }

  private decode(
    type: number,
    metaBytes: Uint8Array,
    payload: Uint8Array,
    payloadAt: number,
  ): StoredRecord | null {
    if (type === RecordType.Data) return this.decodeData(metaBytes, payload, payloadAt);
    if (type === RecordType.Request || type === RecordType.Response) {
      if (payload.length > 0) return null;
      const view = Buffer.from(metaBytes.buffer, metaBytes.byteOffset, metaBytes.length);
      const meta = type === RecordType.Request ? readRequestMeta(view) : readResponseMeta(view);
      if (!meta) return null;
      return {
        kind: 'capture',
        event: meta.type === 'request' ? { ...meta, body: new Uint8Array(0) } : meta,
      };
    }
    let meta: unknown;
    try {
      meta = JSON.parse(
        Buffer.from(metaBytes.buffer, metaBytes.byteOffset, metaBytes.length).toString('utf8'),
      );
    } catch {
      return null;
    }
    if (typeof meta !== 'object' || meta === null) return null;
    if (type === RecordType.Capture) {
      const event = meta as CaptureMeta;
      if (event.type === 'data') {
        this.indexChunk(
          event.connectionId,
          event.direction,
          event.offset,
          payloadAt,
          payload.length,
        );
        this.untimed.add(event.connectionId);
        return { kind: 'capture', event: { ...event, bytes: payload } };
      }
      if (event.type === 'request')
        return { kind: 'capture', event: { ...event, body: new Uint8Array(0) } };
      return { kind: 'capture', event: event as CaptureEvent };
    }
    if (type === RecordType.Exchange) {
      const { requestLength, ...stored } = meta as ExchangeMeta;
      if (!stored.connection || !stored.exchange || requestLength > payload.length) return null;
      this.indexExchange(
        stored.connection.connectionId,
        payloadAt,
        requestLength,
        payload.length - requestLength,
      );
      return {
        kind: 'exchange',
        stored,
        request: payload.subarray(0, requestLength),
        response: payload.subarray(requestLength),
      };
    }
    return null;
  }
}

/**
 * Why an existing session file must not be written to (a newer format, or not a session file at
 * all), as a notice, or null. Read-only opens hear only of a newer format.
 */
function writeRefusal(path: string, readOnly: boolean): Message | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    const kind = fileKind(fd, size);
    if (kind.version > SESSION_FORMAT_VERSION) return newerFormatNotice(path, kind.version);
    return kind.foreign && !readOnly ? foreignFileNotice(path) : null;
  } finally {
    closeSync(fd);
  }
}

/** Index of the last element ≤ value in a sorted array (0 when none). */
function lastAtOrBefore(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
