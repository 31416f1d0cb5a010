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

/** Decodes bytes as latin1 (one char per byte) without TextDecoder: the engine's one copy. */
export { decodeLatin1 as latin1 } from './bytes';
