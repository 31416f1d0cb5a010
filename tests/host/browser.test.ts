// `socketscope browser`: the Intercept tab's launcher started from the command line. The browser is
// picked (--browser, SOCKETSCOPE_BROWSER, else the first of the Chromium family), started with a
// fresh profile and the proxy, loopback and SPKI flags (or a Firefox profile), and the command
// ends when the browser does, or on SIGTERM, removing the profile. A browser that is not there is
// one sentence. Where Debian's Chromium and Firefox are installed, each is started for real and
// its HTTPS request arrives through the proxy.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedFirefoxOrSkip } from './installed-firefox';
import { browserArgs } from '../../src-main/host/browser';
import {
  browserKind,
  checkKind,
  findBrowsers,
  pickBrowser,
} from '../../src-main/host/intercept-launch';
import type { InterceptBrowser } from '../../src-main/protocol/types';
import { LocalCa } from '../../src-main/capture/ca';
import { skipBecause } from '../skip';

const home = mkdtempSync(join(tmpdir(), 'socketscope-browser-test-'));
after(() => rmSync(home, { recursive: true, force: true }));

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function folder(name: string): string {
  const dir = join(home, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run> } {
  let child!: ChildProcess;
  const done = new Promise<Run>((resolve) => {
    child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src-main/host/cli.ts', 'browser', ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          stdout,
          stderr,
        }),
    );
  });
  return { child, done };
}

/** process.env without what could pick or show a browser of this machine's. */
function bareEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('SOCKETSCOPE_BROWSER' in extra)) delete env.SOCKETSCOPE_BROWSER;
  if (!('DISPLAY' in extra)) delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

function assertOneSentence(run: Run, pattern: RegExp): void {
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:/, 'no stack trace');
}

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the flags: fresh profile, the proxy, loopback through it, the SPKI list', () => {
  const args = browserArgs({
    proxy: '127.0.0.1:9000',
    spki: ['a=', 'b='],
    profileDir: '/tmp/p',
    url: 'https://example.test/',
  });
  assert.deepEqual(args.slice(0, 4), [
    '--user-data-dir=/tmp/p',
    '--proxy-server=http://127.0.0.1:9000',
    '--proxy-bypass-list=<-loopback>',
    '--ignore-certificate-errors-spki-list=a=,b=',
  ]);
  assert.equal(args.at(-1), 'https://example.test/');
});

test('browserKind names each browser by its path, Windows Chromium included', () => {
  assert.equal(browserKind('/usr/bin/chromium'), 'chromium');
  assert.equal(browserKind('C:\\Program Files\\Chromium\\Application\\chrome.exe'), 'chromium');
  assert.equal(browserKind('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'), 'chrome');
  assert.equal(browserKind('/usr/bin/google-chrome-stable'), 'chrome');
  assert.equal(browserKind('/usr/bin/microsoft-edge'), 'edge');
  assert.equal(browserKind('/usr/bin/brave-browser'), 'brave');
  assert.equal(browserKind('/usr/bin/firefox-esr'), 'firefox');
  assert.equal(browserKind('/opt/odd/browser'), null);
  assert.equal(checkKind(' Firefox '), 'firefox');
  const bad = checkKind('safari');
  assert.equal(typeof bad === 'string' ? bad : bad.message.key, 'intercept.unknownKind');
});

test('pickBrowser: the kind asked for, else SOCKETSCOPE_BROWSER, else Chromium family, else Firefox', () => {
  const b = (path: string, family: 'chromium' | 'firefox'): InterceptBrowser => ({
    id: path,
    name: path,
    family,
    path,
    limitation: null,
  });
  const ff = b('/bin/firefox', 'firefox');
  const chromium = b('/bin/chromium', 'chromium');
  const chrome = b('/bin/google-chrome', 'chromium');
  const key = (picked: InterceptBrowser | { message: { key: string } }) =>
    'message' in picked ? picked.message.key : picked.path;
  assert.equal(key(pickBrowser([ff, chromium, chrome], undefined, {})), '/bin/chromium');
  assert.equal(key(pickBrowser([ff], undefined, {})), '/bin/firefox');
  assert.equal(key(pickBrowser([chromium, chrome], 'chrome', {})), '/bin/google-chrome');
  assert.equal(key(pickBrowser([chromium, ff], 'firefox', {})), '/bin/firefox');
  assert.equal(key(pickBrowser([chromium], 'edge', {})), 'intercept.kindNotFoundOthers');
  assert.equal(key(pickBrowser([], 'edge', {})), 'intercept.kindNotFound');
  assert.equal(key(pickBrowser([], undefined, {})), 'intercept.noneFound');
  const env = { SOCKETSCOPE_BROWSER: '/bin/firefox' };
  assert.equal(key(pickBrowser([ff, chromium], undefined, env)), '/bin/firefox');
  assert.equal(
    key(pickBrowser([chromium], undefined, { SOCKETSCOPE_BROWSER: '/no/such' })),
    'intercept.explicitMissing',
  );
  assert.equal(
    key(pickBrowser([chromium], 'chromium', { SOCKETSCOPE_BROWSER: '/no/such' })),
    '/bin/chromium',
  );
});

test('socketscope browser starts the browser through an intercepting proxy and ends with it', async () => {
  const record = join(home, 'args.txt');
  const fake = script(join(home, 'fake-browser'), `printf '%s\\n' "$@" > '${record}'`);
  const data = join(home, 'data');
  const run = await cli(
    ['http://example.test/start'],
    bareEnv({ SOCKETSCOPE_HOME: data, SOCKETSCOPE_BROWSER: fake, DISPLAY: ':99' }),
  ).done;
  assert.equal(run.code, 0, run.stderr);
  const args = readFileSync(record, 'utf8').trim().split('\n');
  assert.match(
    args.find((arg) => arg.startsWith('--proxy-server='))!,
    /^--proxy-server=http:\/\/127\.0\.0\.1:\d+$/,
  );
  assert.ok(args.includes('--proxy-bypass-list=<-loopback>'));
  const ca = await LocalCa.open(join(data, 'ca'));
  const spki = args.find((arg) => arg.startsWith('--ignore-certificate-errors-spki-list='))!;
  assert.ok(spki.includes(ca.spki), 'the CA made in the data folder is the one accepted');
  const profile = args.find((arg) => arg.startsWith('--user-data-dir='))!.slice(16);
  assert.equal(args.at(-1), 'http://example.test/start');
  assert.match(
    run.stdout,
    new RegExp(`Started fake-browser \\(${fake}\\) with a fresh profile in`),
  );
  assert.ok(run.stdout.includes(profile), 'the profile named is the one the browser got');
  assert.equal(existsSync(profile), false, 'the profile is removed when the browser ends');
});

test('--browser firefox: a Firefox profile through the proxy; without certutil it says so', async () => {
  const bin = folder('bin-ff');
  const record = join(home, 'ff-args.txt');
  // A stand-in Firefox: records its arguments and the user.js of the profile it was given.
  script(
    join(bin, 'firefox-esr'),
    `PATH=/usr/bin:/bin\nprintf '%s\\n' "$@" > '${record}'\ncat "$4/user.js" >> '${record}'`,
  );
  script(join(bin, 'chromium'), 'exit 3');
  const run = await cli(
    ['--browser', 'firefox', 'example.test/ff'],
    bareEnv({ SOCKETSCOPE_HOME: join(home, 'data-ff'), PATH: bin, DISPLAY: ':99' }),
  ).done;
  assert.equal(run.code, 0, run.stderr);
  const lines = readFileSync(record, 'utf8').split('\n');
  assert.deepEqual(lines.slice(0, 3), ['--no-remote', '--new-instance', '--profile']);
  assert.ok(lines.includes('https://example.test/ff'), 'a bare host gets https');
  const port = /Proxy on 127\.0\.0\.1:(\d+)/.exec(run.stdout)?.[1];
  assert.ok(port, run.stdout);
  assert.ok(lines.includes(`user_pref("network.proxy.ssl_port", ${port});`));
  assert.ok(lines.includes('user_pref("network.proxy.allow_hijacking_localhost", true);'));
  assert.match(run.stdout, /Started Firefox ESR \(.*firefox-esr\)/);
  assertOneSentence(
    run,
    /^socketscope: certutil \(Debian package libnss3-tools\) is not installed/,
  );
});

test('a browser that fails right after its start: the command says so and exits 1', async () => {
  const bin = folder('bin-early');
  script(join(bin, 'chromium'), 'exit 3');
  const run = await cli(
    [],
    bareEnv({ SOCKETSCOPE_HOME: join(home, 'data-early'), PATH: bin, DISPLAY: ':99' }),
  ).done;
  assert.equal(run.code, 1);
  assert.match(run.stdout, /Started Chromium /);
  assertOneSentence(run, /^socketscope: Chromium ended right after it started \(exit code 3\)\.$/);
});

test('a browser that is not there, or a wrong --browser: one sentence each, no stack trace', async () => {
  const bin = folder('bin-chromium-only');
  script(join(bin, 'chromium'), 'exit 0');
  const empty = folder('bin-empty');
  const data = join(home, 'data-missing');
  const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
    [
      ['--browser', 'edge'],
      { DISPLAY: ':99', PATH: bin },
      1,
      /^socketscope: Microsoft Edge was not found on this machine \(found: Chromium\): install it, name its executable in SOCKETSCOPE_BROWSER, or pick one of those with --browser\.$/,
    ],
    [
      ['--browser', 'firefox'],
      { DISPLAY: ':99', PATH: empty },
      1,
      /^socketscope: Firefox was not found on this machine: install it, or name its executable in SOCKETSCOPE_BROWSER\.$/,
    ],
    [
      [],
      { DISPLAY: ':99', PATH: empty },
      1,
      /^socketscope: No Chromium, Chrome, Edge, Brave or Firefox was found/,
    ],
    [
      [],
      { DISPLAY: ':99', PATH: bin, SOCKETSCOPE_BROWSER: join(empty, 'gone') },
      1,
      /^socketscope: SOCKETSCOPE_BROWSER names .*gone, which is not an executable file/,
    ],
    [
      ['--browser', 'safari'],
      { DISPLAY: ':99', PATH: bin },
      2,
      /^socketscope: --browser takes one of chromium, chrome, edge, brave, firefox, not "safari"\.$/,
    ],
    [
      ['ftp://x'],
      { DISPLAY: ':99', PATH: bin },
      2,
      /^socketscope: ftp:\/\/x is not an http:\/\/ or https:\/\/ address\.$/,
    ],
    [
      ['--nope'],
      { DISPLAY: ':99', PATH: bin },
      2,
      /--nope.*\(see "socketscope browser --help"\)\.$/,
    ],
    // No display and no --headless: nothing is spawned.
    [[], { PATH: bin }, 1, /cannot open: run this in your desktop session, or add --headless\.$/],
  ];
  for (const [args, env, code, pattern] of cases) {
    const run = await cli(args, bareEnv({ SOCKETSCOPE_HOME: data, ...env })).done;
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assertOneSentence(run, pattern);
    assert.equal(run.stdout, '', 'nothing said to have started');
  }
});

test('--help names --browser and --headless', async () => {
  const run = await cli(['--help'], bareEnv({ SOCKETSCOPE_HOME: join(home, 'data-help') })).done;
  assert.equal(run.code, 0);
  assert.match(run.stdout, /--browser KIND\s+chromium, chrome, edge, brave or firefox/);
  assert.match(run.stdout, /--headless/);
});

/** Starts a real browser through the CLI at an HTTPS origin and waits for its request there. */
async function realBrowser(kind: 'chromium' | 'firefox', name: string): Promise<void> {
  const originCa = await LocalCa.open(join(home, `${kind}-origin-ca`));
  const seen: string[] = [];
  const site = createHttps(await originCa.leafFiles('127.0.0.1'), (req, res) => {
    seen.push(req.url ?? '');
    res.end(`<p>${kind} reached ${req.url}</p>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  const port = (site.address() as { port: number }).port;
  const session = join(home, `${kind}-session`);
  const userHome = folder(`${kind}-home`);
  const started = cli(
    [
      '--browser',
      kind,
      '--headless',
      '--insecure-host',
      '127.0.0.1',
      '--session',
      session,
      `https://127.0.0.1:${port}/from-cli-${kind}`,
    ],
    bareEnv({ SOCKETSCOPE_HOME: join(home, `${kind}-data`), HOME: userHome }),
  );
  try {
    await until(() => seen.includes(`/from-cli-${kind}`), `the request from ${name}`, 60_000);
  } finally {
    started.child.kill('SIGTERM');
    site.closeAllConnections();
    site.close();
  }
  const run = await started.done;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Started ${name} `));
  const profile = /with a fresh profile in (.*)\.\n/.exec(run.stdout)?.[1];
  assert.ok(profile, run.stdout);
  assert.equal(existsSync(profile), false, 'the profile is removed after SIGTERM');
  const har = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src-main/host/cli.ts', 'export', '--har', session],
      { env: bareEnv({ SOCKETSCOPE_HOME: join(home, `${kind}-data`) }), maxBuffer: 64 << 20 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    ),
  );
  assert.ok(har.includes(`/from-cli-${kind}`), 'the decrypted request is recorded in the session');
}

test('a real headless Chromium started by socketscope browser: its HTTPS request comes through', async (t) => {
  if (!findBrowsers().some((b) => browserKind(b.path) === 'chromium')) {
    skipBecause(t, 'Chromium is not installed (apt-get install -y chromium)');
    return;
  }
  await realBrowser('chromium', 'Chromium');
});

test('a real headless Firefox started by socketscope browser --browser firefox', async (t) => {
  const firefox = installedFirefoxOrSkip(t);
  if (firefox === null) return;
  await realBrowser('firefox', firefox.name);
});
