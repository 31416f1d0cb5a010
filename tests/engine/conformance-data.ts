// The project's conformance data (tests/engine/data/*.json): each case is an input and the
// expected items of the normal form of conformance-runner.ts, as facts only.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorCode, LenientFlags } from '../../src-main/engine/events';

export const DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));
/** llhttp's corpus converted by convert-corpus.ts (with its LICENSE and COMMIT beside it). */
export const LLHTTP_CASES = `${DATA_DIR}/llhttp/cases.json`;
/** The engine's own cases, in the same format. */
export const ENGINE_CASES = `${DATA_DIR}/engine-cases.json`;

export interface DataCase {
  /** Unique name: `file > heading` for llhttp's cases. */
  name: string;
  /** `request` and `response` run a parser; `url` runs parseTarget. */
  kind: 'request' | 'response' | 'url';
  /** The input, one char per byte (latin1). */
  input: string;
  /** Expected items (see conformance-runner.ts). */
  expect: string[];
  /** Lenient flags set for this case. */
  lenient?: (keyof LenientFlags)[];
  /** finish() is called after the input; its outcome is the last item. */
  finish?: boolean;
  /** The responses answer HEAD requests (llhttp's "skip body"). */
  skipBody?: boolean;
  /** Run whole only, not split at every byte. */
  noScan?: boolean;
  /** The case exercises llhttp's pause API. */
  pause?: boolean;
  /** When set, the error's code and status. */
  error?: { code: ErrorCode; status: number };
}

export interface DataFile {
  /** Where the cases come from (llhttp's corpus: its commit and licence). */
  source: { name: string; commit?: string; licence?: string };
  cases: DataCase[];
}

export function loadData(path: string): DataFile {
  return JSON.parse(readFileSync(path, 'utf8')) as DataFile;
}

export function inputBytes(c: DataCase): Uint8Array {
  return Uint8Array.from(c.input, (ch) => ch.charCodeAt(0));
}

/** One char per byte, the form of `DataCase.input`. */
export function latin1String(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
