// The list as a UI pages through it (`exchanges.rows`, `exchanges.indexOf`): filtered and sorted
// over the open session's exchange columns, a page of summaries at a time. A filter's first scan
// of a large session runs in slices, so capture and other commands go on meanwhile.

import { MAX_PAGE_ROWS, type ExchangeRows, type ExchangeSummary } from '../protocol/types';
import {
  checkFilter,
  checkSort,
  readsContent,
  type ListFilter,
  type ListSort,
} from '../protocol/filter';
import { firstAtLeast, type ExchangeTable, type RowContent } from './exchange-table';
import { SearchTextCache } from './search-text';

/** Rows of a filter's scan per turn of the event loop (some 10–30 ms). */
const SCAN_ROWS_PER_SLICE = 50_000;
/** How long one slice of a filter's scan that reads headers and bodies may hold the event loop. */
const SCAN_SLICE_MS = 25;

export interface ListPagesHost {
  /** The open session's table (another one once another session is opened). */
  table(): ExchangeTable;
  closed(): boolean;
  /** What filters on headers and bodies read of an exchange of the open session. */
  content(exchange: ExchangeSummary): RowContent;
}

export class ListPages {
  /** What filters on headers and bodies read, by exchange (bounded). */
  private readonly searchTexts = new SearchTextCache();

  constructor(private readonly host: ListPagesHost) {}

  private filterOf(value: unknown): ListFilter {
    const filter = checkFilter(value);
    if (typeof filter === 'string') throw new Error(filter);
    return filter;
  }

  /**
   * The open session's table once the filter's scan covers it: a long scan (a new filter over a
   * million rows) runs in slices, so capture and other commands go on meanwhile.
   */
  private async scanned(filter: ListFilter): Promise<ExchangeTable> {
    let table = this.host.table();
    this.readContentFor(table);
    // A filter that reads headers and bodies yields by time, not rows (each row is a file read).
    const slice = (): number =>
      readsContent(filter) ? performance.now() + SCAN_SLICE_MS : Infinity;
    while (!table.scanFilter(filter, SCAN_ROWS_PER_SLICE, slice())) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.host.closed()) throw new Error('The core is closed.');
      // Another session may have been opened meanwhile: the answer is about the open one.
      table = this.host.table();
      this.readContentFor(table);
    }
    return table;
  }

  /** Lets the table's filters read its messages from the open session's file. */
  private readContentFor(table: ExchangeTable): void {
    if (table.contentSource !== null) return;
    // Texts of an earlier session's exchanges are of no use now (and could share their ids).
    this.searchTexts.clear();
    table.contentSource = (row) => {
      const exchange = table.summary(row);
      const key = `${exchange.exchangeId} ${exchange.requestSpan.length} ${exchange.responseSpan?.length ?? 0}`;
      return this.searchTexts.get(key, () => {
        if (table !== this.host.table()) return { headers: '', body: '' };
        return this.host.content(exchange);
      });
    };
  }

  async rows(params: {
    from?: unknown;
    count?: unknown;
    filter?: unknown;
    sort?: unknown;
  }): Promise<ExchangeRows> {
    const { from, count } = params;
    if (!isCount(from) || !isCount(count) || count > MAX_PAGE_ROWS)
      throw new Error(`from and count must be whole numbers ≥ 0 (count at most ${MAX_PAGE_ROWS}).`);
    const filter = this.filterOf(params.filter);
    const table = await this.scanned(filter);
    const filtered = table.filtered(filter);
    const total = filtered ? filtered.count : table.size;
    const order = this.orderOf(table, filter, filtered, params.sort);
    const rows: ExchangeSummary[] = [];
    for (let i = from; i < Math.min(total, from + count); i++)
      rows.push(table.summary(order ? order[i] : i));
    return { total, all: table.size, from, rows, methods: table.methods() };
  }

  async indexOf(params: {
    exchangeId?: unknown;
    filter?: unknown;
    sort?: unknown;
  }): Promise<{ index: number }> {
    const filter = this.filterOf(params.filter);
    const table = await this.scanned(filter);
    const row = typeof params.exchangeId === 'string' ? table.find(params.exchangeId) : -1;
    if (row < 0) return { index: -1 };
    const filtered = table.filtered(filter);
    const sorted = this.orderOf(table, filter, filtered, params.sort);
    if (sorted) return { index: sorted.indexOf(row) };
    if (!filtered) return { index: row };
    const at = firstAtLeast(filtered.rows, filtered.count, row);
    return { index: at < filtered.count && filtered.rows[at] === row ? at : -1 };
  }

  /** The rows of the list in order (the filter's, sorted when asked), or null: every row as is. */
  private orderOf(
    table: ExchangeTable,
    filter: ListFilter,
    filtered: { rows: Int32Array; count: number } | null,
    value: unknown,
  ): Int32Array | null {
    const sort: ListSort | null | string = checkSort(value);
    if (typeof sort === 'string') throw new Error(sort);
    if (sort === null) return filtered ? filtered.rows : null;
    const count = filtered ? filtered.count : table.size;
    return table.sorted(filtered ? filtered.rows : null, count, sort, table.filterKey(filter));
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
