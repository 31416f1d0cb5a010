// The UI language: a rune-backed current language and lookups in it.
import type { Message } from '../../src-main/protocol/types';
import type { CatalogueKey } from './locales/en';
import { translate, translateMessage, type Lang } from './translate';
import { cache, cached, saveUiSettings } from './ui-settings.svelte';

export type { Lang };
export const languages: { id: Lang; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-CN', label: '中文' },
];

// The Core keeps the language (ui.lang in the data folder); this origin's storage is only a
// cache for the first paint, before the Core answers.
const storageKey = 'socketscope.lang';

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'zh-CN';
}

function initialLang(): Lang {
  const stored = cached(storageKey);
  if (isLang(stored)) return stored;
  const browser = globalThis.navigator?.language ?? 'en';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

class I18n {
  lang = $state<Lang>(initialLang());

  /** The user's choice: shown at once, kept by the Core. */
  set(lang: Lang): void {
    this.adopt(lang);
    void saveUiSettings({ lang });
  }

  /** The Core's language, applied without saving it back (absent: the current one stays). */
  adopt(lang: Lang | undefined): void {
    if (!isLang(lang)) return;
    this.lang = lang;
    cache(storageKey, lang);
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
