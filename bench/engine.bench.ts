// The engine's parser against Node's llhttp binding, in one process per scenario, on the same
// buffers.
// Both sides do equivalent work per request: keep method, target, header names and values and
// the body pieces. Rounds alternate them (see benchScenario).

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { RequestParser } from '../src-main/engine/parser';
import { MessageParser } from '../src-main/engine/message-parser';
import type { ParserEvent } from '../src-main/engine/events';
import type { BenchResult } from './types';

export const group = 'engine';

interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(data: Uint8Array): number | Error;
  [index: number]: unknown;
}
interface LlhttpBinding {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
}
const { HTTPParser } = createRequire(import.meta.url)('node:_http_common') as LlhttpBinding;

const encoder = new TextEncoder();

const BROWSER_GET =
  'GET /assets/images/test.jpg?v=20261125 HTTP/1.1\r\n' +
  'Host: 127.0.0.1:8080\r\n' +
  'Connection: keep-alive\r\n' +
  'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"\r\n' +
  'sec-ch-ua-mobile: ?0\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n' +
  'sec-ch-ua-platform: "Linux"\r\n' +
  'Accept: image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8\r\n' +
  'Sec-Fetch-Site: same-origin\r\n' +
  'Sec-Fetch-Mode: no-cors\r\n' +
  'Sec-Fetch-Dest: image\r\n' +
  'Referer: http://127.0.0.1:8080/\r\n' +
  'Accept-Encoding: gzip, deflate, br, zstd\r\n' +
  'Accept-Language: zh-CN,zh;q=0.9,en;q=0.8\r\n' +
  'Cookie: session=4f1c2a9b7e; theme=dark\r\n' +
  '\r\n';

function postWithLength(size: number): string {
  return (
    'POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/octet-stream\r\n' +
    `Content-Length: ${size}\r\n\r\n` +
    'x'.repeat(size)
  );
}

function chunkedPost(chunks: number, chunkSize: number): string {
  let text =
    'POST /api/stream HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nTransfer-Encoding: chunked\r\n\r\n';
  for (let i = 0; i < chunks; i++)
    text += `${chunkSize.toString(16)}\r\n${'y'.repeat(chunkSize)}\r\n`;
  return text + '0\r\n\r\n';
}

export interface Scenario {
  name: string;
  bytes: Uint8Array;
  /** Requests in one buffer. */
  requests: number;
  /** The engine's token events (default), or its message mode (`engine.<case>-message`). */
  mode?: 'token' | 'message';
}

const TOKEN_SCENARIOS: Scenario[] = [
  { name: 'engine.get', bytes: encoder.encode(BROWSER_GET), requests: 1 },
  { name: 'engine.post-4k', bytes: encoder.encode(postWithLength(4096)), requests: 1 },
  { name: 'engine.chunked-10', bytes: encoder.encode(chunkedPost(10, 256)), requests: 1 },
  {
    name: 'engine.pipelined-50',
    bytes: encoder.encode(BROWSER_GET.replace('/assets/images/test.jpg', '/p').repeat(50)),
    requests: 50,
  },
];

export const SCENARIOS: Scenario[] = [
  ...TOKEN_SCENARIOS,
  ...TOKEN_SCENARIOS.map((scenario) => ({
    ...scenario,
    name: `${scenario.name}-message`,
    mode: 'message' as const,
  })),
];

/** What both sides keep for each request. */
interface Collected {
  method: string;
  target: string;
  headers: string[];
  body: Uint8Array[];
}

function emptyCollected(): Collected {
  return { method: '', target: '', headers: [], body: [] };
}

/** Returns a function that parses one buffer with the engine and reports requests completed. */
export function engineRunner(): (bytes: Uint8Array) => number {
  const parser = new RequestParser();
  let current = emptyCollected();
  let spans = 0;
  return (bytes) => {
    const events: ParserEvent[] = parser.push(bytes);
    let completed = 0;
    for (const event of events) {
      spans += event.length;
      switch (event.type) {
        case 'method':
          current.method = event.value;
          break;
        case 'target':
          current.target = event.value;
          break;
        case 'headerName':
        case 'headerValue':
          current.headers.push(event.value);
          break;
        case 'body':
          current.body.push(event.data);
          break;
        case 'messageComplete':
          completed++;
          current = emptyCollected();
          break;
        case 'error':
          throw new Error(`engine rejected the bench input: ${event.code} at ${event.offset}`);
        default:
          break;
      }
    }
    return spans >= 0 ? completed : -1;
  };
}

/** The engine's message mode: heads, body views and complete messages, no token events. */
export function messageRunner(): (bytes: Uint8Array) => number {
  const parser = new MessageParser('request');
  let current = emptyCollected();
  return (bytes) => {
    let completed = 0;
    for (const event of parser.push(bytes)) {
      switch (event.type) {
        case 'head': {
          const head = event.head;
          current.method = head.method ?? '';
          current.target = head.target ?? '';
          for (const field of head.fields) current.headers.push(field.name, field.value);
          break;
        }
        case 'body':
          current.body.push(event.data);
          break;
        case 'message':
          completed++;
          current = emptyCollected();
          break;
        case 'error':
          throw new Error(`engine rejected the bench input: ${event.error.code}`);
        default:
          break;
      }
    }
    return completed;
  };
}

/**
 * What no parser of heads in JavaScript can do without, for `--count` (side `floor`): one decode
 * of the buffer, each line split at its colon and line end by `String#indexOf`, the value
 * trimmed, name and value sliced and kept in a field object, the same fields kept as the other
 * sides keep. Nothing is validated and no framing is read: a floor under any real parser, for
 * bodiless heads (one or many in a buffer).
 */
export function floorRunner(): (bytes: Uint8Array) => number {
  const decoder = new TextDecoder();
  return (bytes) => {
    const text = decoder.decode(bytes);
    let completed = 0;
    let i = 0;
    while (i < text.length) {
      const current = emptyCollected();
      const methodEnd = text.indexOf(' ', i);
      const targetEnd = text.indexOf(' ', methodEnd + 1);
      current.method = text.slice(i, methodEnd);
      current.target = text.slice(methodEnd + 1, targetEnd);
      i = text.indexOf('\n', targetEnd) + 1;
      const fields: { name: string; value: string; nameOffset: number; valueOffset: number }[] = [];
      while (text.charCodeAt(i) !== 13) {
        const colon = text.indexOf(':', i);
        const cr = text.indexOf('\r', colon);
        let start = colon + 1;
        while (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9) start++;
        let end = cr;
        while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9))
          end--;
        const field = {
          name: text.slice(i, colon),
          value: text.slice(start, end),
          nameOffset: i,
          valueOffset: start,
        };
        fields.push(field);
        current.headers.push(field.name, field.value);
        i = cr + 2;
      }
      i += 2;
      completed++;
    }
    return completed;
  };
}

export function llhttpRunner(): (bytes: Uint8Array) => number {
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.REQUEST, {});
  let current = emptyCollected();
  let completed = 0;
  parser[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    current.headers.push(...headers);
    current.target += url;
  };
  parser[HTTPParser.kOnHeadersComplete] = (
    _major: number,
    _minor: number,
    headers: string[],
    method: number,
    url: string,
  ) => {
    current.method = String(method);
    current.target += url;
    current.headers.push(...headers);
    return 0;
  };
  parser[HTTPParser.kOnBody] = (chunk: Uint8Array) => {
    current.body.push(chunk);
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    completed++;
    current = emptyCollected();
  };
  return (bytes) => {
    completed = 0;
    const result = parser.execute(bytes);
    if (result instanceof Error) throw result;
    return completed;
  };
}

/** Requests per second over roughly `budgetMs`, in whole batches. */
function measure(run: (bytes: Uint8Array) => number, scenario: Scenario, budgetMs: number): number {
  let requests = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 200; i++) requests += run(scenario.bytes);
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs);
  return (requests / elapsed) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ROUNDS = 9;
const ROUND_MS = 150;
const WARMUP_MS = 300;

/**
 * Each round measures ours, the baseline, the baseline again and ours again (ABBA), and its ratio
 * is ours over the baseline summed over the round: a machine that speeds up or slows down during
 * a round (other work, frequency changes) weighs on both sides alike. The ratio reported is the
 * median of the rounds' ratios.
 */
function benchScenario(scenario: Scenario): BenchResult {
  const ours = scenario.mode === 'message' ? messageRunner() : engineRunner();
  const baseline = llhttpRunner();
  if (ours(scenario.bytes) !== scenario.requests)
    throw new Error(`${scenario.name}: engine did not complete`);
  if (baseline(scenario.bytes) !== scenario.requests)
    throw new Error(`${scenario.name}: llhttp did not complete`);
  measure(ours, scenario, WARMUP_MS);
  measure(baseline, scenario, WARMUP_MS);
  const oursRates: number[] = [];
  const baselineRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = measure(ours, scenario, ROUND_MS);
    const b = measure(baseline, scenario, ROUND_MS);
    const c = measure(baseline, scenario, ROUND_MS);
    const d = measure(ours, scenario, ROUND_MS);
    oursRates.push(a, d);
    baselineRates.push(b, c);
    ratios.push((a + d) / (b + c));
  }
  const sortedRatios = [...ratios].sort((x, y) => x - y);
  return {
    name: scenario.name,
    ours: Math.round(median(oursRates)),
    baseline: Math.round(median(baselineRates)),
    unit: 'req/s',
    ratio: median(ratios),
    extra: {
      bytes: scenario.bytes.length,
      rounds: ROUNDS,
      ratioLow: Number(sortedRatios[0]!.toFixed(3)),
      ratioHigh: Number(sortedRatios.at(-1)!.toFixed(3)),
    },
  };
}

/**
 * Each scenario runs in a child process of its own: the JIT tunes a shared parse loop for the
 * scenario that ran first, which slows every later one by up to 20% (ours and llhttp's alike
 * would be measured in a state no real server is in).
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const scenario of SCENARIOS) {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), scenario.name],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    results.push(JSON.parse(output.trim().split('\n').at(-1) ?? '') as BenchResult);
  }
  return results;
}

/**
 * `--count <scenario> <ours|llhttp|floor> <warm> <runs>`: parses the scenario's buffer `warm` times,
 * then `runs` times inside a callback of `Array.prototype.findLastIndex`, for an instruction
 * counter that counts only there, start-up and JIT warm-up excluded:
 * `valgrind --tool=callgrind --toggle-collect=Builtins_ArrayPrototypeFindLastIndex node
 * --single-threaded …` (one thread: no compiler or GC helper thread is counted by chance)
 * (the builtin is named so in Node's binary, and nothing else here calls it). The difference
 * between two counts with different `runs` is the cost of the extra runs alone. Take `warm` of
 * 20,000 or more: after 4,000 parts of the parser still ran unoptimised (about 3k instructions
 * more per GET).
 */
function count(args: string[]): void {
  const [name, side, warm, runs] = args;
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name ?? '(none)'}`);
  const parse =
    side === 'llhttp'
      ? llhttpRunner()
      : side === 'floor'
        ? floorRunner()
        : scenario.mode === 'message'
          ? messageRunner()
          : engineRunner();
  const loop = (times: number): number => {
    let requests = 0;
    for (let i = 0; i < times; i++) requests += parse(scenario.bytes);
    return requests;
  };
  // In slices, so that the loop itself is optimised before the counted part.
  let requests = 0;
  for (let slice = 0; slice < 20; slice++) requests += loop(Math.ceil(Number(warm) / 20));
  [0].findLastIndex(() => {
    requests += loop(Number(runs));
    return false;
  });
  process.stdout.write(`${requests}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--count') count(process.argv.slice(3));
  else {
    const scenario = SCENARIOS.find((candidate) => candidate.name === process.argv[2]);
    if (!scenario) throw new Error(`unknown scenario ${process.argv[2] ?? '(none)'}`);
    process.stdout.write(`${JSON.stringify(benchScenario(scenario))}\n`);
  }
}
