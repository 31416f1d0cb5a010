// Content codings (RFC 9110 §8.4.1): a body undone from its Content-Encoding and done again.
// The codings of a field are applied in order, so they are undone in reverse.

import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
} from 'node:zlib';

export interface Decoded {
  bytes: Uint8Array;
  /** Every coding was undone: false when one is unknown, damaged, cut off or over the bound. */
  complete: boolean;
}

/** The codings named by a Content-Encoding value, `identity` left out; null for none. */
function codingsOf(contentEncoding: string | null): string[] | null {
  if (contentEncoding === null) return null;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.length === 0 ? null : codings;
}

/** Whether every coding named is one this module can undo and do again. */
export function knownCodings(contentEncoding: string | null): boolean {
  const codings = codingsOf(contentEncoding);
  return codings !== null && codings.every((coding) => KNOWN.has(coding));
}

const KNOWN = new Set(['gzip', 'x-gzip', 'br', 'deflate']);

/** `body` with its codings undone, at most `maxOutput` bytes decoded per coding. */
export function decodeContent(
  body: Uint8Array,
  contentEncoding: string | null,
  maxOutput: number,
): Decoded {
  const codings = codingsOf(contentEncoding);
  if (codings === null || body.length === 0) return { bytes: body, complete: true };
  const options = { maxOutputLength: maxOutput };
  let bytes: Uint8Array = body;
  for (const coding of codings.reverse()) {
    try {
      if (coding === 'gzip' || coding === 'x-gzip')
        bytes = gunzipSync(bytes, { ...options, finishFlush: constants.Z_SYNC_FLUSH });
      else if (coding === 'br') bytes = brotliDecompressSync(bytes, options);
      else if (coding === 'deflate') {
        // Servers send zlib-wrapped and raw deflate alike.
        try {
          bytes = inflateSync(bytes, options);
        } catch {
          bytes = inflateRawSync(bytes, options);
        }
      } else return { bytes, complete: false };
    } catch {
      return { bytes, complete: false };
    }
  }
  return { bytes, complete: true };
}

/** `body` with the codings done in order, or null when one is not known. */
export function encodeContent(body: Uint8Array, contentEncoding: string | null): Uint8Array | null {
  const codings = codingsOf(contentEncoding);
  if (codings === null) return body;
  let bytes: Uint8Array = body;
  for (const coding of codings) {
    if (coding === 'gzip' || coding === 'x-gzip') bytes = gzipSync(bytes);
    else if (coding === 'br') bytes = brotliCompressSync(bytes);
    else if (coding === 'deflate') bytes = deflateSync(bytes);
    else return null;
  }
  return bytes;
}
