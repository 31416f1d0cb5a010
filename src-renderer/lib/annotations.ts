// The engine's byte annotations as the byte view uses them: lookup by offset, kind → colour
// group and legend label, explanation text in the current language.
import { annotate, type Annotation, type SpanKind } from '../../src-main/engine/annotate';
import { explanations, type ExplanationText } from '../../src-main/engine/explanations';
import type { MessageKind } from '../../src-main/engine/events';
import type { CatalogueKey } from './locales/en';
import type { Lang } from './i18n.svelte';

export type { Annotation, SpanKind };

/** Colour groups: kinds that mean the same thing to a reader share a colour. */
export type KindGroup =
  | 'method'
  | 'sp'
  | 'target'
  | 'version'
  | 'status'
  | 'reason'
  | 'crlf'
  | 'fieldName'
  | 'colon'
  | 'ows'
  | 'fieldValue'
  | 'emptyLine'
  | 'body'
  | 'chunk'
  | 'invalid';

const groups: Record<SpanKind, KindGroup> = {
  method: 'method',
  sp: 'sp',
  'request-target': 'target',
  version: 'version',
  'status-code': 'status',
  'reason-phrase': 'reason',
  crlf: 'crlf',
  lf: 'crlf',
  'field-name': 'fieldName',
  colon: 'colon',
  ows: 'ows',
  'field-value': 'fieldValue',
  'empty-line': 'emptyLine',
  body: 'body',
  'chunk-size': 'chunk',
  'chunk-extension': 'chunk',
  'chunk-data': 'body',
  'chunk-crlf': 'crlf',
  'last-chunk': 'chunk',
  'trailer-field-name': 'fieldName',
  'trailer-field-value': 'fieldValue',
  tunnel: 'body',
  invalid: 'invalid',
  unparsed: 'invalid',
};

export function groupOf(kind: string): KindGroup {
  return (groups as Record<string, KindGroup | undefined>)[kind] ?? 'body';
}

export function groupLabelKey(group: KindGroup): CatalogueKey {
  return `kind.${group}` as CatalogueKey;
}

/** Annotates without ever throwing: on failure every byte is one unparsed span. */
export function annotateSafely(bytes: Uint8Array, kind: MessageKind): Annotation[] {
  if (bytes.length === 0) return [];
  try {
    return annotate(bytes, kind, { final: true });
  } catch {
    return [
      {
        offset: 0,
        length: bytes.length,
        kind: 'unparsed',
        key: 'unparsed',
        rfc: '',
        messageIndex: 0,
      },
    ];
  }
}

/** Binary search for the span holding `offset`. */
export function spanAt(spans: readonly Annotation[], offset: number): Annotation | null {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = spans[mid];
    if (offset < span.offset) hi = mid - 1;
    else if (offset >= span.offset + Math.max(span.length, 1)) lo = mid + 1;
    else return span;
  }
  return null;
}

export interface ShownExplanation extends ExplanationText {
  rfc: string;
}

export function explanationFor(key: string, lang: Lang): ShownExplanation | null {
  const entry = explanations[key];
  if (!entry) return null;
  return { ...entry[lang], rfc: entry.rfc };
}
