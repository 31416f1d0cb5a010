// The UI language: a rune-backed current language, the two catalogues and lookup helpers.
import type { Message } from '../../src-main/protocol/types';
import { en, type CatalogueKey } from './locales/en';
import { zhCN } from './locales/zh-CN';

export type Lang = 'en' | 'zh-CN';
export const languages: { id: Lang; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '中文' },
];

const catalogues: Record<Lang, Record<CatalogueKey, string>> = { en, 'zh-CN': zhCN };
const storageKey = 'socketscope.lang';

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'zh-CN';
}

function initialLang(): Lang {
  try {
    const stored = globalThis.localStorage?.getItem(storageKey);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be unavailable (opaque origins, privacy modes): fall through to the browser.
  }
  const browser = globalThis.navigator?.language ?? 'en';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

class I18n {
  lang = $state<Lang>(initialLang());

  set(lang: Lang): void {
    this.lang = lang;
    try {
      globalThis.localStorage?.setItem(storageKey, lang);
    } catch {
      // Not remembered; the switch still applies to this page.
    }
    if (globalThis.document) document.documentElement.lang = lang;
  }
}

export const i18n = new I18n();

export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function hasKey(key: string): key is CatalogueKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** Looks a UI string up in the current language. */
export function t(key: CatalogueKey, params?: Record<string, string | number>): string {
  return interpolate(catalogues[i18n.lang][key], params);
}

/** Translates a server Message by key, falling back to its English text. */
export function tm(message: Message): string {
  if (hasKey(message.key)) return t(message.key, message.params);
  return interpolate(message.text, message.params);
}

export function catalogueKeys(lang: Lang): string[] {
  return Object.keys(catalogues[lang]);
}
