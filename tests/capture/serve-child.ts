// A `socketscope serve` child process, as the crash, limits, proxy and disk tests start it: the
// CLI from source, its own data folder, and the port it says it listens on (from the first JSON
// line with --json, or the "Listening on" line without).

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ServeChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  port: number;
  /** Everything the child has printed so far (stdout, and stderr when captured). */
  output(): string;
  /** The complete lines of stdout so far. */
  lines(): string[];
  /** The exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Sends the signal (SIGTERM unless said) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ServeChildOptions {
  /** The data folder (SOCKETSCOPE_HOME). */
  home: string;
  env?: NodeJS.ProcessEnv;
  /** Captures stderr into `output()` instead of passing it through. */
  captureStderr?: boolean;
  startTimeoutMs?: number;
}

const LISTENING = /Listening on http:\/\/127\.0\.0\.1:(\d+)/;

export async function startServe(args: string[], options: ServeChildOptions): Promise<ServeChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/host/cli.ts', 'serve', ...args],
    {
      env: { ...process.env, ...options.env, SOCKETSCOPE_HOME: options.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    output += text;
    stdout += text;
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (options.captureStderr === true) output += text;
    else process.stderr.write(text);
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const lines = (): string[] => stdout.split('\n').slice(0, -1);
  const portSaid = (): number | null => {
    const json = lines().find((line) => line.startsWith('{"type":"listening"'));
    if (json !== undefined) return (JSON.parse(json) as { port: number }).port;
    const match = LISTENING.exec(stdout);
    return match === null ? null : Number(match[1]);
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let port = portSaid();
  while (port === null) {
    if (exitCode !== undefined) {
      throw new Error(`socketscope serve exited with ${exitCode} before listening:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`socketscope serve did not say where it listens:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    port = portSaid();
  }
  return {
    child,
    port,
    output: () => output,
    lines,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}
