// The capture server (every received and sent byte kept, as the store would) and the full Core
// (capture server + session file written ahead + batched events to one subscriber) against a bare
// Node `http` server answering the same 200 with the same body. Each server runs in its own child
// process (this file bundled, as the app's code runs: web-host-bundle.ts); autocannon loads it
// from this process over loopback with 50 keep-alive connections, without and with pipelining.
// Each round loads both, in an order that alternates from round to round (baseline first, then
// ours first, …); a ratio is the median of the rounds' ratios.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureServer } from '../src-main/capture/server';
import { createCore } from '../src-main/host/core';
import type { BenchResult } from './types';
import { cpuUsOf } from './proc';
import { bundledScript } from './web-host-bundle';
import { subscribeLikeUi } from './ui-subscriber';

export const group = 'server';

const CHILD_ENV = 'SOCKETSCOPE_BENCH_SERVER';
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.SOCKETSCOPE_BENCH_SECONDS ?? 5);
const SLAB_BYTES = 64 * 1024 * 1024;
const ROUNDS = Number(process.env.SOCKETSCOPE_BENCH_ROUNDS ?? 3);
/** Runs only the cases whose name contains this text (all by default). */
const ONLY = process.env.SOCKETSCOPE_BENCH_ONLY ?? '';

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
interface AutocannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

type Kind = 'capture' | 'core' | 'core-fsync' | 'http' | 'mockttp';

/** In a child process: serve, print the port, and run until killed. */
async function serve(kind: Kind): Promise<void> {
  if (kind === 'http') {
    // The same bytes as the capture server's page: learn them from a capture server instance.
    const body = await defaultPage();
    const server = createServer((_request, response) => {
      response.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': body.length,
      });
      response.end(body);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      process.stdout.write(
        `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
      );
    });
    return;
  }
  if (kind === 'mockttp') {
    await serveMockttp();
    return;
  }
  if (kind === 'core' || kind === 'core-fsync') {
    await serveCore(kind === 'core-fsync');
    return;
  }
  // Every byte is kept, as the session store does: copied into large slabs, so that millions of
  // small chunks do not each stay alive as their own object.
  const slabs: Uint8Array[] = [new Uint8Array(SLAB_BYTES)];
  let used = 0;
  let chunks = 0;
  const keep = (bytes: Uint8Array): void => {
    chunks++;
    let from = 0;
    while (from < bytes.length) {
      if (used === SLAB_BYTES) {
        slabs.push(new Uint8Array(SLAB_BYTES));
        used = 0;
      }
      const take = Math.min(bytes.length - from, SLAB_BYTES - used);
      slabs[slabs.length - 1]!.set(bytes.subarray(from, from + take), used);
      used += take;
      from += take;
    }
  };
  const server = new CaptureServer({
    settings: { host: '127.0.0.1', port: 0, limits: { maxConnections: 1024 } },
    onEvent: (event) => {
      if (event.type === 'data') keep(event.bytes);
    },
  });
  const state = await server.start();
  process.stdout.write(`${JSON.stringify({ port: state.port })}\n`);
  process.on('SIGTERM', () => {
    const bytes = (slabs.length - 1) * SLAB_BYTES + used;
    process.stderr.write(`capture server kept ${chunks} chunks, ${bytes} bytes\n`);
    process.exit(0);
  });
}

/**
 * The product path: a Core recording into a session in a temporary folder, with one subscriber
 * that subscribes and serialises every batch as the web host does for its UI (without raw `data`
 * events; the UI's own state lives in another process, so it is not kept here).
 */
async function serveCore(fsync: boolean): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'socketscope-bench-'));
  const core = await createCore({ home, rules: [], fsync });
  const delivered = subscribeLikeUi(core);
  const state = await core.call('server.start', {
    host: '127.0.0.1',
    port: 0,
    limits: { maxConnections: 1024 },
  });
  process.stdout.write(`${JSON.stringify({ port: state.port })}\n`);
  process.on('SIGTERM', () => {
    process.stderr.write(`core delivered ${delivered()}\n`);
    core.close().finally(() => {
      rmSync(home, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/**
 * HTTP Toolkit's engine as a second baseline: every request and response, with its body,
 * delivered to a listener (as its UI receives them), answering the same page.
 */
async function serveMockttp(): Promise<void> {
  const { getLocal } = await import('mockttp');
  const body = await defaultPage();
  const server = getLocal();
  await server.start({ startPort: 20000, endPort: 40000 });
  await server.forGet('/').thenReply(200, body, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
  });
  let bodies = 0;
  await server.on('request', (request) => {
    bodies += request.body.buffer.length;
  });
  await server.on('response', (response) => {
    bodies += response.body.buffer.length;
  });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
  process.on('SIGTERM', () => {
    process.stderr.write(`mockttp delivered ${bodies} body bytes to its listeners\n`);
    void server.stop().finally(() => process.exit(0));
  });
}

/** The body the capture server's default site sends for `/`. */
async function defaultPage(): Promise<Buffer> {
  const server = new CaptureServer({
    settings: { host: '127.0.0.1', port: 0 },
    onEvent: () => undefined,
  });
  const state = await server.start();
  const response = await fetch(`http://127.0.0.1:${state.port}/`);
  const body = Buffer.from(await response.arrayBuffer());
  await server.stop();
  return body;
}

interface Child {
  process: ChildProcess;
  port: number;
}

async function startChild(kind: Kind): Promise<Child> {
  const child = spawn(process.execPath, [await bundledScript(fileURLToPath(import.meta.url))], {
    env: { ...process.env, [CHILD_ENV]: kind },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) {
        const { port } = JSON.parse(line) as { port: number };
        resolve({ process: child, port });
      }
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
  });
}

function stopChild(child: Child): Promise<void> {
  return new Promise((resolve) => {
    child.process.removeAllListeners('exit');
    child.process.once('exit', () => resolve());
    child.process.kill('SIGTERM');
  });
}

interface Load {
  rate: number;
  p99: number;
  /** CPU time (user + system) the server process spent per request, in µs; NaN when unknown. */
  cpuUs: number;
}

async function load(server: Child, pipelining: number, duration: number): Promise<Load> {
  const port = server.port;
  const cpuBefore = cpuUsOf(server.process.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    pipelining,
    duration,
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(
      `load on port ${port}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
    );
  }
  const cpuUs = (cpuUsOf(server.process.pid) - cpuBefore) / result.requests.total;
  return { rate: result.requests.total / result.duration, p99: result.latency.p99, cpuUs };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function compare(
  name: string,
  pipelining: number,
  ours: Child,
  baseline: Child,
): Promise<BenchResult> {
  await load(baseline, pipelining, 1);
  await load(ours, pipelining, 1);
  const oursRuns: Load[] = [];
  const baseRuns: Load[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      baseRuns.push(await load(baseline, pipelining, DURATION_S));
      oursRuns.push(await load(ours, pipelining, DURATION_S));
    } else {
      oursRuns.push(await load(ours, pipelining, DURATION_S));
      baseRuns.push(await load(baseline, pipelining, DURATION_S));
    }
  }
  const ratios = oursRuns.map((run, round) => run.rate / baseRuns[round]!.rate);
  return {
    name,
    ours: median(oursRuns.map((run) => run.rate)),
    baseline: median(baseRuns.map((run) => run.rate)),
    unit: 'req/s',
    ratio: median(ratios),
    extra: {
      roundRatios: ratios.map((ratio) => ratio.toFixed(2)).join(' '),
      oursP99Ms: median(oursRuns.map((run) => run.p99)),
      baselineP99Ms: median(baseRuns.map((run) => run.p99)),
      // Server CPU per request: steadier than req/s when other work shares the machine.
      oursCpuUsPerRequest: round1(median(oursRuns.map((run) => run.cpuUs))),
      baselineCpuUsPerRequest: round1(median(baseRuns.map((run) => run.cpuUs))),
      connections: CONNECTIONS,
      pipelining,
      seconds: DURATION_S,
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const baseline = await startChild('http');
  try {
    if ('server.keepalive-50 server.pipelined-10'.includes(ONLY)) {
      const capture = await startChild('capture');
      try {
        for (const [name, pipelining] of [
          ['server.keepalive-50', 1],
          ['server.pipelined-10', 10],
        ] as const) {
          if (name.includes(ONLY)) results.push(await compare(name, pipelining, capture, baseline));
        }
      } finally {
        await stopChild(capture);
      }
    }
    // A fresh Core per load shape, so the second does not start with the first's session.
    // The last: every commit also synced to the disk (--fsync), the price of power-loss safety.
    for (const [name, pipelining, kind] of [
      ['server.core-keepalive-50', 1, 'core'],
      ['server.core-pipelined-10', 10, 'core'],
      ['server.core-fsync-keepalive-50', 1, 'core-fsync'],
    ] as const) {
      if (!name.includes(ONLY)) continue;
      const core = await startChild(kind);
      try {
        results.push(await compare(name, pipelining, core, baseline));
      } finally {
        await stopChild(core);
      }
    }
    // The product path against HTTP Toolkit's engine, side by side in the same way.
    if ('server.core-vs-mockttp-keepalive-50'.includes(ONLY)) {
      const mockttp = await startChild('mockttp');
      const core = await startChild('core');
      try {
        results.push(await compare('server.core-vs-mockttp-keepalive-50', 1, core, mockttp));
      } finally {
        await stopChild(core);
        await stopChild(mockttp);
      }
    }
    return results;
  } finally {
    await stopChild(baseline);
  }
}

const childKind = process.env[CHILD_ENV];
if (
  childKind === 'capture' ||
  childKind === 'core' ||
  childKind === 'core-fsync' ||
  childKind === 'mockttp' ||
  childKind === 'http'
)
  await serve(childKind);
