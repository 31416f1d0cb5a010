// The parser's states (the nodes of the graph in parser-core.ts), byte constants and the header
// fields the framing depends on. States are grouped by the part of the message they read; the
// group decides which method of the parser runs them.

// ---- start line (parser-start-line.ts) ----
export const IDLE = 0;
export const METHOD = 1;
export const TARGET_START = 2;
export const TARGET_S = 3;
export const PROTO = 4;
export const V_MAJOR = 5;
export const V_DOT = 6;
export const V_MINOR = 7;
export const REQ_LINE_END = 8;
export const STATUS_S = 9;
export const STATUS_END = 10;
export const REASON_S = 11;
// ---- field lines (parser-fields.ts) ----
export const FIRST_FIELD = 12;
export const LINE_START = 13;
export const NAME = 14;
export const NAME_WS = 15;
export const VALUE_OWS = 16;
export const VALUE = 17;
export const VALUE_EOL = 18;
export const EMPTY_VALUE_LF = 19;
// ---- "LF after CR" in the head (parser-core.ts, one node for all) ----
export const LINE_LF = 20;
export const VALUE_LF = 21;
export const HEAD_END_LF = 22;
// ---- bodies (parser-body.ts) ----
export const BODY_CL = 23;
export const BODY_EOF = 24;
export const CHUNK_DATA = 25;
// ---- chunk lines (parser-body.ts) ----
export const CHUNK_SIZE_START = 26;
export const CHUNK_SIZE = 27;
export const CHUNK_SIZE_WS = 28;
export const CHUNK_EXT_NAME_START = 29;
export const CHUNK_EXT_NAME = 30;
export const CHUNK_EXT_NAME_BWS = 31;
export const CHUNK_EXT_VALUE_START = 32;
export const CHUNK_EXT_VALUE = 33;
export const CHUNK_EXT_QUOTED = 34;
export const CHUNK_EXT_QUOTED_ESC = 35;
export const CHUNK_EXT_AFTER_QUOTED = 36;
export const CHUNK_EXT_VALUE_BWS = 37;
export const CHUNK_DATA_CR = 38;
// ---- "LF after CR" in a chunked body ----
export const CHUNK_SIZE_LF = 39;
export const CHUNK_DATA_LF = 40;
// ---- after the messages ----
export const TUNNEL = 41;
export const CLOSED = 42;
export const FAILED = 43;

export const STATE_COUNT = 44;

/** The first state after the head: the head limit applies to the states before it. */
export const HEAD_END = BODY_CL;

// Method groups of the run loop.
export const G_START_LINE = 0;
export const G_FIELD_LINE = 1;
export const G_LINE_FEED = 2;
export const G_BODY = 3;
export const G_CHUNK_LINE = 4;
export const G_FAILED = 5;

/** State → the group of the method that runs it. */
export const GROUP = (() => {
  const g = new Uint8Array(STATE_COUNT);
  for (let s = 0; s < STATE_COUNT; s++) {
    if (s < FIRST_FIELD) g[s] = G_START_LINE;
    else if (s < LINE_LF) g[s] = G_FIELD_LINE;
    else if (s < BODY_CL) g[s] = G_LINE_FEED;
    else if (s < CHUNK_SIZE_START) g[s] = G_BODY;
    else if (s < CHUNK_SIZE_LF) g[s] = G_CHUNK_LINE;
    else if (s < TUNNEL) g[s] = G_LINE_FEED;
    else if (s < FAILED) g[s] = G_BODY;
    else g[s] = G_FAILED;
  }
  return g;
})();

// Bytes.
export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HT = 0x09;
export const COLON = 0x3a;
export const SEMI = 0x3b;
export const EQ = 0x3d;
export const DQUOTE = 0x22;
export const BSLASH = 0x5c;
/** "HTTP/" */
export const HTTP_LITERAL = [0x48, 0x54, 0x54, 0x50, 0x2f];

export const CRLF = new Uint8Array([CR, LF]);
export const CR_ONLY = new Uint8Array([CR]);
export const LF_ONLY = new Uint8Array([LF]);

// Header fields the framing depends on.
export const H_OTHER = 0;
export const H_CONTENT_LENGTH = 1;
export const H_TRANSFER_ENCODING = 2;
export const H_CONNECTION = 3;
export const H_UPGRADE = 4;

export function headerKind(name: string): number {
  // Each name of interest starts with c, t or u (any case): most names are out after one test.
  const first = name.charCodeAt(0) | 0x20;
  if (first !== 0x63 && first !== 0x74 && first !== 0x75) return H_OTHER;
  switch (name.length) {
    case 14:
      return name.toLowerCase() === 'content-length' ? H_CONTENT_LENGTH : H_OTHER;
    case 17:
      return name.toLowerCase() === 'transfer-encoding' ? H_TRANSFER_ENCODING : H_OTHER;
    case 10:
      return name.toLowerCase() === 'connection' ? H_CONNECTION : H_OTHER;
    case 7:
      return name.toLowerCase() === 'upgrade' ? H_UPGRADE : H_OTHER;
    default:
      return H_OTHER;
  }
}

function asciiBytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

const LOWER_CONTENT_LENGTH = asciiBytes('content-length');
const LOWER_TRANSFER_ENCODING = asciiBytes('transfer-encoding');
const LOWER_CONNECTION = asciiBytes('connection');
const LOWER_UPGRADE = asciiBytes('upgrade');

/** bytes[start, …) is `lower` in any case (`lower` holds lower-case letters and `-` only). */
function equalsLower(bytes: Uint8Array, start: number, lower: Uint8Array): boolean {
  for (let k = 0; k < lower.length; k++) if ((bytes[start + k] | 0x20) !== lower[k]) return false;
  return true;
}

/** headerKind for the token in bytes[start, end), without decoding it. */
export function headerKindAt(bytes: Uint8Array, start: number, end: number): number {
  const first = bytes[start] | 0x20;
  if (first !== 0x63 && first !== 0x74 && first !== 0x75) return H_OTHER;
  switch (end - start) {
    case 14:
      return equalsLower(bytes, start, LOWER_CONTENT_LENGTH) ? H_CONTENT_LENGTH : H_OTHER;
    case 17:
      return equalsLower(bytes, start, LOWER_TRANSFER_ENCODING) ? H_TRANSFER_ENCODING : H_OTHER;
    case 10:
      return equalsLower(bytes, start, LOWER_CONNECTION) ? H_CONNECTION : H_OTHER;
    case 7:
      return equalsLower(bytes, start, LOWER_UPGRADE) ? H_UPGRADE : H_OTHER;
    default:
      return H_OTHER;
  }
}

function isOwsCode(c: number): boolean {
  return c === SP || c === HT || c === CR || c === LF;
}

/**
 * Strips OWS (SP, HTAB, and the CRLF a lenient obs-fold leaves in a value) from a list element;
 * String#trim would also strip NBSP (0xA0), which is not whitespace in HTTP (RFC 9110 §5.6.3).
 */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isOwsCode(s.charCodeAt(a))) a++;
  while (b > a && isOwsCode(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
