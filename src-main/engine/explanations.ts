// What each annotated byte is and why it is there, in English and Simplified Chinese, with the
// RFC section that defines it. Keys are the `key` of annotate.ts spans and `error.<code>` for
// every code of the error table. The catalogue is split by section in explanations/.

import type { AnyErrorCode } from './errors';
import { ERROR_CODES as TABLE_CODES, errorExplanationKey } from './errors';
import {
  DEVIATION_CODES,
  DEVIATION_RFC,
  deviationExplanationKey,
  type DeviationCode,
} from './browser-reading';
import {
  entry,
  type Explanation,
  type ExplanationText,
  type Locale,
} from './explanations/catalogue';
import { body } from './explanations/body';
import { deviationTexts, type DeviationText } from './explanations/deviations';
import { errorExplanations } from './explanations/errors';
import { browserFields } from './explanations/browser-fields';
import { fieldLines, namedFields as rfcFields } from './explanations/fields';
import { lines } from './explanations/lines';
import { startLine } from './explanations/start-line';
import { websocketErrorTexts, websocketParts } from './explanations/websocket';
import { WS_ERROR_CODES, WS_ERROR_RFC, wsErrorKey, type WsErrorCode } from './websocket-errors';

export type { Explanation, ExplanationText, Locale };
export type { DeviationText };

/** Every error code with an explanation: the whole error table. */
export const ERROR_CODES: readonly AnyErrorCode[] = TABLE_CODES;

const namedFields: Record<string, Explanation> = { ...rfcFields, ...browserFields };

/** Lower-case names of the fields with an explanation of their own (others: `header.other`). */
export const EXPLAINED_FIELDS: readonly string[] = Object.keys(namedFields);

// The type checker fails here when a code of the error table has no explanation.
const byCode: Record<AnyErrorCode, Explanation> = errorExplanations;
// … and here when a WebSocket error code has none.
const byWsError: Record<WsErrorCode, (typeof websocketErrorTexts)[WsErrorCode]> =
  websocketErrorTexts;
// … and here when a deviation code has none.
const byDeviation: Record<DeviationCode, Record<Locale, DeviationText>> = deviationTexts;

/** A deviation's explanation in `locale`: title, what the RFC says, what browsers do, section. */
export function explainDeviation(
  code: DeviationCode,
  locale: Locale = 'en',
): DeviationText & { rfc: string } {
  return { ...byDeviation[code][locale], rfc: DEVIATION_RFC[code] };
}

/** The same as a flat entry (`deviation.<CODE>`), for the byte view's hover. */
function deviationEntry(code: DeviationCode): Explanation {
  const flat = (t: DeviationText, gap: string): ExplanationText => ({
    title: t.title,
    text: `${t.rfcSays}${gap}${t.browsersDo}`,
  });
  const texts = byDeviation[code];
  return { rfc: DEVIATION_RFC[code], en: flat(texts.en, ' '), 'zh-CN': flat(texts['zh-CN'], '') };
}

export const explanations: Record<string, Explanation> = {
  ...startLine,
  ...lines,
  ...fieldLines,
  ...Object.fromEntries(EXPLAINED_FIELDS.map((name) => [`header.${name}`, namedFields[name]!])),
  ...body,
  ...Object.fromEntries(
    DEVIATION_CODES.map((code) => [deviationExplanationKey(code), deviationEntry(code)]),
  ),
  ...Object.fromEntries(ERROR_CODES.map((code) => [errorExplanationKey(code), byCode[code]])),
  ...websocketParts,
  ...Object.fromEntries(
    WS_ERROR_CODES.map((code) => [
      wsErrorKey(code),
      entry(WS_ERROR_RFC[code], byWsError[code][0], byWsError[code][1]),
    ]),
  ),
};

/** The explanation for `key` in `locale`, or null when the key is unknown. */
export function explain(
  key: string,
  locale: Locale = 'en',
): (ExplanationText & { rfc: string }) | null {
  const found = explanations[key];
  return found ? { ...found[locale], rfc: found.rfc } : null;
}
