// The byte helpers every layer shares: latin1 (one character per byte, the parser's decoding),
// base64 and concatenation. Plain JavaScript, so the engine, the Core and the renderer use the
// same code; no `node:` import.

/**
 * Decodes bytes as latin1: one character per byte, so string offsets equal byte offsets. The
 * parser decodes every token with it: short runs go byte by byte, longer ones in slices.
 */
export function decodeLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start;
  if (n <= 0) return '';
  let s = '';
  if (n <= 32) {
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(end, i + 8192)) as unknown as number[],
    );
  }
  return s;
}

/** Encodes each character as one byte (its code, truncated to 8 bits). */
export function encodeLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Latin-1 when every character fits in a byte (the parser decodes as latin1), UTF-8 otherwise. */
export function encodeText(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return new TextEncoder().encode(text);
    bytes[i] = code;
  }
  return bytes;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const BASE64_TEXT = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** True when `text` is base64 (whitespace allowed, as in the rules file). */
export function isBase64(text: string): boolean {
  return BASE64_TEXT.test(text);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(decodeLatin1(bytes));
}

/** Decodes base64, ignoring whitespace; null when it is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!isBase64(text)) return null;
  try {
    return encodeLatin1(atob(text.replace(/\s+/g, '')));
  } catch {
    return null;
  }
}

/**
 * A copy of `bytes` in memory of its own. `Buffer#slice` returns a view, so a Buffer's own
 * `slice()` would keep the whole chunk it came from alive (and share its bytes).
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}
