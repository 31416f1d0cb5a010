// The typed protocol between the Core (Node) and any UI (Electron IPC or the web host's
// WebSocket). Small summaries travel live; raw bytes travel on demand, base64-encoded.

import type { AnyErrorCode } from '../engine/errors';
import type { ListFilter, ListSort } from './filter';

export const PROTOCOL_VERSION = 1;

export type ConnectionId = string;
export type ExchangeId = string;
export type Direction = 'in' | 'out';

export interface ServerLimits {
  maxHeadBytes: number;
  maxTargetLength: number;
  maxBodyBytes: number;
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  /** At the limit, the oldest idle connection is closed for a new one; 503 only when none is idle. */
  maxConnections: number;
  /** After a start of `headerTimeoutMs`, a request body slower than this is cut off with 408. */
  minBytesPerSecond: number;
  /** Larger bodies are not held in memory: they stay in the session's inbound data. */
  maxBodyInMemoryBytes: number;
}

export interface ServerSettings {
  host: string;
  port: number;
  /** Answer like the naive socket exercise: `HTTP/1.x 200 OK`, LF line ends, close-delimited. */
  tutorialExact: boolean;
  limits: ServerLimits;
  /** Reverse proxy: every request is forwarded to this origin (`http://HOST:PORT`, or https). */
  upstream?: string;
  /** Reverse proxy: send the upstream's host as Host instead of the client's. */
  rewriteHost?: boolean;
  /** Forward proxy: absolute-form requests go to their origin, CONNECT opens a tunnel. */
  proxy?: boolean;
  /** Forward proxy: CONNECT tunnels are decrypted with the local CA (HTTPS interception). */
  intercept?: boolean;
  /** Hosts (`name` or `*.name`) whose tunnels pass untouched when intercepting. */
  passthroughHosts?: string[];
  /** Hosts whose certificate is not verified when intercepting (self-signed dev servers). */
  insecureHosts?: string[];
}

export type ServerStatus = 'stopped' | 'starting' | 'listening' | 'error';

export interface ServerState {
  status: ServerStatus;
  host: string;
  port: number;
  /** The URL to open in a browser when listening. */
  url: string | null;
  /**
   * While listening as a proxy, which one: a forward proxy's own address answers only requests
   * with an absolute URL, a reverse proxy's is its upstream's site. Null: the server answers by
   * itself, or is not listening.
   */
  proxy: 'forward' | 'reverse' | null;
  /** Set when the requested port was taken and another was used, or on error. */
  message: Message | null;
  tutorialExact: boolean;
  /** The largest request body the server accepts (`limits.maxBodyBytes`); larger ones get 413. */
  maxBodyBytes: number;
}

/** A translatable message: the UI looks `key` up in its catalogue, `text` is the English form. */
export interface Message {
  key: string;
  text: string;
  params?: Record<string, string | number>;
}

/** A departure from the RFC that a browser reads past, with its byte span (engine/browser-reading.ts). */
export type { Deviation, DeviationCode } from '../engine/browser-reading';

export interface ParseErrorInfo {
  /** A code of the engine's error table (engine/errors.ts): the parser's or the capture layer's. */
  code: AnyErrorCode;
  /** Offset within the connection's inbound stream (capture) or the response stream (replay). */
  offset: number;
  reason: string;
  /** The status that was (or should be) answered; 0 when none was sent. */
  status: number;
}

/** One request/response pair, as the connection list shows it. */
export interface ExchangeSummary {
  exchangeId: ExchangeId;
  connectionId: ConnectionId;
  source: 'capture' | 'replay';
  /** Position of this request on its connection (0 = first; >0 = keep-alive reuse). */
  indexOnConnection: number;
  startedAt: number;
  completedAt: number | null;
  method: string | null;
  target: string | null;
  version: string | null;
  host: string | null;
  referer: string | null;
  status: number | null;
  reason: string | null;
  requestContentType: string | null;
  responseContentType: string | null;
  requestBytes: number;
  responseBytes: number;
  /** Span of the request in the connection's inbound stream. */
  requestSpan: { offset: number; length: number };
  /** Span of the response in the connection's outbound stream (null until sent). */
  responseSpan: { offset: number; length: number } | null;
  error: ParseErrorInfo | null;
  ruleId: string | null;
  /** For replays: where it was sent. */
  replayTarget: ReplayTarget | null;
  timings: ReplayTimings | null;
  /** For replays sent from a listed exchange: that exchange (the first one, for a replay of a replay). */
  replayOf?: ExchangeId;
  /** For replays: what happened (absent in sessions recorded before it was kept). */
  replayOutcome?: ReplayOutcome;
  /** How the exchange ended; absent while it is pending. */
  outcome?: ExchangeOutcome;
  /** `truncated`: the body bytes the response's Content-Length promised that never came. */
  missingBytes?: number;
  /** A CONNECT that opened a tunnel: what went through it. */
  tunnel?: TunnelSummary;
}

/**
 * What went through a CONNECT tunnel after its `200`: bytes each way (still encrypted, unless it
 * was intercepted, when its requests are listed from the connection `<id>.tls`) and how it ended.
 */
export interface TunnelSummary {
  /** Decrypted with the local CA (its requests are listed separately), or passed untouched. */
  intercepted: boolean;
  /** Where the tunnel's bytes start in the connection's inbound (client → server) stream. */
  upOffset: number;
  /** Bytes from the client through the tunnel. */
  bytesUp: number;
  /** Where they start in the outbound stream. */
  downOffset: number;
  /** Bytes to the client through the tunnel. */
  bytesDown: number;
  /** When the tunnel's connection closed (null while it is open), and why. */
  closedAt: number | null;
  closeReason: CloseReason | null;
}

/**
 * How an exchange ended: its response sent whole (`complete`), cut short by the close before
 * its framing's end (`truncated`, see `missingBytes`), or no response before the connection
 * closed (`aborted`).
 */
export type ExchangeOutcome = 'complete' | 'truncated' | 'aborted';

/**
 * What a replay came to: `answered` (see `status`), or why no response arrived: the connection
 * was refused, timed out, was reset, or closed before a response; the name did not resolve, TLS
 * failed, another network error, or what came back is not HTTP.
 */
export type ReplayOutcome =
  | 'answered'
  | 'refused'
  | 'timedOut'
  | 'reset'
  | 'closedEarly'
  | 'dnsFailed'
  | 'tlsFailed'
  | 'networkError'
  | 'notHttp';

export interface ConnectionSummary {
  connectionId: ConnectionId;
  source: 'capture' | 'replay';
  remoteAddress: string;
  remotePort: number;
  localPort: number;
  openedAt: number;
  closedAt: number | null;
  closeReason: CloseReason | null;
  bytesIn: number;
  bytesOut: number;
  exchanges: number;
}

export type CloseReason =
  | 'client'
  | 'server'
  | 'header-timeout'
  | 'body-timeout'
  | 'idle-timeout'
  | 'error'
  | 'limit'
  /** An idle connection closed to make room for a new one at the connection limit. */
  | 'evicted'
  /** A rule's fail action reset the connection (or an aborted hold). */
  | 'rule-reset'
  /** A rule's fail action closed the connection with no answer (or an aborted hold). */
  | 'rule-close'
  | 'stopped';

export interface ReplayTarget {
  host: string;
  port: number;
  tls: boolean;
  /** Accept self-signed / invalid certificates (explicit switch). */
  insecure: boolean;
  servername?: string;
}

export interface ReplayTimings {
  /** Milliseconds from start, or null when the phase did not happen. */
  dns: number | null;
  connect: number | null;
  tls: number | null;
  firstByte: number | null;
  complete: number | null;
}

export type RuleMatchMode = 'exact' | 'prefix' | 'glob';

export type RuleBody =
  | { type: 'text'; text: string }
  | { type: 'file'; path: string }
  | { type: 'base64'; base64: string }
  | { type: 'hex'; hex: string };

export type RuleResponse =
  | {
      kind: 'structured';
      status: number;
      reason: string;
      headers: [string, string][];
      body: RuleBody;
      /** Compute Content-Length (default true). */
      autoContentLength: boolean;
      /** Add a Date header (default true). */
      autoDate: boolean;
      /** Send the body with chunked transfer coding. */
      chunked: boolean;
    }
  | { kind: 'raw'; base64: string }
  /** The request goes on to the upstream, with these edits on the way there and back. */
  | { kind: 'forward'; request: MessageEdits; response: ResponseEdits }
  /** The request and/or the response is held until a UI releases it (edited or not), or the timeout. */
  | { kind: 'break'; request: boolean; response: boolean; timeoutMs: number }
  /** Reset the connection (TCP RST), close it with no answer (FIN), or only delay (`delayMs`). */
  | { kind: 'fail'; mode: FailMode };

export type FailMode = 'reset' | 'close' | 'delay';

/** Edits a forward rule makes to a message (framing is always written anew). */
export interface MessageEdits {
  /** Each replaces every field of its name (or is added). */
  setHeaders: [string, string][];
  /** Field names removed. */
  removeHeaders: string[];
  /** Replaces the body (Content-Length recomputed); null keeps it. */
  body: RuleBody | null;
}

export interface ResponseEdits extends MessageEdits {
  /** Replaces the status (with its standard reason); null keeps it. */
  status: number | null;
}

export interface ResponderRule {
  id: string;
  enabled: boolean;
  name: string;
  match: { method: string; path: string; mode: RuleMatchMode };
  response: RuleResponse;
  delayMs: number;
}

export interface SessionInfo {
  id: string;
  name: string;
  createdAt: number;
  sizeBytes: number;
  active: boolean;
}

/** Events from Core to UI, delivered in batches. */
export type CoreEvent =
  | { type: 'server'; state: ServerState }
  | { type: 'connectionOpen'; connection: ConnectionSummary }
  | { type: 'connectionClose'; connection: ConnectionSummary }
  | {
      type: 'data';
      connectionId: ConnectionId;
      direction: Direction;
      /** Offset of this chunk within the connection's stream in that direction. */
      offset: number;
      length: number;
      time: number;
      /** Present for chunks up to 16 KiB; larger ones are fetched with `bytes.get`. */
      base64?: string;
    }
  /** Added or updated (same exchangeId replaces the previous summary). */
  | { type: 'exchange'; exchange: ExchangeSummary }
  | { type: 'rules'; rules: ResponderRule[] }
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; message: Message }
  | { type: 'session'; session: SessionInfo }
  | { type: 'cleared' }
  /** How many exchanges the session holds now (after a batch that added some, an open, a clear). */
  | { type: 'exchangeCount'; total: number }
  /** Progress of reading the opened session's file; the list grows while it lasts. */
  | { type: 'sessionLoad'; load: SessionLoad }
  /** Progress of a HAR export or import started by a UI. */
  | { type: 'progress'; progress: TaskProgress }
  /** The messages break rules hold now (all of them, after each change). */
  | { type: 'holds'; holds: HeldItem[] };

/** A request as a break rule holds it (and as the UI sends it back edited). */
export interface HeldRequest {
  method: string;
  target: string;
  headers: [string, string][];
  bodyBase64: string;
  /** The Content-Encoding the body is shown decoded from (encoded again when it is released). */
  decodedFrom?: string;
}

/** A response as a break rule holds it. */
export interface HeldResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  bodyBase64: string;
  /** The Content-Encoding the body is shown decoded from (encoded again when it is released). */
  decodedFrom?: string;
}

/** A message held by a break rule until it is released, aborted, or its timeout. */
export interface HeldItem {
  holdId: string;
  connectionId: ConnectionId;
  ruleId: string;
  ruleName: string;
  stage: 'request' | 'response';
  /** When it was held, and when its timeout releases it untouched (ms since the epoch). */
  since: number;
  until: number;
  /** The request (as it went on, at the response stage). */
  request: HeldRequest;
  /** The response, at the response stage. */
  response: HeldResponse | null;
}

export interface SessionLoad {
  loadedBytes: number;
  totalBytes: number;
  done: boolean;
}

export interface TaskProgress {
  /** The id the UI gave the task. */
  taskId: string;
  task: 'export' | 'import';
  /** Entries (exchanges) handled so far, and in all; bytes for the upload phase of an import. */
  done: number;
  total: number;
  unit: 'entries' | 'bytes';
  state: 'running' | 'finished' | 'failed' | 'cancelled';
  message?: Message;
}

/** A page of the connection list, in session order, after the filter. */
export interface ExchangeRows {
  /** Exchanges that pass the filter (all of them without one). */
  total: number;
  /** Exchanges in the session. */
  all: number;
  from: number;
  rows: ExchangeSummary[];
  /** Every request method seen in the session, sorted (for the method filter). */
  methods: string[];
}

/**
 * The saved rules file could not be used at start. It is left as it is; until it is resolved
 * (`rules.recover`), `rules.set` is refused so nothing is written over it.
 */
export interface RulesFileProblem {
  file: string;
  /** 1-based place of the problem in the file; null when the file could not be read at all. */
  line: number | null;
  column: number | null;
  /** What is wrong and where (translatable). */
  message: Message;
  /** Whether `rules.json.bak` holds valid rules that `rules.recover` 'backup' would load. */
  backupAvailable: boolean;
}

export interface Snapshot {
  version: number;
  server: ServerState;
  settings: ServerSettings;
  rules: ResponderRule[];
  /** Set while the saved rules file is broken and not yet recovered. */
  rulesProblem?: RulesFileProblem | null;
  /** The first connections (at most SNAPSHOT_ROWS); `connectionCount` says how many exist. */
  connections: ConnectionSummary[];
  connectionCount: number;
  /** The first exchanges (at most SNAPSHOT_ROWS); `exchanges.rows` pages through all of them. */
  exchanges: ExchangeSummary[];
  exchangeCount: number;
  session: SessionInfo | null;
  /** Set while the session's file is still being read. */
  loading: SessionLoad | null;
}

/** How many exchanges and connections a snapshot carries at most. */
export const SNAPSHOT_ROWS = 200;
/** How many rows one `exchanges.rows` call returns at most. */
export const MAX_PAGE_ROWS = 1000;

export interface ExchangeBytes {
  exchangeId: ExchangeId;
  /** Raw request bytes exactly as received (or as sent, for a replay). */
  requestBase64: string;
  /** Raw response bytes exactly as sent (or as received, for a replay). */
  responseBase64: string;
}

/** The UI language. */
export type UiLang = 'en' | 'zh-CN';
/** The colour theme: the system's, or always light or dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';
/** One column of the exchange list as the user left it. */
export interface ColumnSetting {
  id: string;
  width?: number;
  hidden?: boolean;
}
/**
 * UI settings the Core keeps in the data folder (settings.json), so they outlive the browser
 * origin, which changes with the web host's port. Absent fields mean the UI's defaults.
 */
export interface UiSettings {
  lang?: UiLang;
  theme?: ThemeChoice;
  /** The list's columns, in display order. */
  columns?: ColumnSetting[];
  /** The list's sort: a column id and its direction. */
  sort?: { column: string; descending: boolean };
  /** Pane sizes by pane name (pixels or fractions, as each pane decides). */
  panes?: Record<string, number>;
}
/** A change to the UI settings: a field given replaces it, `null` returns it to the default. */
export type UiSettingsPatch = { [K in keyof UiSettings]?: UiSettings[K] | null };

/** A browser Socketscope can start through its proxy (the Intercept panel). */
export interface InterceptBrowser {
  /** What `intercept.launch` takes: the executable's path. */
  id: string;
  name: string;
  family: 'chromium' | 'firefox';
  path: string;
  /** What cannot be done for this browser here (one sentence), or null. */
  limitation: Message | null;
}

/** A browser started by `intercept.launch` that has not ended yet. */
export interface LaunchedBrowser {
  launchId: string;
  browserId: string;
  name: string;
  family: 'chromium' | 'firefox';
  pid: number | null;
  url: string;
  startedAt: number;
  /** Its fresh profile, removed when it ends. */
  profileDir: string;
}

export interface InterceptStatus {
  browsers: InterceptBrowser[];
  launched: LaunchedBrowser[];
  /** The forward proxy with HTTPS interception is listening: a browser starts at once. */
  ready: boolean;
  /** What starting a browser will turn on, or why it cannot start one (null when ready). */
  needs: Message | null;
  /** The proxy's URL (`http://127.0.0.1:8080`) for the current port. */
  proxy: string;
  listening: boolean;
  /** The CA certificate's path (null when the CA could not be opened; see `needs`). */
  caPath: string | null;
  /** The lines to paste in a terminal, for each kind of shell. */
  terminal: { posix: string; powershell: string } | null;
}

/** Commands from UI to Core: name → params and result. */
export interface CommandMap {
  snapshot: { params: Record<string, never>; result: Snapshot };
  'server.start': {
    params: Partial<Omit<ServerSettings, 'limits'>> & { limits?: Partial<ServerLimits> };
    result: ServerState;
  };
  'server.stop': { params: Record<string, never>; result: ServerState };
  /** Reads (no `on`) or sets whether the session file is synced to the disk at every commit. */
  'store.fsync': { params: { on?: boolean }; result: { on: boolean } };
  /** Reads (no `seen`) or sets whether the guided lesson was shown (kept in settings.json). */
  'settings.lessonSeen': { params: { seen?: boolean }; result: { seen: boolean } };
  /**
   * The UI settings, and what the Core could not keep as it was at start (a settings file it
   * cannot read, a last session it could not reopen), one sentence each.
   */
  'settings.get': { params: Record<string, never>; result: { ui: UiSettings; notices: Message[] } };
  /** Changes the UI settings, each field checked; answers the settings now kept. */
  'settings.set': { params: { ui: UiSettingsPatch }; result: { ui: UiSettings } };
  'rules.get': { params: Record<string, never>; result: ResponderRule[] };
  'rules.set': { params: { rules: ResponderRule[] }; result: ResponderRule[] };
  /** Resolves a broken rules file: load `rules.json.bak`, or move the file aside and start empty. */
  'rules.recover': {
    params: { choice: 'backup' | 'fresh' };
    result: { rules: ResponderRule[]; movedTo: string | null };
  };
  'exchange.bytes': { params: { exchangeId: ExchangeId }; result: ExchangeBytes };
  'bytes.get': {
    params: { connectionId: ConnectionId; direction: Direction; offset: number; length: number };
    result: { base64: string };
  };
  /**
   * When the bytes at `offsets` (at most MAX_TIMES_OFFSETS) of a connection's stream were
   * recorded, in ms since the epoch: the time of the chunk holding each, null where none does.
   */
  'bytes.times': {
    params: { connectionId: ConnectionId; direction: Direction; offsets: number[] };
    result: { times: (number | null)[] };
  };
  /** `replayOf` links the replay to the listed exchange it was made from (see `replay.history`). */
  'replay.send': {
    params: {
      target: ReplayTarget;
      requestBase64: string;
      timeoutMs?: number;
      replayOf?: ExchangeId;
    };
    result: ExchangeSummary;
  };
  /** The replays of an exchange, oldest first, and the exchange they were made from (when listed). */
  'replay.history': {
    params: { exchangeId: ExchangeId };
    result: { original: ExchangeSummary | null; replays: ExchangeSummary[] };
  };
  'session.list': { params: Record<string, never>; result: SessionInfo[] };
  'session.new': { params: { name?: string }; result: SessionInfo };
  'session.open': { params: { id: string }; result: Snapshot };
  'session.rename': { params: { id: string; name: string }; result: SessionInfo };
  'session.delete': { params: { id: string }; result: SessionInfo[] };
  /** Starts a new, empty session; the previous one (null when it was empty) stays in the list. */
  'session.clear': {
    params: Record<string, never>;
    result: { previous: SessionInfo | null; session: SessionInfo };
  };
  'export.har': { params: { exchangeIds?: ExchangeId[] }; result: { har: string } };
  'import.har': { params: { har: string }; result: { imported: number } };
  /**
   * A HAR import in parts, so no frame is large and it can be cancelled: begin, then chunks of
   * the file's text in order, then end (which imports, with `progress` events), or cancel.
   */
  'import.har.begin': {
    params: { taskId: string; name: string; size: number };
    result: { taskId: string };
  };
  'import.har.chunk': { params: { taskId: string; text: string }; result: { received: number } };
  'import.har.end': {
    params: { taskId: string };
    result: { imported: number; cancelled: boolean };
  };
  'import.har.cancel': { params: { taskId: string }; result: { cancelled: boolean } };
  /**
   * The desktop window only: asks where to save, then writes the HAR there entry by entry (with
   * `progress` events). A browser gets the same document as a download from the web host.
   */
  'export.har.save': {
    params: { exchangeIds?: ExchangeId[]; taskId?: string; name?: string };
    result: { saved: boolean; file: string | null; exported: number };
  };
  /** A page of the list: rows `from … from+count` (count ≤ MAX_PAGE_ROWS) of the filtered list. */
  'exchanges.rows': {
    params: { from: number; count: number; filter?: Partial<ListFilter>; sort?: ListSort | null };
    result: ExchangeRows;
  };
  /** The position of an exchange in the filtered list, or -1. */
  'exchanges.indexOf': {
    params: { exchangeId: ExchangeId; filter?: Partial<ListFilter>; sort?: ListSort | null };
    result: { index: number };
  };
  /** The browsers found, the ones started and running, and the terminal's lines. */
  'intercept.status': { params: Record<string, never>; result: InterceptStatus };
  /**
   * Starts a browser with a fresh profile through the forward proxy, turning the proxy and
   * interception on first when they are off. `message` says why nothing started, or what could
   * not be done (a Firefox that cannot be made to trust the CA).
   */
  'intercept.launch': {
    params: { browserId: string; url?: string };
    result: { launched: LaunchedBrowser | null; message: Message | null; status: InterceptStatus };
  };
  /** Ends a started browser (and removes its profile). */
  'intercept.close': { params: { launchId: string }; result: InterceptStatus };
  'exchange.curl': { params: { exchangeId: ExchangeId }; result: { command: string } };
  /**
   * A responder rule drafted from the exchange (its method and path, answered with its response),
   * not yet added to the rules: the UI opens it for editing. `message` says why there is none.
   */
  'exchange.rule': {
    params: { exchangeId: ExchangeId };
    result: { rule: ResponderRule | null; message: Message | null };
  };
  /** What break rules hold now. */
  'holds.list': { params: Record<string, never>; result: HeldItem[] };
  /** Lets a held message go on: edited (the stage's message given) or untouched (none given). */
  'holds.release': {
    params: { holdId: string; request?: HeldRequest; response?: HeldResponse };
    result: { released: boolean };
  };
  /** Ends a held exchange: the client's connection is closed with no answer. */
  'holds.abort': { params: { holdId: string }; result: { aborted: boolean } };
}

export type CommandName = keyof CommandMap;
export type CommandParams<K extends CommandName> = CommandMap[K]['params'];
export type CommandResult<K extends CommandName> = CommandMap[K]['result'];

/** The one API every transport exposes to a UI. */
export interface CoreApi {
  call<K extends CommandName>(name: K, params: CommandParams<K>): Promise<CommandResult<K>>;
  /** Receives batches of events (every ~16–50 ms while there are any). Returns unsubscribe. */
  subscribe(listener: (events: CoreEvent[]) => void, options?: SubscribeOptions): () => void;
}

export interface SubscribeOptions {
  /** Whether the batches carry `data` events (raw stream chunks); default true. */
  data?: boolean;
  /**
   * What of a flood the subscriber will keep (a UI's channel): when every subscriber says, the
   * Core builds only the summaries some subscriber wants, and the newest few others.
   */
  interest?: SubscriberInterest;
}

/** What a test of interest reads of an exchange (a summary, or a row of the Core's table). */
export type InterestFields = Pick<
  ExchangeSummary,
  'exchangeId' | 'source' | 'ruleId' | 'method' | 'target'
>;

export interface SubscriberInterest {
  wants(exchange: InterestFields): boolean;
  /** How many updates of exchanges it does not want it would still take from the next batch. */
  recentBudget(): number;
}

/**
 * Wire frames (WebSocket JSON text frames; Electron IPC carries the same objects). No frame is
 * larger than MAX_FRAME_BYTES of JSON: a bigger one travels as consecutive `part` frames whose
 * `data`, joined, is the JSON text of the frame.
 */
export interface CommandFrame {
  kind: 'command';
  id: number;
  name: CommandName;
  params: unknown;
}

/**
 * The exchange the client shows in detail (null: none). A UI channel passes on the updates of
 * the rows it was given and of this one, and only some of the rest (see exchange-interest.ts).
 * No reply.
 */
export interface WatchFrame {
  kind: 'watch';
  exchangeId: string | null;
}

export type ClientFrame = CommandFrame | PartFrame | WatchFrame;

export type ServerFrame =
  | { kind: 'hello'; version: number }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { code: string; message: string } }
  | { kind: 'events'; events: CoreEvent[] }
  | PartFrame;

export interface PartFrame {
  kind: 'part';
  data: string;
  /** True on the frame's last part. */
  last: boolean;
}

/** Offsets one `bytes.times` asks about at most. */
export const MAX_TIMES_OFFSETS = 5000;

/** The largest frame, in bytes of UTF-8 JSON, either way. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** The largest message (a frame joined from its parts) the Core accepts from a UI. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/**
 * What the Electron preload exposes on `window.socketscope` (contextBridge). The renderer uses it
 * when present and otherwise connects to the web host's WebSocket.
 */
export interface PreloadApi {
  send(frame: ClientFrame): void;
  onFrame(listener: (frame: ServerFrame) => void): () => void;
}
