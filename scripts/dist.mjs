#!/usr/bin/env node
// `npm run dist` after the build: runs electron-builder with electron.config.ts. Its output is
// passed through as it comes, except a failure: when the failure is a download (Electron itself,
// or a tool electron-builder fetches) that the network did not allow, one sentence says so and
// what to do, instead of a stack trace.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Network failures as Node and got word them. */
const NETWORK =
  /getaddrinfo \w+ [\w.-]+|\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|EPROTO)\b[^\n]*|socket hang up|Response code \d{3}[^\n]*|status code \d{3}[^\n]*|unable to (?:get local issuer|verify)[^\n]*|self[- ]signed certificate[^\n]*/i;

/**
 * The sentence for a failed electron-builder run whose output is `output`, or null when the
 * failure is not a download.
 */
export function downloadFailure(output) {
  const failure = output.slice(Math.max(0, output.indexOf('⨯')));
  const cause = NETWORK.exec(failure)?.[0]
    ?.replace(/\s+(?:failedTask|stackTrace)=.*$/, '')
    .trim()
    .replace(/\s+/g, ' ');
  if (!cause || !output.includes('⨯')) return null;
  const brief = cause.length > 120 ? `${cause.slice(0, 117)}…` : cause;
  // The last step electron-builder announced says what it was fetching.
  const steps = [...output.matchAll(/^\s*•\s+(\S[^\n]*)$/gm)].map((m) => m[1]);
  const last = steps.at(-1) ?? '';
  const packaging = /^packaging\s.*?platform=(\S+)\s+arch=(\S+)\s+electron=(\S+)/.exec(last);
  if (packaging) {
    const [, platform, arch, version] = packaging;
    return `Electron ${version} for ${platform}-${arch} could not be downloaded (${brief}): connect to the internet, or set ELECTRON_MIRROR to a mirror this machine can reach, then run npm run dist again.`;
  }
  return `electron-builder could not download a tool it needs${last ? ` while ${last.split(/\s{2,}/)[0]}` : ''} (${brief}): connect to the internet, or set ELECTRON_BUILDER_BINARIES_MIRROR to a mirror this machine can reach, then run npm run dist again.`;
}

/**
 * Runs `command` with `args`, passing its output through until a failure marker (⨯) appears;
 * what follows is held and, when the run fails, replaced by one sentence if it is a download
 * failure. Resolves with the exit code to use.
 */
export function runBuilder(
  command,
  args,
  { stdout = process.stdout, stderr = process.stderr } = {},
) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    let output = '';
    let held = '';
    const take = (sink) => (chunk) => {
      const text = String(chunk);
      output += text;
      if (held !== '') {
        held += text;
        return;
      }
      const marker = text.indexOf('⨯');
      if (marker < 0) {
        sink.write(text);
        return;
      }
      // The lines before the failure's line still go out as they came.
      const lineStart = text.lastIndexOf('\n', marker) + 1;
      sink.write(text.slice(0, lineStart));
      held = text.slice(lineStart);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', take(stdout));
    child.stderr.on('data', take(stderr));
    child.on('error', (error) => {
      stderr.write(`npm run dist: electron-builder could not be started (${error.message}).\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        if (held !== '') stdout.write(held);
        resolve(0);
        return;
      }
      const sentence = downloadFailure(output);
      if (sentence) stderr.write(`npm run dist: ${sentence}\n`);
      else if (held !== '') stderr.write(held);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const require = createRequire(import.meta.url);
  const cli = require.resolve('electron-builder/cli.js');
  const code = await runBuilder(process.execPath, [
    cli,
    '--config',
    'electron.config.ts',
    ...process.argv.slice(2),
  ]);
  process.exitCode = code;
}
