// The UI settings the Core keeps in the data folder (language, theme, list columns, panes): read
// when the link to the Core opens, changed by a patch. They outlive the browser origin, which
// changes with the web host's port; localStorage holds only a cache for the first paint.
import type { Message, UiSettings, UiSettingsPatch } from '../../src-main/protocol/types';
import { core } from './core';

class UiSettingsState {
  /** What the Core keeps (empty until the first read). */
  value = $state.raw<UiSettings>({});
  loaded = $state(false);
}

export const uiSettings = new UiSettingsState();

/** Reads the settings from the Core; `notices` say what it could not keep as it was. */
export async function loadUiSettings(): Promise<{ ui: UiSettings; notices: Message[] }> {
  const result = await core().call('settings.get', {});
  uiSettings.value = result.ui;
  uiSettings.loaded = true;
  return result;
}

/**
 * Applies `patch` at once and asks the Core to keep it; a Core that cannot (not linked, its
 * settings file unreadable) leaves the change to this page.
 */
export function saveUiSettings(patch: UiSettingsPatch): Promise<void> {
  const next: Record<string, unknown> = { ...uiSettings.value };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[field];
    else next[field] = value;
  }
  uiSettings.value = next as UiSettings;
  let client;
  try {
    client = core();
  } catch {
    return Promise.resolve();
  }
  return client.call('settings.set', { ui: patch }).then(
    (result) => {
      uiSettings.value = result.ui;
    },
    () => undefined,
  );
}

/** A first-paint cache in the origin's storage, which may be missing or refuse. */
export function cached(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function cache(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not cached: the Core still has it.
  }
}
