// Intercept a browser in one click: the browsers found on this machine, each started with a fresh,
// throwaway profile that sends everything through the forward proxy and trusts the local CA (by
// its key for the Chromium family; through the profile's own NSS store for Firefox), the ones
// started and their end. The user's own profiles and the system trust store are never touched.

import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import type {
  InterceptBrowser,
  InterceptStatus,
  LaunchedBrowser,
  Message,
  ServerSettings,
  ServerState,
} from '../protocol/types';
import { LocalCa } from '../capture/ca';
import { browserArgs, candidates } from './browser';
import { allTerminalLines, proxyUrl } from './terminal-env';

export interface InterceptHost {
  state(): ServerState;
  settings(): ServerSettings;
  /** Restarts the capture server with these settings (merged into the current ones). */
  start(settings: Partial<Omit<ServerSettings, 'limits'>>): Promise<ServerState>;
  notify(level: 'info' | 'warn' | 'error', message: Message): void;
}

export interface InterceptOptions {
  caDir: string;
  /** Where browsers are looked for (PATH, SOCKETSCOPE_BROWSER); default process.env. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Start browsers without a window (tests, machines without a display). */
  headless?: boolean;
  /** Told when a started browser has ended, with why when it failed (its notice's message). */
  onEnded?: (launched: LaunchedBrowser, failure: Message | null) => void;
}

/** How long a closed browser gets to end before it is killed. */
const CLOSE_GRACE_MS = 3000;
/** A browser that ends this soon after its start with an error is said to have failed. */
const EARLY_EXIT_MS = 5000;

/** What `socketscope browser --browser` takes: each browser's kind, as its name says it. */
export const BROWSER_KINDS = ['chromium', 'chrome', 'edge', 'brave', 'firefox'] as const;
export type BrowserKind = (typeof BROWSER_KINDS)[number];

// Chromium before chrome.exe: Windows' Chromium is Chromium\Application\chrome.exe.
const NAMES: [RegExp, string, BrowserKind][] = [
  [/firefox-esr/i, 'Firefox ESR', 'firefox'],
  [/firefox/i, 'Firefox', 'firefox'],
  [/chromium/i, 'Chromium', 'chromium'],
  [/google.chrome|chrome\.exe/i, 'Google Chrome', 'chrome'],
  [/edge/i, 'Microsoft Edge', 'edge'],
  [/brave/i, 'Brave', 'brave'],
];

function nameOf(path: string): string {
  for (const [pattern, name] of NAMES) if (pattern.test(path)) return name;
  return basename(path);
}

/** The kind of browser at `path` (from its name), or null for one named otherwise. */
export function browserKind(path: string): BrowserKind | null {
  for (const [pattern, , kind] of NAMES) if (pattern.test(path)) return kind;
  return null;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(names: string[], env: NodeJS.ProcessEnv): string[] {
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return names.flatMap((name) => dirs.map((dir) => join(dir, name)));
}

function firefoxCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') return ['/Applications/Firefox.app/Contents/MacOS/firefox'];
  if (platform === 'win32') {
    return [env.PROGRAMFILES, env['PROGRAMFILES(X86)']]
      .filter((root): root is string => typeof root === 'string' && root !== '')
      .map((root) => join(root, 'Mozilla Firefox', 'firefox.exe'));
  }
  return onPath(['firefox', 'firefox-esr'], env);
}

/** NSS's certutil, which writes the CA into a Firefox profile's own store; null when absent. */
export function findCertutil(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  // Windows has a certutil.exe of its own that is not NSS's.
  if (platform === 'win32') return null;
  return onPath(['certutil'], env).find(executable) ?? null;
}

/** Every browser found, Chromium family first; one entry per real executable. */
export function findBrowsers(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): InterceptBrowser[] {
  const explicit = env.SOCKETSCOPE_BROWSER;
  const paths = [
    ...(explicit !== undefined && explicit !== '' ? [explicit] : []),
    ...candidates(platform, env),
    ...firefoxCandidates(platform, env),
  ];
  const seen = new Set<string>();
  const found: InterceptBrowser[] = [];
  const certutil = findCertutil(platform, env);
  for (const path of paths) {
    if (!executable(path)) continue;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Keep the path as given.
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const family = /firefox/i.test(real) || /firefox/i.test(path) ? 'firefox' : 'chromium';
    found.push({
      id: path,
      name: nameOf(path),
      family,
      path,
      limitation: family === 'firefox' && certutil === null ? noCertutil() : null,
    });
  }
  return found;
}

const KIND_NAMES: Record<BrowserKind, string> = {
  chromium: 'Chromium',
  chrome: 'Google Chrome',
  edge: 'Microsoft Edge',
  brave: 'Brave',
  firefox: 'Firefox',
};

/** The `--browser` value as a kind, or the sentence that says which values it takes. */
export function checkKind(value: string): BrowserKind | { message: Message } {
  const kind = BROWSER_KINDS.find((k) => k === value.trim().toLowerCase());
  if (kind !== undefined) return kind;
  const kinds = BROWSER_KINDS.join(', ');
  return {
    message: {
      key: 'intercept.unknownKind',
      text: `--browser takes one of ${kinds}, not "${value}".`,
      params: { kinds, value },
    },
  };
}

/**
 * The browser `socketscope browser` starts: the first of `kind` found, or with no kind the one
 * SOCKETSCOPE_BROWSER names, else the first of the Chromium family, else a Firefox. When there is
 * none, the sentence that says what is missing and what to do.
 */
export function pickBrowser(
  browsers: InterceptBrowser[],
  kind: BrowserKind | undefined,
  env: NodeJS.ProcessEnv = process.env,
): InterceptBrowser | { message: Message } {
  const explicit = env.SOCKETSCOPE_BROWSER;
  if (kind !== undefined) {
    const found = browsers.find((b) => browserKind(b.path) === kind);
    if (found) return found;
    const browser = KIND_NAMES[kind];
    const others = browsers.map((b) => b.name).join(', ');
    return {
      message:
        others === ''
          ? {
              key: 'intercept.kindNotFound',
              text: `${browser} was not found on this machine: install it, or name its executable in SOCKETSCOPE_BROWSER.`,
              params: { browser },
            }
          : {
              key: 'intercept.kindNotFoundOthers',
              text: `${browser} was not found on this machine (found: ${others}): install it, name its executable in SOCKETSCOPE_BROWSER, or pick one of those with --browser.`,
              params: { browser, others },
            },
    };
  }
  if (explicit !== undefined && explicit !== '') {
    const named = browsers.find((b) => b.path === explicit);
    if (named) return named;
    return {
      message: {
        key: 'intercept.explicitMissing',
        text: `SOCKETSCOPE_BROWSER names ${explicit}, which is not an executable file: correct it, or unset it to let Socketscope look for a browser.`,
        params: { path: explicit },
      },
    };
  }
  const found = browsers.find((b) => b.family === 'chromium') ?? browsers[0];
  if (found) return found;
  return {
    message: {
      key: 'intercept.noneFound',
      text: 'No Chromium, Chrome, Edge, Brave or Firefox was found: install one, or name its executable in SOCKETSCOPE_BROWSER.',
    },
  };
}

function noCertutil(): Message {
  return {
    key: 'intercept.noCertutil',
    text: 'certutil (Debian package libnss3-tools) is not installed, so this Firefox cannot be made to trust the local CA: its HTTPS pages will show a certificate error until you install it.',
  };
}

export interface FirefoxProfile {
  proxyHost: string;
  proxyPort: number;
}

/** The prefs of an intercepted Firefox profile: everything through the proxy, loopback too. */
export function firefoxUserJs(profile: FirefoxProfile): string {
  const prefs: [string, string | number | boolean][] = [
    ['network.proxy.type', 1],
    ['network.proxy.http', profile.proxyHost],
    ['network.proxy.http_port', profile.proxyPort],
    ['network.proxy.ssl', profile.proxyHost],
    ['network.proxy.ssl_port', profile.proxyPort],
    ['network.proxy.share_proxy_settings', true],
    // Firefox never sends localhost through a proxy unless told to, and bypasses these names.
    ['network.proxy.allow_hijacking_localhost', true],
    ['network.proxy.no_proxies_on', ''],
    // Quiet first start: no default-browser question, welcome pages or background traffic.
    ['browser.shell.checkDefaultBrowser', false],
    ['browser.startup.homepage_override.mstone', 'ignore'],
    ['browser.aboutwelcome.enabled', false],
    ['datareporting.policy.dataSubmissionEnabled', false],
    ['toolkit.telemetry.reportingpolicy.firstRun', false],
    ['app.update.enabled', false],
    ['network.captive-portal-service.enabled', false],
    ['network.connectivity-service.enabled', false],
    ['browser.safebrowsing.malware.enabled', false],
    ['browser.safebrowsing.phishing.enabled', false],
  ];
  return prefs
    .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`)
    .join('');
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 15_000 }, (error, _stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${basename(file)} ${args[0]} failed: ${String(stderr).trim() || error.message}`,
          ),
        );
      else resolve();
    });
  });
}

/**
 * Writes a fresh Firefox profile in `dir`: user.js with the proxy, and the CA trusted for TLS
 * servers in the profile's own NSS store when `certutil` is given. Returns whether it is trusted.
 */
export async function writeFirefoxProfile(
  dir: string,
  profile: FirefoxProfile,
  ca: { certPath: string },
  certutil: string | null,
): Promise<boolean> {
  writeFileSync(join(dir, 'user.js'), firefoxUserJs(profile));
  if (certutil === null) return false;
  const db = `sql:${dir}`;
  await run(certutil, ['-N', '-d', db, '--empty-password']);
  await run(certutil, [
    '-A',
    '-d',
    db,
    '-n',
    'Socketscope local CA',
    '-t',
    'C,,',
    '-i',
    ca.certPath,
  ]);
  return true;
}

export function firefoxArgs(profileDir: string, url: string, headless: boolean): string[] {
  return [
    '--no-remote',
    '--new-instance',
    '--profile',
    profileDir,
    ...(headless ? ['--headless'] : []),
    url,
  ];
}

interface Running {
  info: LaunchedBrowser;
  child: ChildProcess;
  killTimer: NodeJS.Timeout | null;
}

/** The host the browser reaches the proxy at: loopback when the server listens on every address. */
function proxyHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export class InterceptLauncher {
  private readonly running = new Map<string, Running>();
  private counter = 0;
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;
  private ca: Promise<LocalCa> | null = null;

  constructor(
    private readonly host: InterceptHost,
    private readonly options: InterceptOptions,
  ) {
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
  }

  private localCa(): Promise<LocalCa> {
    this.ca ??= LocalCa.open(this.options.caDir);
    // A failed open is tried again next time.
    this.ca.catch(() => (this.ca = null));
    return this.ca;
  }

  /** Windows and macOS always have one; elsewhere X11 or Wayland must be named. */
  private hasDisplay(): boolean {
    if (this.platform === 'win32' || this.platform === 'darwin') return true;
    return Boolean(this.env.DISPLAY || this.env.WAYLAND_DISPLAY);
  }

  /** The forward proxy with interception is listening. */
  private ready(): boolean {
    const settings = this.host.settings();
    return (
      this.host.state().status === 'listening' &&
      settings.proxy === true &&
      settings.intercept === true
    );
  }

  private needs(): Message | null {
    if (this.ready()) return null;
    const upstream = this.host.settings().upstream ?? '';
    if (upstream !== '') {
      return {
        key: 'intercept.reverseProxy',
        text: `The server is a reverse proxy to ${upstream}: stop it and empty Upstream, then a browser can start through the forward proxy.`,
        params: { upstream },
      };
    }
    return {
      key: 'intercept.willEnable',
      text: 'Starting a browser turns on the forward proxy and HTTPS interception on this port (the server restarts).',
    };
  }

  async status(): Promise<InterceptStatus> {
    const state = this.host.state();
    const port = state.status === 'listening' ? state.port : this.host.settings().port;
    let caPath: string | null = null;
    let caProblem: Message | null = null;
    try {
      caPath = (await this.localCa()).certPath;
    } catch (error) {
      caProblem = {
        key: 'intercept.caFailed',
        text: `The local certificate authority could not be opened in ${this.options.caDir}: ${error instanceof Error ? error.message : String(error)}`,
        params: {
          dir: this.options.caDir,
          detail: error instanceof Error ? error.message : String(error),
        },
      };
    }
    const proxy = proxyUrl(proxyHost(state.host || this.host.settings().host), port);
    return {
      browsers: findBrowsers(this.platform, this.env),
      launched: [...this.running.values()].map((entry) => ({ ...entry.info })),
      ready: this.ready(),
      needs: caProblem ?? this.needs(),
      proxy,
      listening: state.status === 'listening',
      caPath,
      terminal: caPath === null ? null : allTerminalLines(proxy, caPath),
    };
  }

  /** Turns the forward proxy and interception on (same host and port) when they are off. */
  private async enable(): Promise<Message | null> {
    if (this.ready()) return null;
    const settings = this.host.settings();
    if ((settings.upstream ?? '') !== '') return this.needs();
    const state = this.host.state();
    const next = await this.host.start({
      proxy: true,
      intercept: true,
      upstream: '',
      ...(state.status === 'listening' ? { host: state.host, port: state.port } : {}),
    });
    if (next.status !== 'listening') {
      return (
        next.message ?? {
          key: 'intercept.proxyFailed',
          text: `The forward proxy could not start (${next.status}).`,
          params: { status: next.status },
        }
      );
    }
    return null;
  }

  async launch(params: {
    browserId: string;
    url?: string;
  }): Promise<{ launched: LaunchedBrowser | null; message: Message | null }> {
    const browser = findBrowsers(this.platform, this.env).find((b) => b.id === params.browserId);
    if (!browser) {
      return {
        launched: null,
        message: {
          key: 'intercept.notFound',
          text: `No browser ${params.browserId} was found: it may have been uninstalled.`,
          params: { browser: params.browserId },
        },
      };
    }
    const url = checkUrl(params.url);
    if (typeof url !== 'string') return { launched: null, message: url.message };
    const headless = this.options.headless === true;
    if (!headless && !this.hasDisplay()) {
      return {
        launched: null,
        message: {
          key: 'intercept.noDisplay',
          text: 'There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so a browser window cannot open: start Socketscope in your desktop session.',
        },
      };
    }
    const problem = await this.enable();
    if (problem) return { launched: null, message: problem };
    const ca = await this.localCa();
    const state = this.host.state();
    const host = proxyHost(state.host);
    const profileDir = mkdtempSync(join(tmpdir(), `socketscope-${browser.family}-`));
    let args: string[];
    let message: Message | null = null;
    try {
      if (browser.family === 'firefox') {
        const trusted = await writeFirefoxProfile(
          profileDir,
          { proxyHost: host, proxyPort: state.port },
          ca,
          findCertutil(this.platform, this.env),
        );
        if (!trusted) message = noCertutil();
        args = firefoxArgs(profileDir, url, headless);
      } else {
        args = browserArgs({
          proxy: `${host.includes(':') ? `[${host}]` : host}:${state.port}`,
          spki: [ca.spki],
          profileDir,
          url,
          headless,
        });
        // Chromium will not start as root with its sandbox on.
        if (process.getuid?.() === 0) args.unshift('--no-sandbox');
      }
    } catch (error) {
      rmSync(profileDir, { recursive: true, force: true });
      return { launched: null, message: launchFailed(browser.name, error) };
    }
    const child = spawn(browser.path, args, {
      stdio: 'ignore',
      env: this.env,
      // Its own process group, so closing it ends its helper processes too.
      detached: this.platform !== 'win32',
    });
    const launchId = `b${++this.counter}`;
    const info: LaunchedBrowser = {
      launchId,
      browserId: browser.id,
      name: browser.name,
      family: browser.family,
      pid: child.pid ?? null,
      url,
      startedAt: Date.now(),
      profileDir,
    };
    const entry: Running = { info, child, killTimer: null };
    this.running.set(launchId, entry);
    child.once('error', (error) => {
      const failure = launchFailed(browser.name, error);
      this.host.notify('error', failure);
      this.ended(launchId, failure);
    });
    child.once('exit', (code) => {
      let failure: Message | null = null;
      if (code !== 0 && code !== null && Date.now() - info.startedAt < EARLY_EXIT_MS) {
        failure = {
          key: 'intercept.exitedEarly',
          text: `${browser.name} ended right after it started (exit code ${code}).`,
          params: { browser: browser.name, code },
        };
        this.host.notify('warn', failure);
      }
      this.ended(launchId, failure);
    });
    return { launched: { ...info }, message };
  }

  /** Asks a started browser to end (killed after a grace period); its profile is then removed. */
  close(launchId: string): Promise<void> {
    const entry = this.running.get(launchId);
    if (!entry) return Promise.resolve();
    return new Promise((resolve) => {
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) {
        this.ended(launchId);
        resolve();
        return;
      }
      entry.child.once('exit', () => resolve());
      this.signal(entry, 'SIGTERM');
      entry.killTimer = setTimeout(() => this.signal(entry, 'SIGKILL'), CLOSE_GRACE_MS);
    });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.close(id)));
  }

  private signal(entry: Running, signal: NodeJS.Signals): void {
    const pid = entry.child.pid;
    try {
      if (pid !== undefined && this.platform !== 'win32') process.kill(-pid, signal);
      else entry.child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private ended(launchId: string, failure: Message | null = null): void {
    const entry = this.running.get(launchId);
    if (!entry) return;
    this.running.delete(launchId);
    if (entry.killTimer) clearTimeout(entry.killTimer);
    // The profile was made for this run only.
    rmSync(entry.info.profileDir, { recursive: true, force: true });
    this.options.onEnded?.({ ...entry.info }, failure);
  }
}

function launchFailed(name: string, error: unknown): Message {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    key: 'intercept.launchFailed',
    text: `${name} could not start: ${detail}`,
    params: { browser: name, detail },
  };
}

/** The page to open: empty means a blank page; otherwise an http(s) URL (a bare host gets https). */
export function checkUrl(value: unknown): string | { message: Message } {
  if (value === undefined || value === null) return 'about:blank';
  if (typeof value !== 'string') return badUrl(String(value));
  const text = value.trim();
  // about:blank is what an empty one gives: checking a checked page changes nothing.
  if (text === '' || text === 'about:blank') return 'about:blank';
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `https://${text}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return badUrl(text);
    return url.href;
  } catch {
    return badUrl(text);
  }
}

function badUrl(text: string): { message: Message } {
  return {
    message: {
      key: 'intercept.badUrl',
      text: `${text} is not an http:// or https:// address.`,
      params: { url: text },
    },
  };
}
