// Byte-class lookup tables for the parser's hot loops (RFC 9110 §5.6.2 tokens, §5.5 field values).

function table(predicate: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = predicate(c) ? 1 : 0;
  return t;
}

/** Like `table`, but accepted bytes >= 0x80 are marked 2: they need byte-by-byte decoding. */
function textTable(predicate: (c: number) => boolean): Uint8Array {
  const t = table(predicate);
  for (let c = 0x80; c < 0x100; c++) if (t[c] === 1) t[c] = 2;
  return t;
}

const TCHAR_EXTRA = "!#$%&'*+-.^_`|~";

/** tchar: the bytes of a method or a field name. */
export const TOKEN = table(
  (c) =>
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    TCHAR_EXTRA.includes(String.fromCharCode(c)),
);

/** field-vchar / SP / HTAB: the bytes of a field value (obs-text included, marked 2). */
export const FIELD_VALUE = textTable((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

/** The lax field-value set: any byte but CR, LF and NUL. */
export const FIELD_VALUE_RELAXED = textTable((c) => c !== 0x0d && c !== 0x0a && c !== 0x00);

/** Bytes of a request-target as sent on the wire (visible ASCII). */
export const TARGET = table((c) => c > 0x20 && c < 0x7f);

/** reason-phrase bytes: HTAB, SP, VCHAR, obs-text. */
export const REASON = textTable((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f));

/** Hex digit value, or 255. */
export const HEX = (() => {
  const t = new Uint8Array(256).fill(255);
  for (let c = 0; c < 10; c++) t[0x30 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[0x41 + c] = 10 + c;
    t[0x61 + c] = 10 + c;
  }
  return t;
})();

/** Decodes bytes as latin1 (one char per byte) without TextDecoder. */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 32) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return s;
}

/** Field names common enough that one shared string for each saves decoding and allocating. */
const COMMON_NAMES = [
  'Host',
  'Connection',
  'Keep-Alive',
  'User-Agent',
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Accept-Ranges',
  'Cookie',
  'Set-Cookie',
  'Referer',
  'Origin',
  'Authorization',
  'Cache-Control',
  'Pragma',
  'Priority',
  'Content-Type',
  'Content-Length',
  'Content-Encoding',
  'Transfer-Encoding',
  'Upgrade',
  'Upgrade-Insecure-Requests',
  'If-None-Match',
  'If-Modified-Since',
  'Range',
  'Expect',
  'Date',
  'Server',
  'ETag',
  'Last-Modified',
  'Location',
  'Vary',
  'DNT',
  'X-Requested-With',
  'X-Forwarded-For',
  'Sec-Fetch-Site',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Dest',
  'Sec-Fetch-User',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'host',
  'connection',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'cookie',
  'referer',
  'content-type',
  'content-length',
  'transfer-encoding',
];

const NAME_SLOTS = 256;

function nameSlot(length: number, first: number, penultimate: number, last: number): number {
  return (length * 2 + first * 9 + penultimate + last * 6) & (NAME_SLOTS - 1);
}

/** Open addressing with linear probing, keyed by length and the first and last two bytes. */
const NAME_STRINGS: (string | null)[] = new Array<string | null>(NAME_SLOTS).fill(null);
/** Where each slot's name starts in NAME_BYTES (the bytes compare faster than the string). */
const NAME_AT = new Int32Array(NAME_SLOTS);
const NAME_BYTES = new Uint8Array(COMMON_NAMES.reduce((sum, name) => sum + name.length, 0));

{
  let at = 0;
  for (const name of COMMON_NAMES) {
    const n = name.length;
    let slot = nameSlot(n, name.charCodeAt(0), name.charCodeAt(n - 2), name.charCodeAt(n - 1));
    while (NAME_STRINGS[slot] !== null) slot = (slot + 1) & (NAME_SLOTS - 1);
    NAME_STRINGS[slot] = name;
    NAME_AT[slot] = at;
    for (let k = 0; k < n; k++) NAME_BYTES[at++] = name.charCodeAt(k);
  }
}

/** The shared string for the field name in bytes[start, end), or null if it is not a common one. */
export function commonName(bytes: Uint8Array, start: number, end: number): string | null {
  const length = end - start;
  if (length < 2) return null;
  let slot = nameSlot(length, bytes[start], bytes[end - 2], bytes[end - 1]);
  for (;;) {
    const name = NAME_STRINGS[slot];
    if (name === null) return null;
    if (name.length === length) {
      const at = NAME_AT[slot] - start;
      let k = start;
      while (k < end && NAME_BYTES[at + k] === bytes[k]) k++;
      if (k === end) return name;
    }
    slot = (slot + 1) & (NAME_SLOTS - 1);
  }
}
