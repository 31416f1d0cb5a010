#!/usr/bin/env node
// `npm start`: install what is missing, build, then run the Electron app; where Electron cannot
// start, say why in one sentence and serve the same UI through the web host instead.
//   SOCKETSCOPE_NO_ELECTRON=1   always use the web host
//   SOCKETSCOPE_SKIP_BUILD=1    use the existing dist/ as it is
//   SOCKETSCOPE_PORT, SOCKETSCOPE_UI_PORT, SOCKETSCOPE_HOME   passed on (see web-main.ts)
//   SOCKETSCOPE_ELECTRON_INSTALL_TIMEOUT_MS   bound on fetching the Electron binary (120000)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** How long Electron must stay up before we consider it started. */
const STARTUP_GRACE_MS = 4000;

function run(command, args, what) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error(`Socketscope could not start: ${what} failed.`);
    process.exit(result.status ?? 1);
  }
}

function lastLine(text) {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '));
  return (lines.at(-1) ?? '').replace(/\.$/, '').slice(0, 160);
}

/** Where the electron package says its binary is (path.txt), without triggering a download. */
function electronBinaryPath(electronDir) {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const fallback =
    process.platform === 'win32'
      ? 'electron.exe'
      : process.platform === 'darwin'
        ? 'Electron.app/Contents/MacOS/Electron'
        : 'electron';
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? fallback);
  return relative === null ? null : join(electronDir, 'dist', relative);
}

/** Since Electron 42 the binary is fetched on demand: ask for it, bounded in time. */
async function ensureElectronBinary() {
  const electronDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(electronDir, 'install.js')))
    return { reason: 'the electron package is not installed' };
  const present = electronBinaryPath(electronDir);
  if (present !== null && existsSync(present)) return { path: present };

  const timeoutMs = Number(process.env.SOCKETSCOPE_ELECTRON_INSTALL_TIMEOUT_MS) || 120_000;
  console.log(`Fetching the Electron binary (at most ${Math.round(timeoutMs / 1000)} s)…`);
  const outcome = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ error: `the download took longer than ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: error.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(
        code === 0 ? {} : { error: lastLine(stderr) || `the installer exited with code ${code}` },
      );
    });
  });
  if (outcome.error)
    return {
      reason: `the Electron binary is not installed and could not be fetched (${outcome.error})`,
    };
  const fetched = electronBinaryPath(electronDir);
  if (fetched !== null && existsSync(fetched)) return { path: fetched };
  return { reason: 'the Electron installer finished but left no binary' };
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
}

/** Starts Electron on the app; resolves with the child once it has stayed up, or a reason. */
function launchElectron(binary) {
  return new Promise((resolve) => {
    // Its own process group: Ctrl-C reaches this script only, which forwards it exactly once.
    const child = spawn(binary, ['.'], {
      cwd: root,
      stdio: ['inherit', 'inherit', 'pipe'],
      detached: process.platform !== 'win32',
    });
    forwardSignals(child);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    const timer = setTimeout(() => resolve({ child }), STARTUP_GRACE_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ reason: `Electron could not be run (${error.message})` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // A clean exit is not a failure: e.g. a second launch hands over to the running instance.
      if (code === 0) resolve({ exitCode: 0 });
      const detail = lastLine(stderr) || (signal ? `signal ${signal}` : `code ${code}`);
      resolve({ reason: `Electron exited at once (${detail})` });
    });
  });
}

async function electronOrReason() {
  if (process.env.SOCKETSCOPE_NO_ELECTRON === '1')
    return { reason: 'SOCKETSCOPE_NO_ELECTRON=1 is set' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  const binary = await ensureElectronBinary();
  if (!binary.path) return binary;
  return launchElectron(binary.path);
}

function runWebHost() {
  const child = spawn(process.execPath, [join(root, 'dist', 'main', 'web-main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
    detached: process.platform !== 'win32',
  });
  forwardSignals(child);
  return child;
}

function exitWith(child) {
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (!existsSync(join(root, 'node_modules'))) {
  console.log('Installing dependencies (npm install)…');
  run(npm, ['install', '--no-audit', '--no-fund'], 'npm install');
}
if (process.env.SOCKETSCOPE_SKIP_BUILD !== '1') run(npm, ['run', 'build'], 'the build');

const electron = await electronOrReason();
if (electron.exitCode === 0) {
  process.exit(0);
} else if (electron.child) {
  exitWith(electron.child);
} else {
  console.log(
    `Electron cannot start here because ${electron.reason}, so the UI is served through the web host instead.`,
  );
  exitWith(runWebHost());
}
