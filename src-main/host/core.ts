// The Core: one API for every UI. Capture events are written to the session store first, then
// summarised, then delivered to subscribers in batches; commands cover the whole CommandMap.

import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ruleFromExchange } from './rule-from-exchange';
import type { CaptureEvent, CaptureServerApi } from '../capture/events';
import type {
  CommandName,
  CommandParams,
  CommandResult,
  CoreApi,
  CoreEvent,
  ExchangeSummary,
  Message,
  ResponderRule,
  RulesFileProblem,
  ServerSettings,
  SessionInfo,
  Snapshot,
  SubscribeOptions,
} from '../protocol/types';
import { PROTOCOL_VERSION, SNAPSHOT_ROWS } from '../protocol/types';
import type { ConnectionSummary, SessionLoad } from '../protocol/types';
import { searchTextOf } from './search-text';
import type { CommandHandlers } from './command-handlers';
import { RecordedBytes } from './recorded-bytes';
import { replayCommands } from './replay-commands';
import { ListPages } from './list-pages';
import {
  SessionStore,
  sessionWriter,
  type FileWriter,
  type LoadProgress,
  type StoredExchange,
} from '../capture/store';
import { HarTasks, type HarSink, type HarTaskHost } from './har-tasks';
import {
  createSession,
  deleteSession,
  ensureSessionMeta,
  listSessions,
  renameSession,
  sessionDir,
  sessionInfo,
} from '../capture/sessions';
import { exportHar, importHar } from '../capture/har';
import { curlCommand } from '../capture/curl';
import type { SettingsPatch } from '../capture/settings';
import { CaptureServer, type CaptureServerOptions } from '../capture/server';
import {
  loadRules,
  moveRulesAside,
  rulesBackupPath,
  saveRules,
  validateRules,
} from '../capture/rules-file';
import { fsError, UserFacingError } from '../capture/fs-errors';
import { ExchangeBook, type Emit, type EmitRow } from './exchanges';
import { EventDelivery } from './event-delivery';
import { WriteAheadGate } from './write-ahead';
import { fsErrorMessage, lockOwner } from '../capture/fs-errors';
import { caFolder, defaultHome, rulesFile, sessionsFolder, settingsFile } from './paths';
import {
  DEFAULT_CORE_SETTINGS,
  patchUiSettings,
  readCoreSettings,
  writeCoreSettings,
  type CoreSettings,
} from './settings-file';
import { Holds } from '../capture/holds';
import { InterceptLauncher, type InterceptOptions } from './intercept-launch';

export interface CoreOptions {
  /** The user-data folder (default: SOCKETSCOPE_HOME, else the platform's app-data folder). */
  home?: string;
  settings?: SettingsPatch;
  /** Initial rules; default: `<home>/rules.json` when present. */
  rules?: ResponderRule[];
  /** Folder against which relative file paths in rules are resolved. */
  rulesDir?: string;
  /** Open this session (under `<home>/sessions`) instead of starting a new one. */
  sessionId?: string;
  /** Open or create the session in this folder, wherever it is. */
  sessionDir?: string;
  /**
   * Reopen the session that was current when the app last stopped on this data folder (else
   * the newest), and remember each switch; a new session only when there is none or it cannot
   * be recorded into (said in a notice). Ignored with `sessionId` or `sessionDir`. The apps set
   * it; the CLI's `serve` records each run in a new session.
   */
  resume?: boolean;
  /** Interval of event batches to subscribers (16–50 ms; default 25). */
  batchMs?: number;
  /** The store flushes at least this often (default 50 ms). */
  flushMs?: number;
  /** Sync the session file to the disk at every commit (power-loss safety; off by default). */
  fsync?: boolean;
  /** Bytes kept in memory while the session file cannot be written (default 64 MiB). */
  maxPendingBytes?: number;
  /** The session file's positional write (tests inject write failures through it). */
  storeWrite?: FileWriter;
  assetsDir?: string;
  /** How the Intercept panel finds and starts browsers (tests: headless, their own PATH). */
  intercept?: Omit<InterceptOptions, 'caDir'>;
  /** Builds the capture server (tests substitute their own). */
  serverFactory?: (options: CaptureServerOptions) => CaptureServerApi | Promise<CaptureServerApi>;
}

export interface Core extends CoreApi {
  readonly home: string;
  /** Receives the capture events of each batch, after they were written to the session file. */
  onCapture(listener: (events: CaptureEvent[]) => void): () => void;
  /** Writes every pending record now. */
  flush(): void;
  /** The folder of the active session. */
  sessionDir(): string;
  /** What opening the active session found: damaged regions, or why it is read-only. */
  sessionWarnings(): Message[];
  /** Writes a HAR document of the chosen exchanges (all by default) to `sink`, entry by entry. */
  exportHar(
    params: { exchangeIds?: string[]; taskId?: string },
    sink: HarSink,
  ): Promise<{ exported: number; cancelled: boolean }>;
  close(): Promise<void>;
}

/** How long one slice of reading a session's file may hold the event loop. */
const LOAD_SLICE_MS = 40;
/** Sessions up to this size are read whole before `session.open` answers. */
const READ_AT_ONCE_BYTES = 8 * 1024 * 1024;
/** Larger exports go through the streamed download (`exportHar`), not one reply. */
const MAX_EXPORT_IN_REPLY = 10_000;

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const home = resolve(options.home ?? defaultHome());
  try {
    mkdirSync(sessionsFolder(home), { recursive: true });
  } catch (error) {
    throw fsError(error, sessionsFolder(home), 'create');
  }
  const core = new SocketscopeCore(home, options);
  await core.init(options);
  return core;
}

class SocketscopeCore implements Core {
  readonly home: string;
  private server!: CaptureServerApi;
  private store!: SessionStore;
  private activeDir = '';
  private book = new ExchangeBook();
  private readonly bytes = new RecordedBytes({ store: () => this.store, book: () => this.book });
  /** The list as a UI pages through it, filtered and sorted here. */
  private readonly list = new ListPages({
    table: () => this.book.exchanges,
    closed: () => this.closed,
    content: (exchange) =>
      searchTextOf(this.bytes.request(exchange), this.bytes.response(exchange)),
  });
  private readonly events: EventDelivery;
  private readonly flushMs: number;
  private fsync: boolean;
  /** What settings.json holds (the defaults when it is missing or cannot be read). */
  private savedSettings: CoreSettings = { ...DEFAULT_CORE_SETTINGS };
  /** Set while settings.json cannot be read: it is then never written over. */
  private settingsProblem: Message | null = null;
  /** Each session switch is kept as `lastSession` (the apps' Core, not the CLI's). */
  private rememberSessions = false;
  /** What the start could not keep as it was (settings, the last session), for `settings.get`. */
  private readonly startNotices: Message[] = [];
  private readonly storeWrite: FileWriter | undefined;
  private readonly gate: WriteAheadGate;
  /** Capture-server connection id → id in this session (renamed when a session already has it). */
  private readonly aliases = new Map<string, string>();
  private replayCounter = 0;
  /** Set while the open session's file is still being read. */
  private loading: SessionLoad | null = null;
  private readonly harTasks = new HarTasks({
    exportRows: (ids) => this.exportRows(ids),
    sessionToken: () => this.store,
    sameSession: (token) => token === this.store && !this.closed,
    addImported: (entry) => this.addStored(entry.stored, entry.request, entry.response),
    newConnectionId: () => this.newConnectionId('har'),
    emit: (event) => this.emit(event),
  });
  /** The saved rules file failed to load at start; nothing is written over it until resolved. */
  private rulesProblem: RulesFileProblem | null = null;
  private closed = false;
  private readonly handlers: CommandHandlers;
  /** The messages break rules hold, listed live to every UI. */
  private readonly holds = new Holds({
    onChange: (holds) => this.emit({ type: 'holds', holds }),
    notice: (level, message) => this.notify(level, message),
  });
  private intercept!: InterceptLauncher;

  constructor(home: string, options: CoreOptions) {
    this.home = home;
    // Failures are reported once per outage by the gate, not once per batch.
    this.events = new EventDelivery(clamp(options.batchMs ?? 25, 16, 50), () =>
      this.gate.tryWrite(),
    );
    this.flushMs = clamp(options.flushMs ?? 50, 1, 50);
    const saved = readCoreSettings(settingsFile(home));
    if (!saved.ok) this.settingsProblem = saved.problem;
    else this.savedSettings = saved.settings;
    this.fsync = options.fsync ?? (saved.ok ? saved.settings.fsync : false);
    this.storeWrite = options.storeWrite;
    this.gate = new WriteAheadGate(
      () => this.store,
      {
        failing: (error) => this.notify('error', this.pausedMessage(error)),
        full: (pendingBytes) =>
          this.notify('error', {
            key: 'store.queueFull',
            text: `${pendingBytes} bytes wait in memory for ${this.store.path}, the most Socketscope keeps: new requests are answered 503 until it can write again.`,
            params: { bytes: pendingBytes, path: this.store.path },
          }),
        resumed: () =>
          this.notify('info', {
            key: 'store.resumed',
            text: `Recording to ${this.store.path} has resumed: everything kept in memory is written.`,
            params: { path: this.store.path },
          }),
      },
      { maxPendingBytes: options.maxPendingBytes },
    );
    this.handlers = this.buildHandlers();
    // Transports may pass these around detached from the object.
    this.call = this.call.bind(this);
    this.subscribe = this.subscribe.bind(this);
  }

  async init(options: CoreOptions): Promise<void> {
    if (this.settingsProblem) this.startNotices.push(this.settingsProblem);
    if (options.resume && !options.sessionDir && !options.sessionId) this.reopenLastSession();
    else {
      const dir = options.sessionDir
        ? resolve(options.sessionDir)
        : options.sessionId
          ? sessionDir(this.sessionsRoot(), options.sessionId)
          : join(this.sessionsRoot(), createSession(this.sessionsRoot()).id);
      if (options.sessionId && !existsSync(dir))
        throw new Error(`No session with id ${JSON.stringify(options.sessionId)}.`);
      try {
        this.openSession(dir, false);
      } catch (error) {
        throw fsError(error, dir, 'open');
      }
    }
    if (this.settingsProblem) this.notify('warn', this.settingsProblem);
    let rules = options.rules;
    let rulesDir = options.rulesDir;
    if (!rules) {
      const saved = await this.loadSavedRules();
      rules = saved.rules;
      rulesDir ??= saved.baseDir;
    }
    const serverOptions: CaptureServerOptions = {
      settings: options.settings,
      rules,
      assetsDir: options.assetsDir,
      rulesDir,
      onEvent: (event) => this.onCaptureEvent(event),
      writeAhead: this.gate,
      caDir: caFolder(this.home),
      holds: this.holds,
    };
    this.server = options.serverFactory
      ? await options.serverFactory(serverOptions)
      : new CaptureServer(serverOptions);
    const server = this.server;
    this.intercept = new InterceptLauncher(
      {
        state: () => server.state(),
        settings: () => server.settings(),
        start: async (settings) => this.handlers['server.start'](settings),
        notify: (level, message) => this.notify(level, message),
      },
      { ...options.intercept, caDir: caFolder(this.home) },
    );
  }

  // ---- CoreApi ----

  async call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>> {
    if (this.closed) throw new Error('The core is closed.');
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(this.handlers, name)) {
      throw new Error(`Unknown command: ${JSON.stringify(name)}.`);
    }
    const given: unknown = params ?? {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new Error(`The parameters of ${name} must be an object.`);
    }
    const handler = this.handlers[name] as (
      params: CommandParams<K>,
    ) => Promise<CommandResult<K>> | CommandResult<K>;
    return handler(given as CommandParams<K>);
  }

  subscribe(listener: (events: CoreEvent[]) => void, options?: SubscribeOptions): () => void {
    return this.events.subscribe(listener, options);
  }

  onCapture(listener: (events: CaptureEvent[]) => void): () => void {
    return this.events.onCapture(listener);
  }

  flush(): void {
    this.store.flush();
  }

  sessionDir(): string {
    return this.activeDir;
  }

  sessionWarnings(): Message[] {
    return [...this.openWarnings];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.intercept.closeAll();
      await this.server.stop();
    } finally {
      this.gate.commitNow();
      this.gate.stop();
      this.deliver();
      // One more try during an outage; what still cannot be written is said exactly.
      const lost = this.store.close();
      if (lost) {
        const where = fsErrorMessage(lost.error, this.store.path, 'write');
        this.notify('error', {
          key: 'store.lostAtClose',
          text: `${lost.records} records (${lost.bytes} bytes) could not be saved to ${this.store.path}: ${where.text}`,
          params: {
            records: lost.records,
            bytes: lost.bytes,
            path: this.store.path,
            detail: where.text,
          },
        });
      }
      this.deliver();
      this.closed = true;
      this.events.close();
    }
  }

  /** A notice for every UI and for the capture listeners (the CLI prints those). */
  private notify(level: 'info' | 'warn' | 'error', message: Message): void {
    this.emit({ type: 'notice', level, message });
    this.events.capture({ type: 'notice', level, message });
  }

  /** Recording is paused: what happened, where, and that nothing is lost while memory holds. */
  private pausedMessage(error: unknown): Message {
    const path = this.store.path;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const limit = `${Math.round(this.gate.maxPendingBytes / (1024 * 1024))} MiB`;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return {
        key: 'store.diskFull',
        text: `The disk holding ${path} is full, so recording is paused and captured data waits in memory (up to ${limit}): free some space and it is written by itself.`,
        params: { path, limit },
      };
    }
    const detail = fsErrorMessage(error, path, 'write').text;
    return {
      key: 'store.writePaused',
      text: `Recording to ${path} is paused and captured data waits in memory (up to ${limit}) until it can be written: ${detail}`,
      params: { path, limit, detail },
    };
  }

  /** The one sentence for a failed write to the session file. */
  private writeError(error: unknown): Message {
    return fsErrorMessage(error, this.store.path, 'write');
  }

  // ---- capture pipeline ----

  private onCaptureEvent(raw: CaptureEvent): void {
    if (this.closed) return;
    const event = this.translate(raw);
    try {
      this.store.appendCapture(event);
    } catch (error) {
      this.emit({ type: 'notice', level: 'error', message: this.writeError(error) });
    }
    if (event.type === 'server') this.emit({ type: 'server', state: event.state });
    else if (event.type === 'notice')
      this.emit({ type: 'notice', level: event.level, message: event.message });
    else {
      // With no subscriber (the CLI) there is no one to build events for.
      this.book.apply(event, this.events.listening ? this.emitter : null, this.emitRow);
      if (event.type === 'data') this.events.data(event);
    }
    this.events.capture(event);
  }

  private translate(event: CaptureEvent): CaptureEvent {
    if (!('connectionId' in event)) return event;
    let id = this.aliases.get(event.connectionId);
    if (event.type === 'connectionOpen') {
      id = event.connectionId;
      for (let n = 2; this.book.connections.has(id); n++) id = `${event.connectionId}.${n}`;
      this.aliases.set(event.connectionId, id);
    }
    if (event.type === 'connectionClose') this.aliases.delete(event.connectionId);
    return id === undefined || id === event.connectionId ? event : { ...event, connectionId: id };
  }

  private readonly emitter: Emit = (event) => this.emit(event);

  private readonly emitRow: EmitRow = (table, row) => this.events.emitRow(table, row);

  private emit(event: CoreEvent): void {
    this.events.emit(event);
  }

  /** Writes what is pending, then hands the batch to every subscriber. */
  private deliver(): void {
    this.events.deliver();
  }

  // ---- sessions ----

  private sessionsRoot(): string {
    return sessionsFolder(this.home);
  }

  /** Switches to the session in `dir`; on failure (locked, unreadable) the current one stays. */
  private openSession(dir: string, announce: boolean): void {
    const previous = this.store as SessionStore | undefined;
    if (previous) {
      this.gate.commitNow();
      this.deliver();
    }
    const reopening = previous !== undefined && resolve(dir) === resolve(this.activeDir);
    if (reopening) previous.close();
    ensureSessionMeta(dir);
    const book = new ExchangeBook();
    // Opened from a UI, the file is read in slices: the first rows show at once, the count grows
    // while the rest is read, and no per-exchange events are sent (the UI pages through rows).
    if (announce) book.beginLoading();
    const { store, notices } = SessionStore.open(dir, {
      deferLoad: announce,
      flushMs: this.flushMs,
      fsync: this.fsync,
      write: this.storeWrite,
      onError: (error) => this.gate.writeFailed(error),
      sink: book.loadSink(),
    });
    if (previous && !reopening) previous.close();
    this.book = book;
    this.aliases.clear();
    this.store = store;
    this.activeDir = dir;
    this.loading = null;
    this.rememberSession(dir);
    if (announce) {
      this.emit({ type: 'cleared' });
      this.emit({ type: 'session', session: this.sessionInfo() });
    }
    this.warnSkipped(notices, true);
    // A small session is read at once, so its snapshot is whole; a big one starts with a slice.
    if (announce)
      this.loadSlice(store, book, store.size() <= READ_AT_ONCE_BYTES ? Infinity : LOAD_SLICE_MS);
    // Subscribers hear of the switch before the caller gets its reply.
    if (announce) this.deliver();
  }

  /**
   * Opens the remembered session (else the newest) to record into; when there is none, or it is
   * locked, unreadable or read-only, starts a new one and says why.
   */
  private reopenLastSession(): void {
    this.rememberSessions = true;
    const root = this.sessionsRoot();
    const remembered = this.savedSettings.lastSession;
    const id =
      remembered !== undefined && existsSync(join(root, remembered))
        ? remembered
        : listSessions(root, null)[0]?.id;
    let message: Message | null = null;
    if (id !== undefined) {
      const dir = join(root, id);
      try {
        // Read as a UI opens one: a big session loads in slices, so the start does not wait.
        this.openSession(dir, true);
        if (this.store.writable) return;
        const detail = this.openWarnings.map((w) => w.text).join(' ') || 'it is read-only';
        message = notResumed(id, detail);
      } catch (error) {
        const pid = lockOwner(error);
        message =
          pid === null
            ? notResumed(id, fsErrorMessage(error, dir, 'open').text)
            : {
                key: 'session.notResumedLocked',
                text: `The last session ${id} is being recorded by process ${pid} (another Socketscope), so a new session was started.`,
                params: { id, pid },
              };
      }
    }
    const dir = join(root, createSession(root).id);
    try {
      this.openSession(dir, false);
    } catch (error) {
      throw fsError(error, dir, 'open');
    }
    if (message === null) return;
    this.startNotices.push(message);
    this.warnSkipped([message]);
  }

  /** Keeps the current session's id in settings.json, for the next start to reopen. */
  private rememberSession(dir: string): void {
    if (!this.rememberSessions || this.settingsProblem) return;
    if (resolve(dirname(dir)) !== resolve(this.sessionsRoot())) return;
    const id = basename(dir);
    if (this.savedSettings.lastSession === id) return;
    const next = { ...this.savedSettings, lastSession: id };
    try {
      writeCoreSettings(settingsFile(this.home), next);
      this.savedSettings = next;
    } catch (error) {
      this.notify('warn', fsErrorMessage(error, settingsFile(this.home), 'write'));
    }
  }

  /** The warnings of the last session opened, kept for the CLI (it subscribes only later). */
  private openWarnings: Message[] = [];

  /** Damaged regions of the session file (each with its byte range), or why it is read-only. */
  private warnSkipped(notices: Message[], first = false): void {
    this.openWarnings = first ? [...notices] : [...this.openWarnings, ...notices];
    for (const message of notices) this.emit({ type: 'notice', level: 'warn', message });
  }

  /** Reads the next slice of a session opened from a UI, then yields to capture and commands. */
  private loadSlice(store: SessionStore, book: ExchangeBook, budgetMs = LOAD_SLICE_MS): void {
    if (this.closed || this.store !== store) return;
    let progress: LoadProgress;
    try {
      progress = store.loadSome(budgetMs);
    } catch (error) {
      // An unreadable file ends the load where it stands; what was read stays listed.
      progress = {
        done: true,
        loadedBytes: 0,
        totalBytes: 0,
        warnings: [],
        notices: [],
        damaged: [],
      };
      this.emit({
        type: 'notice',
        level: 'error',
        message: errorMessage('session.loadFailed', error),
      });
    }
    this.warnSkipped(progress.notices);
    if (progress.done) {
      book.finishLoading(this.events.listening ? this.emitter : null, this.emitRow);
      this.loading = null;
    } else {
      this.loading = {
        loadedBytes: progress.loadedBytes,
        totalBytes: progress.totalBytes,
        done: false,
      };
      setImmediate(() => this.loadSlice(store, book));
    }
    this.emit({ type: 'exchangeCount', total: book.exchanges.size });
    this.emit({
      type: 'sessionLoad',
      load: this.loading ?? {
        loadedBytes: progress.totalBytes,
        totalBytes: progress.totalBytes,
        done: true,
      },
    });
  }

  private sessionInfo(): SessionInfo {
    return sessionInfo(this.activeDir, this.activeDir);
  }

  private snapshot(): Snapshot {
    const connections: ConnectionSummary[] = [];
    for (const connection of this.book.connections.values()) {
      if (connections.length >= SNAPSHOT_ROWS) break;
      connections.push({ ...connection });
    }
    const table = this.book.exchanges;
    const exchanges: ExchangeSummary[] = [];
    for (let row = 0; row < Math.min(SNAPSHOT_ROWS, table.size); row++)
      exchanges.push(table.summary(row));
    return {
      version: PROTOCOL_VERSION,
      server: this.server.state(),
      settings: this.server.settings(),
      rules: this.server.rules(),
      rulesProblem: this.rulesProblem,
      connections,
      connectionCount: this.book.connections.size,
      exchanges,
      exchangeCount: table.size,
      session: this.sessionInfo(),
      loading: this.loading,
    };
  }

  private knownSessionDir(id: unknown): string {
    if (typeof id !== 'string') throw new Error('A session id (string) is required.');
    if (this.activeDir && basename(this.activeDir) === id) return this.activeDir;
    const dir = sessionDir(this.sessionsRoot(), id);
    if (!existsSync(dir)) throw new Error(`No session with id ${JSON.stringify(id)}.`);
    return dir;
  }

  // ---- rules ----

  private async loadSavedRules(): Promise<{ rules: ResponderRule[]; baseDir: string | undefined }> {
    const file = rulesFile(this.home);
    if (!existsSync(file)) return { rules: [], baseDir: undefined };
    const loaded = await loadRules(file);
    if (loaded.ok) return { rules: loaded.rules, baseDir: loaded.baseDir };
    this.rulesProblem = {
      file,
      line: loaded.problem.line,
      column: loaded.problem.column,
      message: loaded.problem.message,
      backupAvailable: (await loadRules(rulesBackupPath(file))).ok,
    };
    this.emit({ type: 'notice', level: 'error', message: loaded.problem.message });
    // The backup, when chosen, lives in the same folder.
    return { rules: [], baseDir: dirname(file) };
  }

  /** Resolves a broken rules file; the broken file is moved aside, never written over. */
  private async recoverRules(choice: unknown): Promise<CommandResult<'rules.recover'>> {
    if (choice !== 'backup' && choice !== 'fresh')
      throw new Error('choice must be "backup" or "fresh".');
    const problem = this.rulesProblem;
    if (!problem) throw new Error('The rules file has no problem to resolve.');
    let rules: ResponderRule[] = [];
    if (choice === 'backup') {
      const backup = rulesBackupPath(problem.file);
      const loaded = await loadRules(backup);
      if (!loaded.ok) {
        throw new UserFacingError({
          key: 'rules.backupUnusable',
          text: `The backup ${backup} cannot be used either (${loaded.message}): start afresh instead.`,
          params: { file: backup, detail: loaded.message },
        });
      }
      rules = loaded.rules;
    }
    const movedTo = existsSync(problem.file) ? await moveRulesAside(problem.file) : null;
    if (choice === 'backup') await saveRules(problem.file, rules);
    this.rulesProblem = null;
    this.server.setRules(rules);
    const applied = this.server.rules();
    this.emit({ type: 'rules', rules: applied });
    return { rules: applied, movedTo };
  }

  // ---- bytes ----

  /** A connection id of its own for an exchange the Core makes (a replay, a HAR import). */
  private newConnectionId(prefix: 'replay' | 'har'): string {
    return `${prefix}-${++this.replayCounter}-${randomBytes(3).toString('hex')}`;
  }

  private addStored(stored: StoredExchange, request: Uint8Array, response: Uint8Array): void {
    this.store.appendExchange(stored, request, response);
    this.book.addStored(stored, request, response, this.emitter);
    this.emit({ type: 'exchangeCount', total: this.book.exchanges.size });
  }

  // ---- the list, page by page: list-pages.ts ----

  private exportRows(ids: string[] | undefined): ReturnType<HarTaskHost['exportRows']> {
    const table = this.book.exchanges;
    const rows = ids
      ? ids.map((id) => {
          const row = table.find(id);
          if (row < 0) throw new Error(`No exchange with id ${JSON.stringify(id)}.`);
          return row;
        })
      : null;
    return {
      count: rows ? rows.length : table.size,
      source: (index) => {
        const exchange = table.summary(rows ? rows[index] : index);
        return {
          exchange,
          connection: this.book.connections.get(exchange.connectionId) ?? null,
          request: this.bytes.request(exchange),
          response: this.bytes.response(exchange),
        };
      },
    };
  }

  exportHar(
    params: { exchangeIds?: string[]; taskId?: string },
    sink: HarSink,
  ): Promise<{ exported: number; cancelled: boolean }> {
    if (this.closed) return Promise.reject(new Error('The core is closed.'));
    return this.harTasks.export(params, sink);
  }

  // ---- commands ----

  private buildHandlers(): CommandHandlers {
    return {
      snapshot: () => this.snapshot(),
      'server.start': async (params) => {
        const state = await this.server.start(params as Partial<ServerSettings>);
        this.emit({ type: 'server', state });
        return state;
      },
      'server.stop': async () => {
        const state = await this.server.stop();
        this.gate.commitNow();
        this.emit({ type: 'server', state });
        return state;
      },
      'store.fsync': ({ on }) => {
        if (on !== undefined) {
          if (typeof on !== 'boolean') throw new Error('on must be true or false.');
          if (this.settingsProblem) throw new Error(this.settingsProblem.text);
          writeCoreSettings(settingsFile(this.home), { ...this.savedSettings, fsync: on });
          this.savedSettings = { ...this.savedSettings, fsync: on };
          this.fsync = on;
          this.store.setFsync(on);
        }
        return { on: this.fsync };
      },
      'settings.lessonSeen': ({ seen }) => {
        if (seen !== undefined) {
          if (typeof seen !== 'boolean') throw new Error('seen must be true or false.');
          if (this.settingsProblem) throw new Error(this.settingsProblem.text);
          const next = { ...this.savedSettings, lessonSeen: seen };
          writeCoreSettings(settingsFile(this.home), next);
          this.savedSettings = next;
        }
        return { seen: this.savedSettings.lessonSeen };
      },
      'settings.get': () => ({
        ui: this.savedSettings.ui ?? {},
        notices: [...this.startNotices],
      }),
      'settings.set': ({ ui }) => {
        const patched = patchUiSettings(this.savedSettings.ui ?? {}, ui);
        if (typeof patched === 'string') throw new Error(`Invalid UI settings: ${patched}.`);
        if (this.settingsProblem) throw new Error(this.settingsProblem.text);
        const { ui: _previous, ...others } = this.savedSettings;
        const next = Object.keys(patched).length > 0 ? { ...others, ui: patched } : others;
        writeCoreSettings(settingsFile(this.home), next);
        this.savedSettings = next;
        return { ui: patched };
      },
      'rules.get': () => this.server.rules(),
      'rules.set': async ({ rules }) => {
        if (this.rulesProblem) {
          const file = this.rulesProblem.file;
          throw new UserFacingError(
            {
              key: 'rules.unresolved',
              text:
                `The rules file ${file} is broken and was left untouched, so nothing is saved ` +
                'over it: first load the backup or start afresh in the Responses tab.',
              params: { file },
            },
            'RULES_FILE_BROKEN',
          );
        }
        const checked = validateRules(rules);
        if (!checked.ok) throw new Error(`Invalid rules: ${checked.message}`);
        this.server.setRules(checked.rules);
        const applied = this.server.rules();
        await saveRules(rulesFile(this.home), applied);
        this.emit({ type: 'rules', rules: applied });
        return applied;
      },
      'rules.recover': ({ choice }) => this.recoverRules(choice),
      ...this.bytes.commands(),
      ...replayCommands({
        book: () => this.book,
        exchange: (id) => this.bytes.exchange(id),
        newConnectionId: (prefix) => this.newConnectionId(prefix),
        addStored: (stored, request, response) => this.addStored(stored, request, response),
      }),
      'session.list': () => listSessions(this.sessionsRoot(), this.activeDir),
      'session.new': ({ name }) => {
        if (name !== undefined && typeof name !== 'string')
          throw new Error('name must be a string.');
        const meta = createSession(this.sessionsRoot(), name);
        this.openSession(join(this.sessionsRoot(), meta.id), true);
        return this.sessionInfo();
      },
      'session.open': ({ id }) => {
        const dir = this.knownSessionDir(id);
        try {
          this.openSession(dir, true);
        } catch (error) {
          throw fsError(error, dir, 'open');
        }
        return this.snapshot();
      },
      'session.rename': ({ id, name }) => {
        const dir = this.knownSessionDir(id);
        if (typeof name !== 'string') throw new Error('name must be a string.');
        renameSession(dirname(dir), basename(dir), name);
        const info = sessionInfo(dir, this.activeDir);
        if (info.active) this.emit({ type: 'session', session: info });
        return info;
      },
      'session.delete': ({ id }) => {
        const dir = this.knownSessionDir(id);
        const active = dir === this.activeDir;
        const writer = active ? null : sessionWriter(dir);
        if (writer !== null) throw fsError({ code: 'ESESSIONLOCKED', pid: writer }, dir, 'delete');
        if (active) {
          const meta = createSession(this.sessionsRoot());
          this.openSession(join(this.sessionsRoot(), meta.id), true);
        }
        deleteSession(dirname(dir), basename(dir));
        return listSessions(this.sessionsRoot(), this.activeDir);
      },
      'session.clear': () => {
        // Clearing never destroys: a new, empty session takes over and the old one stays listed.
        const empty =
          this.loading === null &&
          this.book.exchanges.size === 0 &&
          this.book.connections.size === 0;
        if (empty) return { previous: null, session: this.sessionInfo() };
        const previousDir = this.activeDir;
        const meta = createSession(this.sessionsRoot());
        this.openSession(join(this.sessionsRoot(), meta.id), true);
        return { previous: sessionInfo(previousDir, this.activeDir), session: this.sessionInfo() };
      },
      'export.har': ({ exchangeIds }) => {
        if (
          exchangeIds !== undefined &&
          !(Array.isArray(exchangeIds) && exchangeIds.every((id) => typeof id === 'string'))
        ) {
          throw new Error('exchangeIds must be a list of exchange ids.');
        }
        const count = exchangeIds ? exchangeIds.length : this.book.exchanges.size;
        if (count > MAX_EXPORT_IN_REPLY)
          throw new Error(
            `${count} exchanges are too many for one reply: export them as a download instead.`,
          );
        const chosen = exchangeIds
          ? exchangeIds.map((id) => this.bytes.exchange(id))
          : [...this.book.exchanges.values()];
        const har = exportHar(
          chosen.map((exchange) => ({
            exchange,
            connection: this.book.connections.get(exchange.connectionId) ?? null,
            request: this.bytes.request(exchange),
            response: this.bytes.response(exchange),
          })),
        );
        return { har: JSON.stringify(har, null, 2) };
      },
      'import.har': ({ har }) => {
        if (typeof har !== 'string')
          throw new Error('import.har needs { har: string } (the HAR file text).');
        const entries = importHar(har, () => this.newConnectionId('har'));
        for (const entry of entries) this.addStored(entry.stored, entry.request, entry.response);
        return { imported: entries.length };
      },
      'import.har.begin': (params) => this.harTasks.begin(params),
      'import.har.chunk': (params) => this.harTasks.chunk(params),
      'import.har.end': (params) => this.harTasks.end(params),
      'import.har.cancel': (params) => this.harTasks.cancel(params),
      'export.har.save': () => {
        // A file path from a UI would let any page of the web host write anywhere: only the
        // desktop window offers this, with the system's save dialog (see electron-ipc.ts).
        throw new Error('Saving to a file is offered by the desktop window; here, download it.');
      },
      'exchanges.rows': (params) => this.list.rows(params),
      'exchanges.indexOf': (params) => this.list.indexOf(params),
      'intercept.status': () => this.intercept.status(),
      'intercept.launch': async (params) => {
        const result = await this.intercept.launch(params);
        return { ...result, status: await this.intercept.status() };
      },
      'intercept.close': async ({ launchId }) => {
        await this.intercept.close(launchId);
        return this.intercept.status();
      },
      'holds.list': () => this.holds.list(),
      'holds.release': ({ holdId, request, response }) => ({
        released: this.holds.release(String(holdId), { request, response }),
      }),
      'holds.abort': ({ holdId }) => ({ aborted: this.holds.abort(String(holdId)) }),
      'exchange.curl': ({ exchangeId }) => {
        const exchange = this.bytes.exchange(exchangeId);
        const connection = this.book.connections.get(exchange.connectionId);
        const fallbackHost = exchange.replayTarget
          ? `${exchange.replayTarget.host}:${exchange.replayTarget.port}`
          : connection
            ? `127.0.0.1:${connection.localPort}`
            : null;
        const command = curlCommand(this.bytes.request(exchange), {
          fallbackHost,
          tls: exchange.replayTarget?.tls ?? false,
          insecure: exchange.replayTarget?.insecure ?? false,
        });
        return { command };
      },
      'exchange.rule': ({ exchangeId }) => {
        const exchange = this.bytes.exchange(exchangeId);
        const id = `rule-${randomBytes(6).toString('hex')}`;
        const draft = ruleFromExchange(
          this.bytes.request(exchange),
          this.bytes.response(exchange),
          id,
        );
        return draft.ok
          ? { rule: draft.rule, message: null }
          : { rule: null, message: draft.message };
      },
    };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}

/** Why the last session was not reopened (read-only, unreadable), in one sentence. */
function notResumed(id: string, detail: string): Message {
  return {
    key: 'session.notResumed',
    text: `The last session ${id} was not reopened, so a new one was started: ${detail}`,
    params: { id, detail },
  };
}

function errorMessage(key: string, error: unknown): Message {
  const text = error instanceof Error ? error.message : String(error);
  return { key, text, params: { detail: text } };
}
