// `npm start` (scripts/start.mjs) end to end: build, fall back to the web host with a one-sentence
// reason, serve the UI at the printed URL, stop cleanly on SIGTERM.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const work = mkdtempSync(join(tmpdir(), 'socketscope-start-'));
const running = new Set<ChildProcess>();

after(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const REASON_LINE =
  /^Electron cannot start here because (.+), so the UI is served through the web host instead\.$/m;
const URL_LINE = /Socketscope UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/;

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

/** Runs start.mjs with ports 0 and CI=true until it prints the UI URL (bounded). */
async function start(env: Record<string, string>, timeoutMs: number): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: {
      ...process.env,
      CI: 'true',
      SOCKETSCOPE_PORT: '0',
      SOCKETSCOPE_UI_PORT: '0',
      SOCKETSCOPE_HOME: join(work, 'home'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no UI URL within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = (): void => {
      const match = URL_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.mjs exited (${code}) before printing the URL:\n${output}`));
    });
  });
  return { child, output: () => output, url };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    started.child.once('exit', (code) => resolve(code)),
  );
  started.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), 10_000).unref(),
  );
  const code = await Promise.race([exited, timeout]);
  running.delete(started.child);
  assert.notEqual(code, 'timeout', 'start.mjs must stop within 10 s of SIGTERM');
  return code === 'timeout' ? null : code;
}

async function assertServesUi(url: string): Promise<void> {
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<div id="app">/);
}

test(
  'SOCKETSCOPE_NO_ELECTRON=1: builds, serves the UI on the web host, exits 0 on SIGTERM',
  { timeout: 240_000 },
  async () => {
    assert.ok(existsSync('node_modules'), 'the test runs in an installed checkout');
    const started = await start({ SOCKETSCOPE_NO_ELECTRON: '1' }, 200_000);
    try {
      const reason = REASON_LINE.exec(started.output());
      assert.equal(reason?.[1], 'SOCKETSCOPE_NO_ELECTRON=1 is set');
      assert.doesNotMatch(started.output(), /npm install/, 'node_modules exists: no install');
      assert.match(started.output(), /Capture server listening: http:\/\/127\.0\.0\.1:\d+\//);
      await assertServesUi(started.url);
    } finally {
      assert.equal(await stop(started), 0);
    }
  },
);

test(
  'without an Electron binary: one-sentence reason, then the web host',
  { timeout: 120_000 },
  async () => {
    // An empty binary folder, an unreachable download mirror and an empty download cache make the
    // binary unobtainable on any machine; DISPLAY is set so the display check is not the reason.
    const empty = mkdtempSync(join(work, 'electron-dist-'));
    const started = await start(
      {
        SOCKETSCOPE_SKIP_BUILD: existsSync('dist/main/web-main.js') ? '1' : '0',
        ELECTRON_OVERRIDE_DIST_PATH: empty,
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        electron_config_cache: join(work, 'electron-cache'),
        SOCKETSCOPE_ELECTRON_INSTALL_TIMEOUT_MS: '30000',
        DISPLAY: ':99',
      },
      100_000,
    );
    try {
      const reason = REASON_LINE.exec(started.output());
      assert.ok(reason, `a reason line is printed:\n${started.output()}`);
      assert.match(reason[1] ?? '', /Electron binary is not installed and could not be fetched/);
      assert.doesNotMatch(reason[0], /\.\s/, 'the reason is one sentence');
      assert.equal(started.output().match(/Electron cannot start here/g)?.length, 1, 'said once');
      await assertServesUi(started.url);
    } finally {
      assert.equal(await stop(started), 0);
    }
  },
);

/** A stand-in Electron binary (a shell script) in its own folder, for the launch path. */
function fakeElectron(script: string): string {
  const dir = mkdtempSync(join(work, 'fake-electron-'));
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, 'electron'), 0o755);
  return dir;
}

// start.mjs looks for `electron` in ELECTRON_OVERRIDE_DIST_PATH on Linux (Electron.app/… on macOS).
const linuxOnly =
  process.platform === 'linux'
    ? false
    : 'the stand-in Electron binary is a Linux shell script named electron';

test(
  'an Electron that exits at once: its last error line is the reason, then the web host',
  { timeout: 60_000, skip: linuxOnly },
  async () => {
    const dir = fakeElectron('echo "[42:ERROR] Missing X server or \\$DISPLAY" >&2; exit 1');
    const started = await start(
      { SOCKETSCOPE_SKIP_BUILD: '1', ELECTRON_OVERRIDE_DIST_PATH: dir, DISPLAY: ':99' },
      30_000,
    );
    try {
      const reason = REASON_LINE.exec(started.output());
      assert.equal(
        reason?.[1],
        'Electron exited at once ([42:ERROR] Missing X server or $DISPLAY)',
      );
      await assertServesUi(started.url);
    } finally {
      assert.equal(await stop(started), 0);
    }
  },
);

test(
  'an Electron that starts is run on the app and receives SIGTERM',
  { timeout: 60_000, skip: linuxOnly },
  async () => {
    const dir = fakeElectron(
      'echo "electron args: $*"; trap \'echo "electron stopping"; exit 0\' TERM; while :; do sleep 0.1; done',
    );
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: {
        ...process.env,
        SOCKETSCOPE_SKIP_BUILD: '1',
        ELECTRON_OVERRIDE_DIST_PATH: dir,
        DISPLAY: ':99',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // start.mjs waits 4 s before it counts Electron as started; signal after that.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    assert.match(output, /electron args: \.$/m, 'Electron is pointed at the app folder');
    assert.doesNotMatch(output, /Electron cannot start here/);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode));
      child.kill('SIGTERM');
    });
    running.delete(child);
    assert.equal(code, 0);
    assert.match(output, /electron stopping/);
  },
);

test(
  'with node_modules present, npm start runs `npm run build` and never `npm install`',
  { timeout: 60_000, skip: linuxOnly },
  async () => {
    // A stand-in npm first on PATH records how it is called (dist/ was built by the first test).
    const bin = mkdtempSync(join(work, 'fake-npm-'));
    const log = join(bin, 'calls.log');
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$*" >> "${log}"\n`);
    chmodSync(join(bin, 'npm'), 0o755);
    const started = await start(
      { SOCKETSCOPE_NO_ELECTRON: '1', PATH: `${bin}:${process.env.PATH ?? ''}` },
      30_000,
    );
    try {
      assert.equal(readFileSync(log, 'utf8'), 'run build\n');
      await assertServesUi(started.url);
    } finally {
      assert.equal(await stop(started), 0);
    }
  },
);

test(
  'without node_modules, npm start runs `npm install` first, then the build',
  { timeout: 60_000, skip: linuxOnly },
  async () => {
    // A copy of the script in an empty checkout; the stand-in npm "installs" by creating
    // node_modules and "builds" a web-main that only prints its URL and waits.
    const checkout = mkdtempSync(join(work, 'checkout-'));
    mkdirSync(join(checkout, 'scripts'));
    copyFileSync('scripts/start.mjs', join(checkout, 'scripts', 'start.mjs'));
    const bin = mkdtempSync(join(work, 'fake-npm-'));
    const log = join(bin, 'calls.log');
    const webMain = [
      "console.log('Socketscope UI: http://127.0.0.1:1/?token=stand-in');",
      "process.on('SIGTERM', () => process.exit(0));",
      'setInterval(() => {}, 1000);',
    ].join(' ');
    writeFileSync(
      join(bin, 'npm'),
      [
        '#!/bin/sh',
        `echo "$*" >> "${log}"`,
        'case "$1" in',
        '  install) mkdir -p node_modules ;;',
        `  run) mkdir -p dist/main && echo "${webMain.replace(/"/g, '\\"')}" > dist/main/web-main.js ;;`,
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const child = spawn(process.execPath, [join(checkout, 'scripts', 'start.mjs')], {
      cwd: checkout,
      env: {
        ...process.env,
        SOCKETSCOPE_NO_ELECTRON: '1',
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!URL_LINE.test(output) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(output, URL_LINE, output);
    assert.match(output, /Installing dependencies \(npm install\)/);
    assert.equal(readFileSync(log, 'utf8'), 'install --no-audit --no-fund\nrun build\n');
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode));
      child.kill('SIGTERM');
    });
    running.delete(child);
    assert.equal(code, 0);
  },
);
