// The llhttp corpus cases this engine does not run, each with its reason. Only two kinds:
// llhttp's pause API, and behaviours where llhttp follows its own choice rather than RFC 9112/9110.
import type { CorpusCase } from './corpus';

const PAUSE_API = "tests llhttp's pause API (llhttp_pause/resume), which this push-based engine has no equivalent of";

/** `file > heading` → why the case is not run. */
export const SKIPS: Record<string, string> = {};

/** The reason a case is skipped, or null when it runs. */
export function skipReason(c: CorpusCase): string | null {
  if (c.meta.pause !== undefined || c.file.endsWith('pausing.md')) return PAUSE_API;
  return SKIPS[c.name] ?? null;
}
