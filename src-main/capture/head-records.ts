// Binary metadata of the session file's request and response records: no JSON on the capture
// path. Layout, little-endian: fixed numeric fields (f64, so any integer or time survives), then
// a u32 count of strings, a u32 length per string in UTF-16 code units, then all the strings as
// one UTF-8 run. One write and one decode per head; lengths in code units let the reader cut the
// decoded text without knowing where each string's bytes end (a lone surrogate is written as
// U+FFFD, still one unit, so the cut stays right). Anything that does not add up reads as null.

import { COMPLETE, NO_DEVIATIONS, type CaptureEvent, type ResponseEnding } from './events';
import type { Deviation } from '../protocol/types';

export type RequestMeta = Omit<Extract<CaptureEvent, { type: 'request' }>, 'body'>;
export type ResponseMeta = Extract<CaptureEvent, { type: 'response' }>;

/** time, span offset, span length, index. */
const REQUEST_FIXED = 32;
/** time, span offset, span length, index, status, flags (1 byte). */
const RESPONSE_FIXED = 41;
const HAS_HEAD = 1;
const HAS_RULE = 2;
/**
 * How a browser reads the response (deviations, ending) follows as the last string: empty for the
 * common case (complete, no deviation), else JSON. Written from session format 3 on.
 */
const HAS_READING = 4;
/** Strings before the header pairs: connection id, method, target, version. */
const REQUEST_STRINGS = 4;

/** Most bytes `writeRequestMeta` may write for this event. */
export function requestMetaBound(event: RequestMeta): number {
  const { head } = event;
  let units = event.connectionId.length + head.method.length;
  units += head.target.length + head.version.length;
  for (const [name, value] of head.headers) units += name.length + value.length;
  return REQUEST_FIXED + 4 * (1 + REQUEST_STRINGS + 2 * head.headers.length) + 3 * units;
}

/** Writes the request's metadata at `at` (room for `requestMetaBound`); returns its length. */
export function writeRequestMeta(out: Buffer, at: number, event: RequestMeta): number {
  const { head } = event;
  out.writeDoubleLE(event.time, at);
  out.writeDoubleLE(event.span.offset, at + 8);
  out.writeDoubleLE(event.span.length, at + 16);
  out.writeDoubleLE(event.index, at + 24);
  let p = at + REQUEST_FIXED;
  p = out.writeUInt32LE(REQUEST_STRINGS + 2 * head.headers.length, p);
  p = out.writeUInt32LE(event.connectionId.length, p);
  p = out.writeUInt32LE(head.method.length, p);
  p = out.writeUInt32LE(head.target.length, p);
  p = out.writeUInt32LE(head.version.length, p);
  let text = event.connectionId + head.method + head.target + head.version;
  for (const [name, value] of head.headers) {
    p = out.writeUInt32LE(name.length, p);
    p = out.writeUInt32LE(value.length, p);
    text += name + value;
  }
  p += out.write(text, p, 'utf8');
  return p - at;
}

/** Most bytes `writeResponseMeta` may write for this event. */
export function responseMetaBound(event: ResponseMeta): number {
  let strings = 1;
  let units = event.connectionId.length;
  if (event.ruleId !== null) {
    strings++;
    units += event.ruleId.length;
  }
  const { head } = event;
  if (head) {
    strings += 2 + 2 * head.headers.length;
    units += head.version.length + head.reason.length;
    for (const [name, value] of head.headers) units += name.length + value.length;
  }
  const reading = readingText(event);
  if (reading !== null) {
    strings++;
    units += reading.length;
  }
  return RESPONSE_FIXED + 4 * (1 + strings) + 3 * units;
}

/** The reading as stored: '' for complete without deviations; null when the event has none. */
function readingText(event: ResponseMeta): string | null {
  if (event.deviations === undefined && event.ending === undefined) return null;
  const deviations = event.deviations ?? NO_DEVIATIONS;
  const ending = event.ending ?? COMPLETE;
  if (deviations.length === 0 && ending.state === 'complete') return '';
  return JSON.stringify({ deviations, ending });
}

function parseReading(
  text: string,
): { deviations: readonly Deviation[]; ending: ResponseEnding } | null {
  if (text === '') return { deviations: NO_DEVIATIONS, ending: COMPLETE };
  try {
    const parsed = JSON.parse(text) as { deviations?: unknown; ending?: unknown };
    const { deviations, ending } = parsed;
    if (!Array.isArray(deviations) || typeof ending !== 'object' || ending === null) return null;
    const state = (ending as ResponseEnding).state;
    const missing = (ending as ResponseEnding).missing;
    if (state !== 'complete' && state !== 'truncated' && state !== 'refused') return null;
    if (missing !== null && !isCount(missing)) return null;
    const valid = deviations.every(
      (d: Deviation) =>
        typeof d === 'object' &&
        d !== null &&
        typeof d.code === 'string' &&
        isCount(d.offset) &&
        isCount(d.length) &&
        typeof d.rfc === 'string',
    );
    return valid ? { deviations: deviations as Deviation[], ending: { state, missing } } : null;
  } catch {
    return null;
  }
}

/** Writes the response's metadata at `at` (room for `responseMetaBound`); returns its length. */
export function writeResponseMeta(out: Buffer, at: number, event: ResponseMeta): number {
  const { head, ruleId } = event;
  out.writeDoubleLE(event.time, at);
  out.writeDoubleLE(event.span.offset, at + 8);
  out.writeDoubleLE(event.span.length, at + 16);
  out.writeDoubleLE(event.index, at + 24);
  out.writeDoubleLE(head ? head.status : 0, at + 32);
  const reading = readingText(event);
  out[at + 40] =
    (head ? HAS_HEAD : 0) | (ruleId !== null ? HAS_RULE : 0) | (reading !== null ? HAS_READING : 0);
  let p = at + RESPONSE_FIXED;
  const strings =
    1 +
    (ruleId !== null ? 1 : 0) +
    (head ? 2 + 2 * head.headers.length : 0) +
    (reading !== null ? 1 : 0);
  p = out.writeUInt32LE(strings, p);
  p = out.writeUInt32LE(event.connectionId.length, p);
  let text = event.connectionId;
  if (ruleId !== null) {
    p = out.writeUInt32LE(ruleId.length, p);
    text += ruleId;
  }
  if (head) {
    p = out.writeUInt32LE(head.version.length, p);
    p = out.writeUInt32LE(head.reason.length, p);
    text += head.version + head.reason;
    for (const [name, value] of head.headers) {
      p = out.writeUInt32LE(name.length, p);
      p = out.writeUInt32LE(value.length, p);
      text += name + value;
    }
  }
  if (reading !== null) {
    p = out.writeUInt32LE(reading.length, p);
    text += reading;
  }
  p += out.write(text, p, 'utf8');
  return p - at;
}

export function readRequestMeta(meta: Buffer): RequestMeta | null {
  if (meta.length < REQUEST_FIXED) return null;
  const time = meta.readDoubleLE(0);
  const offset = meta.readDoubleLE(8);
  const length = meta.readDoubleLE(16);
  const index = meta.readDoubleLE(24);
  if (!Number.isFinite(time) || !isCount(offset) || !isCount(length) || !isCount(index))
    return null;
  const strings = readStrings(meta, REQUEST_FIXED);
  if (!strings || strings.length < REQUEST_STRINGS || strings.length % 2 !== 0) return null;
  const [connectionId, method, target, version] = strings as [string, string, string, string];
  return {
    type: 'request',
    connectionId,
    index,
    time,
    span: { offset, length },
    head: { method, target, version, headers: pairs(strings, REQUEST_STRINGS) },
  };
}

export function readResponseMeta(meta: Buffer): ResponseMeta | null {
  if (meta.length < RESPONSE_FIXED) return null;
  const time = meta.readDoubleLE(0);
  const offset = meta.readDoubleLE(8);
  const length = meta.readDoubleLE(16);
  const index = meta.readDoubleLE(24);
  const status = meta.readDoubleLE(32);
  const flags = meta[40]!;
  if (!Number.isFinite(time) || !isCount(offset) || !isCount(length) || !isCount(index))
    return null;
  if (flags > (HAS_HEAD | HAS_RULE | HAS_READING) || !isCount(status)) return null;
  const strings = readStrings(meta, RESPONSE_FIXED);
  if (!strings) return null;
  let reading: ReturnType<typeof parseReading> = null;
  if (flags & HAS_READING) {
    reading = parseReading(strings.pop() ?? '\u0000');
    if (reading === null) return null;
  }
  const connectionId = strings[0];
  let next = 1;
  let ruleId: string | null = null;
  if (flags & HAS_RULE) ruleId = strings[next++] ?? null;
  if (connectionId === undefined || (flags & HAS_RULE && ruleId === null)) return null;
  const rest = strings.length - next;
  if (flags & HAS_HEAD ? rest < 2 || rest % 2 !== 0 : rest !== 0) return null;
  return {
    type: 'response',
    connectionId,
    index,
    time,
    span: { offset, length },
    head:
      flags & HAS_HEAD
        ? {
            version: strings[next]!,
            status,
            reason: strings[next + 1]!,
            headers: pairs(strings, next + 2),
          }
        : null,
    ruleId,
    ...(reading ?? {}),
  };
}

/** The strings written at `at`, or null when their counts and lengths do not add up. */
function readStrings(meta: Buffer, at: number): string[] | null {
  if (meta.length < at + 4) return null;
  const count = meta.readUInt32LE(at);
  const textAt = at + 4 + 4 * count;
  if (count > (meta.length - at - 4) / 4) return null;
  const lengths: number[] = new Array<number>(count);
  let units = 0;
  for (let i = 0; i < count; i++) {
    const length = meta.readUInt32LE(at + 4 + 4 * i);
    lengths[i] = length;
    units += length;
  }
  const text = meta.toString('utf8', textAt);
  if (text.length !== units) return null;
  const strings: string[] = new Array<string>(count);
  let from = 0;
  for (let i = 0; i < count; i++) {
    strings[i] = text.slice(from, from + lengths[i]!);
    from += lengths[i]!;
  }
  return strings;
}

function pairs(strings: string[], from: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = from; i + 1 < strings.length; i += 2) out.push([strings[i]!, strings[i + 1]!]);
  return out;
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Strings up to this many bytes are remembered by each view's slots (see HeadView.string). */
const SLOT_BYTES = 64;
const SLOTS = 16;

/**
 * A request or response record's metadata read in place, for loading a big session: the same
 * checks as `readRequestMeta` / `readResponseMeta`, but no event, head or header arrays are
 * built. When the strings are ASCII (nearly always) nothing is decoded up front: each string is
 * compared, byte for byte, with the one at the same position in the previous record read by this
 * view, and decoded only when it differs (consecutive heads mostly repeat their connection id,
 * method, version and header names), and a caller can copy one's bytes as they are. Otherwise
 * the strings are decoded at once and cut from the text. One view is reused (keep one per kind
 * of record): what it holds is valid until its next `read…`. It reads only the common shape (for
 * a response: no reading, or the empty one); `false` means "not read here", and the caller falls
 * back to the full reader, which has the last word on whether the record makes sense.
 */
export class HeadView {
  time = 0;
  offset = 0;
  length = 0;
  index = 0;
  /** Of a response with a head (else null). */
  status: number | null = null;
  ruleId: string | null = null;
  /** The string index of the first header name (pairs of name, value follow). */
  headersAt = 0;
  count = 0;
  /** Whether every string is ASCII: then `bytes[byteStart(i) … byteStart(i + 1))` is string i. */
  ascii = false;
  bytes: Buffer = Buffer.alloc(0);
  /** Where the strings' bytes begin in `bytes`. */
  private textAt = 0;
  /** The decoded strings, when they are not ASCII. */
  private text = '';
  /** Where each string starts, in code units from the first (also bytes when ASCII). */
  private starts = new Int32Array(64);
  private readonly slotBytes = Buffer.alloc(SLOTS * SLOT_BYTES);
  private readonly slotLength = new Int32Array(SLOTS).fill(-1);
  private readonly slotText: string[] = new Array<string>(SLOTS).fill('');

  /** The metadata at `bytes[at … end)` as a request's; false when not read here. */
  readRequest(bytes: Buffer, data: DataView, at: number, end: number): boolean {
    if (end - at < REQUEST_FIXED || !this.fixed(data, at)) return false;
    if (!this.strings(bytes, data, at + REQUEST_FIXED, end)) return false;
    if (this.count < REQUEST_STRINGS || this.count % 2 !== 0) return false;
    this.status = null;
    this.ruleId = null;
    this.headersAt = REQUEST_STRINGS;
    return true;
  }

  /** The metadata at `bytes[at … end)` as a response's; false when not read here. */
  readResponse(bytes: Buffer, data: DataView, at: number, end: number): boolean {
    if (end - at < RESPONSE_FIXED || !this.fixed(data, at)) return false;
    const status = data.getFloat64(at + 32, true);
    const flags = bytes[at + 40];
    if (flags > (HAS_HEAD | HAS_RULE | HAS_READING) || !isCount(status)) return false;
    if (!this.strings(bytes, data, at + RESPONSE_FIXED, end)) return false;
    let count = this.count;
    if (flags & HAS_READING) {
      // Only the common reading (complete, no deviation) is read here.
      if (count === 0 || this.starts[count] !== this.starts[count - 1]) return false;
      count--;
    }
    let next = 1;
    if (flags & HAS_RULE && count < 2) return false;
    if (count < 1) return false;
    if (flags & HAS_RULE) next++;
    const rest = count - next;
    if (flags & HAS_HEAD ? rest < 2 || rest % 2 !== 0 : rest !== 0) return false;
    this.count = count;
    this.ruleId = flags & HAS_RULE ? this.string(1) : null;
    this.status = flags & HAS_HEAD ? status : null;
    this.headersAt = next + 2;
    return true;
  }

  /** The string at `i` (0 is the connection id). */
  string(i: number): string {
    const from = this.starts[i];
    const to = this.starts[i + 1];
    if (!this.ascii) return this.text.slice(from, to);
    const length = to - from;
    const bytes = this.bytes;
    const at = this.textAt + from;
    if (i >= SLOTS || length > SLOT_BYTES) return bytes.toString('latin1', at, at + length);
    const slot = this.slotBytes;
    const base = i * SLOT_BYTES;
    if (this.slotLength[i] === length) {
      let k = 0;
      while (k < length && bytes[at + k] === slot[base + k]) k++;
      if (k === length) return this.slotText[i];
    }
    const text = bytes.toString('latin1', at, at + length);
    for (let k = 0; k < length; k++) slot[base + k] = bytes[at + k];
    this.slotLength[i] = length;
    this.slotText[i] = text;
    return text;
  }

  /** Where string `i`'s bytes start in `bytes` (only when `ascii`). */
  byteStart(i: number): number {
    return this.textAt + this.starts[i];
  }

  /** Whether string `i` equals `lower` ignoring ASCII case. */
  stringIs(i: number, lower: string): boolean {
    const from = this.starts[i];
    if (this.starts[i + 1] - from !== lower.length) return false;
    if (this.ascii) {
      const bytes = this.bytes;
      const at = this.textAt + from;
      for (let k = 0; k < lower.length; k++) {
        const c = bytes[at + k];
        if ((c >= 65 && c <= 90 ? c + 32 : c) !== lower.charCodeAt(k)) return false;
      }
      return true;
    }
    for (let k = 0; k < lower.length; k++) {
      const c = this.text.charCodeAt(from + k);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== lower.charCodeAt(k)) return false;
    }
    return true;
  }

  private fixed(data: DataView, at: number): boolean {
    this.time = data.getFloat64(at, true);
    this.offset = data.getFloat64(at + 8, true);
    this.length = data.getFloat64(at + 16, true);
    this.index = data.getFloat64(at + 24, true);
    return (
      Number.isFinite(this.time) &&
      isCount(this.offset) &&
      isCount(this.length) &&
      isCount(this.index)
    );
  }

  /** As readStrings: false when the counts and lengths do not add up. */
  private strings(bytes: Buffer, data: DataView, at: number, end: number): boolean {
    if (end - at < 4) return false;
    const count = data.getUint32(at, true);
    if (count > (end - at - 4) / 4) return false;
    if (this.starts.length < count + 1) this.starts = new Int32Array(count + 1);
    const starts = this.starts;
    let units = 0;
    for (let i = 0; i < count; i++) {
      // Past the bytes there are, the total cannot match (and the int32 starts are not read).
      starts[i] = units;
      units += data.getUint32(at + 4 + 4 * i, true);
    }
    starts[count] = units;
    const textAt = at + 4 + 4 * count;
    this.bytes = bytes;
    this.textAt = textAt;
    this.count = count;
    // ASCII bytes decode to as many units, one each: then nothing needs decoding now.
    let ascii = units === end - textAt;
    for (let k = textAt; ascii && k < end; k++) if (bytes[k] >= 0x80) ascii = false;
    this.ascii = ascii;
    if (ascii) return true;
    const text = bytes.toString('utf8', textAt, end);
    if (text.length !== units) return false;
    this.text = text;
    return true;
  }
}
