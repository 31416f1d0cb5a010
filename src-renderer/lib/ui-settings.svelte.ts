// The UI settings the Core keeps in the data folder (language, theme, list columns, panes): read
// when the link to the Core opens, changed by a patch. They outlive the browser origin, which
// changes with the web host's port; localStorage holds only a cache for the first paint.
import type { Message, UiSettings, UiSettingsPatch } from '../../src-main/protocol/types';
import { core } from './core';
import { CoreError } from './transport';

class UiSettingsState {
  /** What the Core keeps (empty until the first read). */
  value = $state.raw<UiSettings>({});
  loaded = $state(false);
}

export const uiSettings = new UiSettingsState();

/** Changes made while the Core was out of reach: sent before the next read, so they win. */
let unsent: UiSettingsPatch = {};

/** Reads the settings from the Core; `notices` say what it could not keep as it was. */
export async function loadUiSettings(): Promise<{ ui: UiSettings; notices: Message[] }> {
  if (Object.keys(unsent).length > 0) {
    const patch = unsent;
    unsent = {};
    await send(patch, true);
  }
  const result = await core().call('settings.get', {});
  uiSettings.value = result.ui;
  uiSettings.loaded = true;
  return result;
}

/**
 * Applies `patch` at once and asks the Core to keep it: while the link is down, when it returns;
 * a Core that refuses (its settings file unreadable) leaves the change to this page.
 */
export function saveUiSettings(patch: UiSettingsPatch): Promise<void> {
  const next: Record<string, unknown> = { ...uiSettings.value };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[field];
    else next[field] = value;
  }
  uiSettings.value = next as UiSettings;
  return send(patch);
}

/** Sends a patch; one that cannot reach the Core waits for the next read (newer changes win). */
async function send(patch: UiSettingsPatch, older = false): Promise<void> {
  const keep = (): void => {
    unsent = older ? { ...patch, ...unsent } : { ...unsent, ...patch };
  };
  let client;
  try {
    client = core();
  } catch {
    keep();
    return;
  }
  try {
    uiSettings.value = (await client.call('settings.set', { ui: patch })).ui;
  } catch (error) {
    // A refusal (a settings file the Core cannot read) leaves the change to this page.
    if (error instanceof CoreError && error.code === 'DISCONNECTED') keep();
  }
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
