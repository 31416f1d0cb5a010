// Catalogue lookups for a given language (no runes: the reactive current language lives in
// i18n.svelte.ts, which calls these).
import type { Message } from '../../src-main/protocol/types';
import { en, type CatalogueKey } from './locales/en';
import { zhCN } from './locales/zh-CN';

export type Lang = 'en' | 'zh-CN';

const catalogues: Record<Lang, Record<CatalogueKey, string>> = { en, 'zh-CN': zhCN };

export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function hasKey(key: string): key is CatalogueKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function translate(
  lang: Lang,
  key: CatalogueKey,
  params?: Record<string, string | number>,
): string {
  return interpolate(catalogues[lang][key], params);
}

/**
 * Translates a Core message: its key is looked up as `core.<key>` (a namespace of its own, so a
 * Core key never picks up a UI string), falling back to the Core's English text.
 */
export function translateMessage(lang: Lang, message: Message): string {
  const key = `core.${message.key}`;
  if (hasKey(key)) return translate(lang, key, message.params);
  return message.text;
}
