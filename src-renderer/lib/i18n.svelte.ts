// The UI language: a rune-backed current language and lookups in it.
import type { Message } from '../../src-main/protocol/types';
import type { CatalogueKey } from './locales/en';
import { translate, translateMessage, type Lang } from './translate';

export type { Lang };
export const languages: { id: Lang; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '中文' },
];

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

/** Looks a UI string up in the current language. */
export function t(key: CatalogueKey, params?: Record<string, string | number>): string {
  return translate(i18n.lang, key, params);
}

/** Translates a Core message in the current language. */
export function tm(message: Message): string {
  return translateMessage(i18n.lang, message);
}
