// The colour theme: the system's, or always light or dark. The choice is kept by the Core
// (ui.theme) and set as data-theme on <html>, which app.css reads; no attribute follows the
// system.
import type { ThemeChoice } from '../../src-main/protocol/types';
import { cache, cached, saveUiSettings } from './ui-settings.svelte';

export const themes: ThemeChoice[] = ['system', 'light', 'dark'];
const storageKey = 'socketscope.theme';

export function isTheme(value: unknown): value is ThemeChoice {
  return value === 'system' || value === 'light' || value === 'dark';
}

function apply(choice: ThemeChoice): void {
  const root = globalThis.document?.documentElement;
  if (!root) return;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

class Theme {
  choice = $state<ThemeChoice>('system');

  constructor() {
    const first = cached(storageKey);
    if (isTheme(first)) this.choice = first;
    apply(this.choice);
  }

  /** The user's choice: shown at once, kept by the Core. */
  set(choice: ThemeChoice): void {
    this.adopt(choice);
    void saveUiSettings({ theme: choice });
  }

  /** The Core's choice (absent: the system's), applied without saving it back. */
  adopt(choice: ThemeChoice | undefined): void {
    this.choice = choice ?? 'system';
    cache(storageKey, this.choice);
    apply(this.choice);
  }
}

export const theme = new Theme();
