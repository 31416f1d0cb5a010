// Socketscope's proxy against going to the upstream directly, and against mitmproxy (`mitmdump`,
// where installed) and HTTP Toolkit's engine (mockttp), side by side. One Node `http` upstream on
// 127.0.0.1 in a child process answers every request; each proxy runs in a child process of its
// own (this file bundled, as the app's code runs: web-host-bundle.ts); autocannon loads them
// from this process over loopback (50 keep-alive connections). Every round loads each
// contestant once, in an order that rotates from round to round, so all see the same machine; a
// ratio is the median of the ratios within rounds. Socketscope is the product
// path: a Core recording every byte into a session file (write-ahead) with one UI subscriber.
// The forward variant sends absolute-form requests (`GET http://127.0.0.1:PORT/`) to each proxy.
// A bare TCP pipe to the upstream (Node `net`, nothing parsed or recorded) runs beside them: what
// any Node proxy at best reaches on this machine, as the ceiling the ratios are read against.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../src-main/host/core';
import type { BenchResult } from './types';
import { cpuUsOf } from './proc';
import { bundledScript } from './web-host-bundle';
import { subscribeLikeUi } from './ui-subscriber';

export const group = 'proxy';

const CHILD_ENV = 'SOCKETSCOPE_BENCH_PROXY';
const UPSTREAM_ENV = 'SOCKETSCOPE_BENCH_PROXY_UPSTREAM';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.SOCKETSCOPE_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.SOCKETSCOPE_BENCH_ROUNDS ?? 5);
/** Runs only the variants whose name contains this text (`reverse`, `forward`; both by default). */
const ONLY = process.env.SOCKETSCOPE_BENCH_ONLY ?? '';

/** What the upstream answers to every request: a small HTML page. */
export const UPSTREAM_BODY = Buffer.from(
  `<!doctype html><html><head><title>upstream</title></head><body>${'<p>Socketscope proxy bench.</p>'.repeat(16)}</body></html>\n`,
  'utf8',
);

// ---- Load (autocannon) ----

interface Histogram {
  average: number;
  p99: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
export interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  requests?: { method: string; path: string; headers: Record<string, string> }[];
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export type Variant = 'reverse' | 'forward';

/**
 * The load for one contestant. Reverse (and direct): origin-form `GET /` to the port. Forward:
 * `GET http://127.0.0.1:UPSTREAM/` to the proxy's port, Host naming the upstream.
 */
export function loadOptions(
  variant: Variant,
  port: number,
  upstreamPort: number,
  direct: boolean,
): Pick<AutocannonOptions, 'url' | 'requests'> {
  const url = `http://127.0.0.1:${port}/`;
  if (variant === 'reverse' || direct) return { url };
  const origin = `127.0.0.1:${upstreamPort}`;
  return {
    url,
    requests: [{ method: 'GET', path: `http://${origin}/`, headers: { host: origin } }],
  };
}

export interface Load {
  rate: number;
  p99: number;
  total: number;
  failures: number;
  /** CPU time (user + system) the process under test spent per request, in µs; NaN when unknown. */
  cpuUs: number;
  /** The same for the upstream behind it (the process under test itself when direct). */
  upstreamCpuUs: number;
  /** The same for the load generator (autocannon, in this process). */
  loadCpuUs: number;
}

export async function load(
  options: Pick<AutocannonOptions, 'url' | 'requests'> &
    Partial<Pick<AutocannonOptions, 'amount' | 'duration' | 'connections'>>,
  pid?: number,
  upstreamPid: number | undefined = pid,
): Promise<Load> {
  const cpuBefore = cpuUsOf(pid);
  const upstreamBefore = cpuUsOf(upstreamPid);
  const loadBefore = process.cpuUsage();
  const result = await autocannon({ connections: CONNECTIONS, ...options });
  const total = result.requests.total;
  const loadUsed = process.cpuUsage(loadBefore);
  const cpuUs = (cpuUsOf(pid) - cpuBefore) / total;
  return {
    upstreamCpuUs: (cpuUsOf(upstreamPid) - upstreamBefore) / total,
    loadCpuUs: (loadUsed.user + loadUsed.system) / total,
    rate: result.requests.total / result.duration,
    p99: result.latency.p99,
    total: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    cpuUs,
  };
}

// ---- The servers (in-process; the bench runs each in a child process) ----

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/** The upstream: Node `http`, the same 200 with the same body to every request, keep-alive. */
export function startUpstream(): Promise<Running & { server: Server; stats: () => string }> {
  let connections = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': UPSTREAM_BODY.length,
      });
      response.end(UPSTREAM_BODY);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', () => connections++);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        server,
        stats: () => `${requests} requests on ${connections} connections`,
        port: typeof address === 'object' && address !== null ? address.port : 0,
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Socketscope as the product runs it (`serve --upstream` or `serve --proxy`): a Core recording
 * into a session in a temporary folder, with one subscriber that serialises every batch as the
 * web host does for its UI (without raw `data` events).
 */
export async function startSocketscope(
  variant: Variant,
  upstreamPort: number,
): Promise<Running & { core: Core; stats: () => string }> {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-bench-proxy-'));
  const core = await createCore({ home, rules: [] });
  const delivered = subscribeLikeUi(core);
  const state = await core.call('server.start', {
    host: '127.0.0.1',
    port: 0,
    limits: { maxConnections: 1024 },
    ...(variant === 'reverse'
      ? { upstream: `http://127.0.0.1:${upstreamPort}` }
      : { proxy: true as const }),
  });
  return {
    port: state.port ?? 0,
    core,
    stats: delivered,
    stop: async () => {
      try {
        await core.close();
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  };
}

/**
 * HTTP Toolkit's engine as a proxy: reverse, every request forwarded to the upstream
 * (thenForwardTo); forward, passed through to the absolute URL's origin (thenPassThrough). Every
 * request and response, with its body, goes to a listener, as HTTP Toolkit's UI receives them.
 */
export async function startMockttp(
  variant: Variant,
  upstreamPort: number,
): Promise<Running & { stats: () => string }> {
  const { getLocal } = await import('mockttp');
  const server = getLocal();
  await server.start({ startPort: 20000, endPort: 40000 });
  if (variant === 'reverse') {
    await server.forAnyRequest().thenForwardTo(`http://127.0.0.1:${upstreamPort}`);
  } else {
    await server.forAnyRequest().thenPassThrough();
  }
  let bodies = 0;
  await server.on('request', (request) => {
    bodies += request.body.buffer.length;
  });
  await server.on('response', (response) => {
    bodies += response.body.buffer.length;
  });
  return {
    port: server.port,
    stats: () => `${bodies} body bytes to its listeners`,
    stop: () => server.stop(),
  };
}

/**
 * A bare pipe: each client connection gets one upstream connection and the bytes are piped both
 * ways, with Nagle off as in the proxies. It reads no request, so the forward variant's
 * absolute-form requests reach the upstream as they are (Node `http` answers them alike).
 */
export function startPipe(upstreamPort: number): Promise<Running & { stats: () => string }> {
  let connections = 0;
  let bytes = 0;
  const open = new Set<Socket>();
  const server = createNetServer({ noDelay: true }, (client) => {
    connections++;
    const upstream = connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
    };
    open.add(client);
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
    upstream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address !== null ? address.port : 0,
        stats: () => `${bytes} bytes piped back on ${connections} connections`,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

// ---- Child processes ----

type Kind =
  | 'upstream'
  | 'pipe'
  | 'socketscope-reverse'
  | 'socketscope-forward'
  | 'mockttp-reverse'
  | 'mockttp-forward';
const KINDS: readonly string[] = [
  'upstream',
  'pipe',
  'socketscope-reverse',
  'socketscope-forward',
  'mockttp-reverse',
  'mockttp-forward',
];

/** In a child process: serve, print the port, and run until SIGTERM. */
async function serve(kind: Kind): Promise<void> {
  const upstreamPort = Number(process.env[UPSTREAM_ENV] ?? 0);
  let running: Running & { stats?: () => string };
  if (kind === 'upstream') running = await startUpstream();
  else if (kind === 'pipe') running = await startPipe(upstreamPort);
  else if (kind === 'socketscope-reverse')
    running = await startSocketscope('reverse', upstreamPort);
  else if (kind === 'socketscope-forward')
    running = await startSocketscope('forward', upstreamPort);
  else if (kind === 'mockttp-reverse') running = await startMockttp('reverse', upstreamPort);
  else running = await startMockttp('forward', upstreamPort);
  process.stdout.write(`${JSON.stringify({ port: running.port })}\n`);
  process.on('SIGTERM', () => {
    if (running.stats !== undefined) process.stderr.write(`${kind}: ${running.stats()}\n`);
    void running.stop().finally(() => process.exit(0));
  });
}

interface Child {
  name: string;
  process: ChildProcess;
  port: number;
  /** Removes what the child leaves behind (mitmdump's configuration folder). */
  cleanup?: () => void;
}

async function startChild(kind: Kind, upstreamPort = 0): Promise<Child> {
  const child = spawn(process.execPath, [await bundledScript(fileURLToPath(import.meta.url))], {
    env: { ...process.env, [CHILD_ENV]: kind, [UPSTREAM_ENV]: String(upstreamPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forwardErrors(kind, child);
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) {
        const { port } = JSON.parse(line) as { port: number };
        resolve({ name: kind, process: child, port });
      }
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited early (${code})`)));
  });
}

/**
 * The child's stderr, passed on, except mockttp's line for each request that autocannon cuts off
 * when a run ends (counted instead).
 */
function forwardErrors(kind: string, child: ChildProcess): void {
  let cut = 0;
  let rest = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('Failed to handle request: socket hang up')) cut++;
      else process.stderr.write(`${line}\n`);
    }
  });
  child.stderr!.on('end', () => {
    if (rest !== '') process.stderr.write(`${rest}\n`);
    if (cut > 0) process.stderr.write(`${kind}: ${cut} requests cut off by the end of a run\n`);
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(kill);
      child.cleanup?.();
      resolve();
    };
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      finish();
      return;
    }
    const kill = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
    child.process.removeAllListeners('exit');
    child.process.once('exit', finish);
    child.process.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Where mitmdump is on PATH; null when it is not installed. */
function findMitmdump(): string | null {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    if (folder === '') continue;
    const candidate = join(folder, 'mitmdump');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** mitmdump quiet, listening on 127.0.0.1, with a configuration folder of its own. */
async function startMitmdump(
  command: string,
  variant: Variant,
  upstreamPort: number,
): Promise<Child> {
  const port = await freePort();
  const confdir = mkdtempSync(join(tmpdir(), 'socketscope-bench-mitm-'));
  const mode = variant === 'reverse' ? `reverse:http://127.0.0.1:${upstreamPort}` : 'regular';
  const child = spawn(
    command,
    [
      '-q',
      '--mode',
      mode,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '--set',
      `confdir=${confdir}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const cleanup = (): void => rmSync(confdir, { recursive: true, force: true });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`mitmdump exited early (${code})`))),
  );
  const ready = (async (): Promise<void> => {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('mitmdump did not listen within 30 s');
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }
  return { name: `mitmdump-${variant}`, process: child, port, cleanup };
}

// ---- Rounds ----

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

interface Contestant {
  key: string;
  child: Child;
  direct: boolean;
  runs: Load[];
}

async function rounds(variant: Variant, upstream: Child, contestants: Contestant[]): Promise<void> {
  const options = (contestant: Contestant) =>
    loadOptions(variant, contestant.child.port, upstream.port, contestant.direct);
  // Warm-up, and a check that each answers 2xx: a proxy of others' that does not is left out.
  for (const contestant of [...contestants]) {
    let warm: Load | null = null;
    for (let attempt = 0; attempt < 3 && (warm === null || warm.total === 0); attempt++) {
      warm = await load({ ...options(contestant), duration: 2 }, contestant.child.process.pid);
    }
    if (warm!.failures === 0 && warm!.total > 0) continue;
    const problem = `${contestant.key} (${variant}): ${warm!.failures} failed of ${warm!.total} warm-up requests`;
    if (contestant.key === 'direct' || contestant.key === 'socketscope') throw new Error(problem);
    console.error(`proxy.${variant}: ${contestant.key} left out: ${problem}.`);
    contestants.splice(contestants.indexOf(contestant), 1);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contestants.length; i++) {
      const contestant = contestants[(i + round) % contestants.length]!;
      const result = await load(
        { ...options(contestant), duration: DURATION_S },
        contestant.child.process.pid,
        upstream.process.pid,
      );
      contestant.runs.push(result);
    }
  }
}

/** One contestant's medians, as a line for the terminal (the table shows only rates and ratios). */
function summary(variant: Variant, contestant: Contestant): string {
  const runs = contestant.runs;
  const rate = Math.round(median(runs.map((run) => run.rate)));
  const p99 = median(runs.map((run) => run.p99));
  const cpuUs = Math.round(median(runs.map((run) => run.cpuUs)));
  return `proxy.${variant}: ${contestant.key.padEnd(11)} ${String(rate).padStart(6)} req/s, p99 ${p99} ms, ${cpuUs} µs CPU per request (median of ${runs.length} rounds)`;
}

function compare(
  name: string,
  ours: Contestant,
  baseline: Contestant,
  variant: Variant,
  against: Contestant | null,
): BenchResult {
  const ratios = ours.runs.map((run, round) => run.rate / baseline.runs[round]!.rate);
  const cpu = (runs: Load[], of: (run: Load) => number): number =>
    Math.round(median(runs.map(of)) * 10) / 10;
  const extra: Record<string, number | string> = {
    oursP99Ms: median(ours.runs.map((run) => run.p99)),
    baselineP99Ms: median(baseline.runs.map((run) => run.p99)),
    // CPU per request of each process under test (the proxy, or the upstream when direct).
    oursCpuUsPerRequest: cpu(ours.runs, (run) => run.cpuUs),
    baselineCpuUsPerRequest: cpu(baseline.runs, (run) => run.cpuUs),
    // The upstream's and the load generator's share: on a 2-core machine the three add up.
    oursUpstreamCpuUsPerRequest: cpu(ours.runs, (run) => run.upstreamCpuUs),
    loadCpuUsPerRequest: cpu(ours.runs, (run) => run.loadCpuUs),
    roundRatios: ratios.map((ratio) => ratio.toFixed(2)).join(' '),
    oursFailures: ours.runs.reduce((sum, run) => sum + run.failures, 0),
    baselineFailures: baseline.runs.reduce((sum, run) => sum + run.failures, 0),
    variant,
    baselineIs: baseline.key,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    seconds: DURATION_S,
  };
  if (against !== null) {
    // The baseline proxy against going direct, from the same rounds.
    extra.baselineVsDirect = round2(
      median(baseline.runs.map((run, round) => run.rate / against.runs[round]!.rate)),
    );
  }
  return {
    name,
    ours: median(ours.runs.map((run) => run.rate)),
    baseline: median(baseline.runs.map((run) => run.rate)),
    unit: 'req/s',
    ratio: median(ratios),
    extra,
  };
}

async function variantRun(variant: Variant, upstream: Child): Promise<BenchResult[]> {
  const started: Child[] = [];
  try {
    const socketscope = await startChild(`socketscope-${variant}`, upstream.port);
    started.push(socketscope);
    const mockttp = await startChild(`mockttp-${variant}`, upstream.port);
    started.push(mockttp);
    const pipe = await startChild('pipe', upstream.port);
    started.push(pipe);
    const contestants: Contestant[] = [
      { key: 'direct', child: upstream, direct: true, runs: [] },
      { key: 'socketscope', child: socketscope, direct: false, runs: [] },
      { key: 'bare-pipe', child: pipe, direct: false, runs: [] },
      { key: 'mockttp', child: mockttp, direct: false, runs: [] },
    ];
    const mitmdump = findMitmdump();
    if (mitmdump === null) {
      console.error(
        `proxy.${variant}: mitmdump skipped: it is not installed (Debian: apt-get install -y mitmproxy).`,
      );
    } else {
      try {
        const child = await startMitmdump(mitmdump, variant, upstream.port);
        started.push(child);
        contestants.push({ key: 'mitmdump', child, direct: false, runs: [] });
      } catch (error) {
        console.error(`proxy.${variant}: mitmdump skipped: ${(error as Error).message}.`);
      }
    }
    await rounds(variant, upstream, contestants);
    for (const contestant of contestants) console.error(summary(variant, contestant));
    const find = (key: string): Contestant | undefined => contestants.find((c) => c.key === key);
    const direct = find('direct')!;
    const ours = find('socketscope')!;
    const results = [compare(`proxy.${variant}-keepalive-50`, ours, direct, variant, null)];
    for (const key of ['bare-pipe', 'mitmdump', 'mockttp']) {
      const other = find(key);
      if (other === undefined) continue;
      results.push(
        compare(`proxy.${variant}-vs-${key}-keepalive-50`, ours, other, variant, direct),
      );
    }
    return results;
  } finally {
    for (const child of started.reverse()) await stopChild(child);
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const upstream = await startChild('upstream');
  try {
    for (const variant of ['reverse', 'forward'] as const) {
      if (variant.includes(ONLY)) results.push(...(await variantRun(variant, upstream)));
    }
    return results;
  } finally {
    await stopChild(upstream);
  }
}

const childKind = process.env[CHILD_ENV];
if (childKind !== undefined && KINDS.includes(childKind)) await serve(childKind as Kind);
