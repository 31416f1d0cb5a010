// The connection list's columns, as data in one place: what each shows is in ConnectionList, but
// which columns exist, their labels, default widths, limits and what they sort by are here. The
// user's widths, hidden columns and sort are kept by the Core (settings.json, `ui`).
import type { ColumnSetting } from '../../src-main/protocol/types';
import type { ListSort, SortKey } from '../../src-main/protocol/filter';
import type { CatalogueKey } from './locales/en';

export type ColumnId = 'method' | 'target' | 'status' | 'size' | 'time' | 'connection';

export interface ColumnDef {
  id: ColumnId;
  label: CatalogueKey;
  /** Default width in pixels; the target column takes the rest of the row. */
  width: number;
  minWidth: number;
  sortKey: SortKey;
  /** The class of its cells (kept from before the columns were data: tests and styles use it). */
  cellClass: string;
  /** Whether it can be hidden (the target cannot: a row would say nothing). */
  hideable: boolean;
}

export const COLUMNS: readonly ColumnDef[] = [
  {
    id: 'method',
    label: 'list.col.method',
    width: 64,
    minWidth: 40,
    sortKey: 'method',
    cellClass: 'c-method',
    hideable: true,
  },
  {
    id: 'target',
    label: 'list.col.target',
    width: 0,
    minWidth: 80,
    sortKey: 'target',
    cellClass: 'c-target',
    hideable: false,
  },
  {
    id: 'status',
    label: 'list.col.status',
    width: 84,
    minWidth: 44,
    sortKey: 'status',
    cellClass: 'c-status',
    hideable: true,
  },
  {
    id: 'size',
    label: 'list.col.size',
    width: 116,
    minWidth: 50,
    sortKey: 'size',
    cellClass: 'c-size',
    hideable: true,
  },
  {
    id: 'time',
    label: 'list.col.time',
    width: 60,
    minWidth: 40,
    sortKey: 'duration',
    cellClass: 'c-time',
    hideable: true,
  },
  {
    id: 'connection',
    label: 'list.col.connection',
    width: 110,
    minWidth: 50,
    sortKey: 'connection',
    cellClass: 'c-conn',
    hideable: true,
  },
];

const MAX_WIDTH = 2000;

export interface ShownColumn extends ColumnDef {
  /** In pixels (0 for the target: the rest of the row). */
  shownWidth: number;
}

/** The columns shown, in order, with the widths the settings give them. */
export function shownColumns(settings: readonly ColumnSetting[] | undefined): ShownColumn[] {
  const byId = new Map((settings ?? []).map((s) => [s.id, s]));
  return COLUMNS.filter((c) => !(c.hideable && byId.get(c.id)?.hidden === true)).map((c) => {
    const width = byId.get(c.id)?.width;
    return {
      ...c,
      shownWidth: c.width === 0 ? 0 : Math.min(MAX_WIDTH, Math.max(c.minWidth, width ?? c.width)),
    };
  });
}

/** The CSS grid columns of a row. */
export function gridTemplate(columns: readonly ShownColumn[]): string {
  return columns
    .map((c) => (c.shownWidth === 0 ? `minmax(${c.minWidth}px, 1fr)` : `${c.shownWidth}px`))
    .join(' ');
}

/** The settings with one column's width or visibility changed (other columns kept as they are). */
export function withColumn(
  settings: readonly ColumnSetting[] | undefined,
  id: ColumnId,
  change: { width?: number; hidden?: boolean },
): ColumnSetting[] {
  const next: ColumnSetting[] = COLUMNS.map((c) => ({
    ...(settings ?? []).find((s) => s.id === c.id),
    id: c.id,
  }));
  const at = next.findIndex((s) => s.id === id);
  const column = COLUMNS[at];
  const merged: ColumnSetting = { ...next[at], ...change };
  if (merged.width !== undefined)
    merged.width = Math.round(Math.min(MAX_WIDTH, Math.max(column.minWidth, merged.width)));
  if (!column.hideable) delete merged.hidden;
  next[at] = merged;
  // Only what differs from the defaults is kept.
  return next.filter((s) => s.width !== undefined || s.hidden !== undefined);
}

/** The next sort when a column's header is clicked: ascending, descending, then arrival order. */
export function nextSort(current: ListSort | null, column: ColumnDef): ListSort | null {
  if (current?.key !== column.sortKey) return { key: column.sortKey, descending: false };
  if (!current.descending) return { key: column.sortKey, descending: true };
  return null;
}

/** The sort as the settings keep it (by column id) and back. */
export function sortSetting(sort: ListSort | null): { column: string; descending: boolean } | null {
  const column = sort && COLUMNS.find((c) => c.sortKey === sort.key);
  return column ? { column: column.id, descending: sort.descending } : null;
}

export function sortFromSetting(
  setting: { column: string; descending: boolean } | undefined,
): ListSort | null {
  const column = setting && COLUMNS.find((c) => c.id === setting.column);
  return column && setting ? { key: column.sortKey, descending: setting.descending } : null;
}
