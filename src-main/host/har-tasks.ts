// HAR files of any size: an export written entry by entry to a sink that can apply
// backpressure (an HTTP download, a file), and an import received in parts and imported in
// slices. Both report `progress` events and can be cancelled; neither holds a whole session.

import { createWriteStream } from 'node:fs';
import type { CoreEvent, Message, TaskProgress } from '../protocol/types';
import {
  harEntries,
  harStream,
  HarImportError,
  importHarEntry,
  type HarSource,
  type ImportedEntry,
} from '../capture/har';

/** What the tasks need from the Core. */
export interface HarTaskHost {
  /** The exchanges to export, in list order (all when `ids` is undefined); throws on an unknown id. */
  exportRows(ids: string[] | undefined): { count: number; source(index: number): HarSource };
  /** Whether the session the export started in is still the open one. */
  sameSession(token: unknown): boolean;
  sessionToken(): unknown;
  addImported(entry: ImportedEntry): void;
  newConnectionId(): string;
  emit(event: CoreEvent): void;
}

/** Text in, with backpressure: resolves when the sink can take more. */
export type HarSink = (text: string) => void | Promise<void>;

/**
 * Largest HAR text an import accepts: its parts are joined and parsed whole, which takes several
 * times its size in memory, so the bound keeps a huge file from exhausting the Core.
 */
export const MAX_IMPORT_CHARS = 128 * 1024 * 1024;
const PROGRESS_MS = 200;
const SLICE_MS = 30;
const SINK_BATCH_CHARS = 256 * 1024;

function taskIdOf(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value))
    throw new Error('taskId must be 1–64 letters, digits, - or _.');
  return value;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reports a task's progress, at most every PROGRESS_MS while it runs. */
class Reporter {
  private last = 0;

  constructor(
    private readonly host: HarTaskHost,
    private readonly base: Pick<TaskProgress, 'taskId' | 'task'>,
  ) {}

  report(
    done: number,
    total: number,
    unit: TaskProgress['unit'],
    state: TaskProgress['state'] = 'running',
    message?: Message,
  ): void {
    const now = Date.now();
    if (state === 'running' && now - this.last < PROGRESS_MS) return;
    this.last = now;
    const progress: TaskProgress = { ...this.base, done, total, unit, state };
    if (message) progress.message = message;
    this.host.emit({ type: 'progress', progress });
  }
}

export class HarTasks {
  private readonly imports = new Map<
    string,
    { parts: string[]; chars: number; size: number; cancelled: boolean; importing: boolean }
  >();
  private readonly cancelledExports = new Set<string>();

  constructor(private readonly host: HarTaskHost) {}

  /** Writes a HAR document of the chosen exchanges to `sink`, entry by entry. */
  async export(
    params: { exchangeIds?: unknown; taskId?: unknown },
    sink: HarSink,
  ): Promise<{ exported: number; cancelled: boolean }> {
    const taskId = params.taskId === undefined ? null : taskIdOf(params.taskId);
    const reporter = taskId ? new Reporter(this.host, { taskId, task: 'export' }) : null;
    let rows: ReturnType<HarTaskHost['exportRows']> = {
      count: 0,
      source: () => undefined as never,
    };
    let exported = 0;
    try {
      rows = this.host.exportRows(checkIds(params.exchangeIds));
    } catch (error) {
      reporter?.report(0, 0, 'entries', 'failed', failure(error));
      throw error;
    }
    const session = this.host.sessionToken();
    let pending = harStream.head();
    let sliceEnd = Date.now() + SLICE_MS;
    try {
      for (let index = 0; index < rows.count; index++) {
        if (taskId && this.cancelledExports.delete(taskId)) {
          reporter?.report(exported, rows.count, 'entries', 'cancelled');
          return { exported, cancelled: true };
        }
        if (!this.host.sameSession(session))
          throw new Error('Another session was opened during the export; it stopped.');
        pending += harStream.entry(rows.source(index), index === 0);
        exported++;
        if (pending.length >= SINK_BATCH_CHARS) {
          const text = pending;
          pending = '';
          await sink(text);
        }
        if (Date.now() >= sliceEnd) {
          reporter?.report(exported, rows.count, 'entries');
          await yieldNow();
          sliceEnd = Date.now() + SLICE_MS;
        }
      }
      await sink(pending + harStream.tail());
    } catch (error) {
      reporter?.report(exported, rows.count, 'entries', 'failed', failure(error));
      throw error;
    }
    reporter?.report(exported, rows.count, 'entries', 'finished');
    return { exported, cancelled: false };
  }

  cancelExport(taskId: unknown): void {
    this.cancelledExports.add(taskIdOf(taskId));
  }

  begin(params: { taskId?: unknown; name?: unknown; size?: unknown }): { taskId: string } {
    const taskId = taskIdOf(params.taskId);
    const size = typeof params.size === 'number' && params.size >= 0 ? params.size : 0;
    if (this.imports.has(taskId)) throw new Error(`An import ${taskId} is already running.`);
    this.imports.set(taskId, { parts: [], chars: 0, size, cancelled: false, importing: false });
    return { taskId };
  }

  chunk(params: { taskId?: unknown; text?: unknown }): { received: number } {
    const task = this.task(params.taskId);
    if (typeof params.text !== 'string') throw new Error('import.har.chunk needs text.');
    if (task.importing) throw new Error('The import has already started reading entries.');
    task.chars += params.text.length;
    if (task.chars > MAX_IMPORT_CHARS) {
      this.imports.delete(taskIdOf(params.taskId));
      throw new HarImportError(`The HAR file is larger than ${MAX_IMPORT_CHARS} characters.`);
    }
    task.parts.push(params.text);
    return { received: task.chars };
  }

  cancel(params: { taskId?: unknown }): { cancelled: boolean } {
    const taskId = taskIdOf(params.taskId);
    const task = this.imports.get(taskId);
    if (!task) return { cancelled: false };
    task.cancelled = true;
    if (!task.importing) this.imports.delete(taskId);
    return { cancelled: true };
  }

  /**
   * Checks every entry first (a bad file imports nothing), then adds them in slices. Cancelled
   * midway, the entries already added stay (they are in the session file) and the count says so.
   */
  async end(params: { taskId?: unknown }): Promise<{ imported: number; cancelled: boolean }> {
    const taskId = taskIdOf(params.taskId);
    const task = this.task(taskId);
    task.importing = true;
    const reporter = new Reporter(this.host, { taskId, task: 'import' });
    let imported = 0;
    let total = 0;
    try {
      const text = task.parts.join('');
      task.parts = [];
      const entries = harEntries(text);
      total = entries.length;
      const checked: ImportedEntry[] = [];
      let sliceEnd = Date.now() + SLICE_MS;
      for (let index = 0; index < entries.length; index++) {
        checked.push(importHarEntry(entries[index], index, this.host.newConnectionId()));
        if (Date.now() >= sliceEnd) {
          await yieldNow();
          if (task.cancelled) break;
          sliceEnd = Date.now() + SLICE_MS;
        }
      }
      for (const entry of checked) {
        if (task.cancelled) break;
        this.host.addImported(entry);
        imported++;
        if (Date.now() >= sliceEnd) {
          reporter.report(imported, total, 'entries');
          await yieldNow();
          sliceEnd = Date.now() + SLICE_MS;
        }
      }
    } catch (error) {
      reporter.report(imported, total, 'entries', 'failed', failure(error));
      throw error;
    } finally {
      this.imports.delete(taskId);
    }
    reporter.report(imported, total, 'entries', task.cancelled ? 'cancelled' : 'finished');
    return { imported, cancelled: task.cancelled };
  }

  private task(value: unknown): {
    parts: string[];
    chars: number;
    size: number;
    cancelled: boolean;
    importing: boolean;
  } {
    const taskId = taskIdOf(value);
    const task = this.imports.get(taskId);
    if (!task) throw new Error(`No HAR import ${taskId} is running.`);
    return task;
  }
}

function checkIds(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string'))
    throw new Error('exchangeIds must be a list of exchange ids.');
  return value as string[];
}

function failure(error: unknown): Message {
  const text = error instanceof Error ? error.message : String(error);
  return { key: 'har.taskFailed', text, params: { detail: text } };
}

/** A sink that writes to a file, waiting for the disk when its buffer is full. */
export function fileSink(path: string): { sink: HarSink; close(): Promise<void> } {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (error) => {
    failure = error;
  });
  return {
    sink: async (text) => {
      if (failure) throw failure;
      if (!stream.write(text))
        await new Promise<void>((resolve, reject) => {
          stream.once('drain', resolve);
          stream.once('error', reject);
        });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failure) {
          reject(failure);
          return;
        }
        stream.end(() => (failure ? reject(failure) : resolve()));
      }),
  };
}

/**
 * `export.har.save` for the desktop shell: `choosePath` asks the user (null: cancelled), then
 * the export streams to that file.
 */
export async function saveHarAs(
  exportHar: (
    params: { exchangeIds?: string[]; taskId?: string },
    sink: HarSink,
  ) => Promise<{ exported: number }>,
  choosePath: (defaultName: string) => Promise<string | null>,
  params: { exchangeIds?: string[]; taskId?: string; name?: string },
): Promise<{ saved: boolean; file: string | null; exported: number }> {
  const name = (typeof params.name === 'string' ? params.name : '').replace(/[^\w.-]+/g, '-');
  const path = await choosePath(`${name.slice(0, 80) || 'socketscope'}.har`);
  if (path === null) return { saved: false, file: null, exported: 0 };
  const file = fileSink(path);
  try {
    const { exported } = await exportHar(
      { exchangeIds: params.exchangeIds, ...(params.taskId ? { taskId: params.taskId } : {}) },
      file.sink,
    );
    await file.close();
    return { saved: true, file: path, exported };
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}
