// The Core's own settings, kept in the data folder as JSON (settings.json). A file that cannot be
// read is never written over: the problem is reported in one sentence and the defaults apply
// until the user fixes or moves it.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ColumnSetting, Message, UiSettings } from '../protocol/types';
import { isValidSessionId } from '../capture/sessions';
import { fsErrorMessage, UserFacingError } from '../capture/fs-errors';

export interface CoreSettings {
  /** Sync the session file to the disk at every commit (power-loss safety). */
  fsync: boolean;
  /** The guided lesson has been shown: it opens by itself only on a first start. */
  lessonSeen: boolean;
  /** The UI's settings (language, theme, columns, panes); absent fields are the UI's defaults. */
  ui?: UiSettings;
  /** The id of the session the app had open when it last stopped (it reopens it). */
  lastSession?: string;
}

export const DEFAULT_CORE_SETTINGS: CoreSettings = { fsync: false, lessonSeen: false };

export type SettingsRead =
  { ok: true; settings: CoreSettings; exists: boolean } | { ok: false; problem: Message };

export function readCoreSettings(path: string): SettingsRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: true, settings: { ...DEFAULT_CORE_SETTINGS }, exists: false };
    return { ok: false, problem: fsErrorMessage(error, path, 'read') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: broken(path, error instanceof Error ? error.message : 'not JSON'),
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, problem: broken(path, 'it is not a JSON object') };
  const { fsync, lessonSeen } = parsed as Partial<CoreSettings>;
  if (fsync !== undefined && typeof fsync !== 'boolean')
    return { ok: false, problem: broken(path, '"fsync" must be true or false') };
  if (lessonSeen !== undefined && typeof lessonSeen !== 'boolean')
    return { ok: false, problem: broken(path, '"lessonSeen" must be true or false') };
  const { ui, lastSession } = parsed as { ui?: unknown; lastSession?: unknown };
  const checked = ui === undefined ? {} : checkUiSettings(ui);
  if (typeof checked === 'string') return { ok: false, problem: broken(path, checked) };
  if (lastSession !== undefined && !isValidSessionId(lastSession))
    return { ok: false, problem: broken(path, '"lastSession" must be a session id') };
  return {
    ok: true,
    settings: {
      fsync: fsync ?? false,
      lessonSeen: lessonSeen ?? false,
      ...(Object.keys(checked).length > 0 ? { ui: checked } : {}),
      ...(lastSession !== undefined ? { lastSession } : {}),
    },
    exists: true,
  };
}

const ID = /^[A-Za-z0-9][\w.-]{0,63}$/;
const MAX_COLUMNS = 64;
const MAX_PANES = 32;
const MAX_SIZE = 100_000;

type Checked = { ok: true; value: unknown } | { ok: false; wrong: string };
type FieldCheck = (value: unknown) => Checked;
const good = (value: unknown): Checked => ({ ok: true, value });
const bad = (wrong: string): Checked => ({ ok: false, wrong });

/** Each field of UiSettings: how its value is checked (what it must be, when it is wrong). */
const UI_FIELDS: Record<keyof UiSettings, FieldCheck> = {
  lang: (value) =>
    value === 'en' || value === 'zh-CN' ? good(value) : bad('must be "en" or "zh-CN"'),
  theme: (value) =>
    value === 'system' || value === 'light' || value === 'dark'
      ? good(value)
      : bad('must be "system", "light" or "dark"'),
  columns: (value) => {
    if (!Array.isArray(value) || value.length > MAX_COLUMNS)
      return bad(`must be a list of at most ${MAX_COLUMNS} columns`);
    const columns: ColumnSetting[] = [];
    const ids = new Set<string>();
    for (const column of value as unknown[]) {
      if (!isObject(column) || typeof column.id !== 'string' || !ID.test(column.id))
        return bad('must name each column by an id (letters, digits, . _ -)');
      if (ids.has(column.id)) return bad(`names the column "${column.id}" twice`);
      ids.add(column.id);
      if (column.width !== undefined && !isSize(column.width))
        return bad(`gives "${column.id}" a width that is not a number from 0 to ${MAX_SIZE}`);
      if (column.hidden !== undefined && typeof column.hidden !== 'boolean')
        return bad(`must say hidden true or false for "${column.id}"`);
      columns.push({
        id: column.id,
        ...(column.width !== undefined ? { width: column.width } : {}),
        ...(column.hidden !== undefined ? { hidden: column.hidden } : {}),
      });
    }
    return good(columns);
  },
  sort: (value) =>
    isObject(value) &&
    typeof value.column === 'string' &&
    ID.test(value.column) &&
    typeof value.descending === 'boolean'
      ? good({ column: value.column, descending: value.descending })
      : bad('must be { column, descending } with a column id and true or false'),
  panes: (value) => {
    if (!isObject(value) || Object.keys(value).length > MAX_PANES)
      return bad(`must map at most ${MAX_PANES} pane names to sizes`);
    const panes: Record<string, number> = {};
    for (const [name, size] of Object.entries(value)) {
      if (!ID.test(name) || !isSize(size))
        return bad(
          `must give each pane (a name of letters, digits, . _ -) a size from 0 to ${MAX_SIZE}`,
        );
      panes[name] = size;
    }
    return good(panes);
  },
};

/** The UI settings in `value`, checked field by field, or what is wrong with the first bad one. */
export function checkUiSettings(value: unknown): UiSettings | string {
  return patchUiSettings({}, value, false);
}

/**
 * `current` with `patch` applied: each field given is checked and replaces the old value, and
 * (when `nulls` is on) `null` returns a field to the default. Unknown fields are refused, so a
 * misspelt one is not silently dropped.
 */
export function patchUiSettings(
  current: UiSettings,
  patch: unknown,
  nulls = true,
): UiSettings | string {
  if (!isObject(patch)) return '"ui" must be an object';
  const next: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (!Object.prototype.hasOwnProperty.call(UI_FIELDS, field))
      return `"ui.${field}" is not a UI setting`;
    if (value === null && nulls) {
      delete next[field];
      continue;
    }
    if (value === undefined) continue;
    const checked = UI_FIELDS[field as keyof UiSettings](value);
    if (!checked.ok) return `"ui.${field}" ${checked.wrong}`;
    next[field] = checked.value;
  }
  return next as UiSettings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_SIZE;
}

/** Writes atomically: a temporary file beside it, then a rename over the old one. */
export function writeCoreSettings(path: string, settings: CoreSettings): void {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    throw new UserFacingError(fsErrorMessage(error, path, 'write'));
  }
}

function broken(path: string, detail: string): Message {
  return {
    key: 'settings.broken',
    text: `The settings file ${path} cannot be read (${detail}), so the defaults apply and the file is left untouched: fix it or move it away.`,
    params: { path, detail },
  };
}
