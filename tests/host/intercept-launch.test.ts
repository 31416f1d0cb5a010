// The Intercept panel's Core side: the terminal's lines (run in a real shell), the browsers found,
// a Firefox profile written with the proxy and the CA in its own store, and intercept.launch /
// intercept.close through a Core, with a stand-in browser that records how it was started and,
// where it is installed, a real headless Firefox whose HTTPS request arrives decrypted.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedFirefoxOrSkip } from './installed-firefox';
import { allTerminalLines, proxyUrl, terminalLines } from '../../src-main/host/terminal-env';
import {
  checkUrl,
  findBrowsers,
  findCertutil,
  firefoxUserJs,
  writeFirefoxProfile,
} from '../../src-main/host/intercept-launch';
import { createCore } from '../../src-main/host/core';
import { LocalCa } from '../../src-main/capture/ca';
import { skipBecause } from '../skip';

const home = mkdtempSync(join(tmpdir(), 'socketscope-intercept-'));
after(() => rmSync(home, { recursive: true, force: true }));

function script(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the POSIX lines set every variable to the proxy and the CA path, quoted for the shell', () => {
  const ca = "/home/o'neil/My Data/ca-cert.pem";
  const lines = terminalLines('http://127.0.0.1:8123', ca, 'posix');
  const env = execFileSync('sh', ['-c', `${lines}env`], { env: {}, encoding: 'utf8' });
  const got = new Map(
    env
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'])
    assert.equal(got.get(name), 'http://127.0.0.1:8123', name);
  for (const name of [
    'NODE_EXTRA_CA_CERTS',
    'SSL_CERT_FILE',
    'REQUESTS_CA_BUNDLE',
    'CURL_CA_BUNDLE',
  ])
    assert.equal(got.get(name), ca, name);
});

test('the PowerShell lines: $env: assignments, single-quoted, one per name', () => {
  const lines = allTerminalLines(
    'http://127.0.0.1:8123',
    "C:\\Users\\O'Neil\\ca-cert.pem",
  ).powershell;
  assert.deepEqual(lines.trim().split('\n'), [
    "$env:HTTP_PROXY = 'http://127.0.0.1:8123'",
    "$env:HTTPS_PROXY = 'http://127.0.0.1:8123'",
    "$env:NODE_EXTRA_CA_CERTS = 'C:\\Users\\O''Neil\\ca-cert.pem'",
    "$env:SSL_CERT_FILE = 'C:\\Users\\O''Neil\\ca-cert.pem'",
    "$env:REQUESTS_CA_BUNDLE = 'C:\\Users\\O''Neil\\ca-cert.pem'",
    "$env:CURL_CA_BUNDLE = 'C:\\Users\\O''Neil\\ca-cert.pem'",
  ]);
  assert.equal(proxyUrl('::1', 9), 'http://[::1]:9');
});

test('socketscope ca --env prints the same lines, for POSIX shells or PowerShell', async () => {
  const data = join(home, 'cli-env');
  const cli = (args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src-main/host/cli.ts', 'ca', ...args],
        { env: { ...process.env, SOCKETSCOPE_HOME: data }, timeout: 30_000 },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
  const posix = await cli(['--env', '--port', '8123']);
  const caPath = join(data, 'ca', 'ca-cert.pem');
  assert.equal(posix, terminalLines('http://127.0.0.1:8123', caPath, 'posix'));
  assert.equal(
    await cli(['--env', '--powershell']),
    terminalLines('http://127.0.0.1:8080', caPath, 'powershell'),
  );
  await assert.rejects(cli(['--env', '--port', 'x']), /--port takes a port number/);
});

test('curl goes through the proxy with the POSIX lines alone', async () => {
  const core = await createCore({ home: join(home, 'curl-core'), settings: { port: 0 } });
  try {
    await core.call('server.start', { proxy: true, intercept: true, insecureHosts: ['127.0.0.1'] });
    const status = await core.call('intercept.status', {});
    assert.ok(status.ready && status.terminal && status.caPath);
    const ca = await LocalCa.open(join(home, 'curl-origin-ca'));
    const site = createHttps(await ca.leafFiles('127.0.0.1'), (_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
    const port = (site.address() as { port: number }).port;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'sh',
        ['-c', `${status.terminal!.posix}curl -sS --max-time 10 https://127.0.0.1:${port}/via-env`],
        { env: { PATH: process.env.PATH } },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    site.close();
    assert.equal(out, 'hello');
    const rows = await core.call('exchanges.rows', { from: 0, count: 10 });
    assert.ok(
      rows.rows.some((row) => row.target === '/via-env'),
      'the decrypted request is listed',
    );
  } finally {
    await core.close();
  }
});

test('findBrowsers: Chromium family and Firefox on PATH, one per real file, a limit without certutil', () => {
  const bin = join(home, 'bin-find');
  mkdirSync(bin);
  script(join(bin, 'chromium'), 'exit 0');
  symlinkSync(join(bin, 'chromium'), join(bin, 'chromium-browser'));
  script(join(bin, 'firefox-esr'), 'exit 0');
  const found = findBrowsers('linux', { PATH: bin });
  assert.deepEqual(
    found.map((b) => [b.name, b.family]),
    [
      ['Chromium', 'chromium'],
      ['Firefox ESR', 'firefox'],
    ],
  );
  assert.equal(found[1]!.limitation?.key, 'intercept.noCertutil');
  script(join(bin, 'certutil'), 'exit 0');
  assert.equal(findBrowsers('linux', { PATH: bin })[1]!.limitation, null);
  assert.equal(findCertutil('win32', { PATH: bin }), null, "Windows' certutil is not NSS's");
  assert.deepEqual(findBrowsers('linux', { PATH: join(home, 'nowhere') }), []);
});

test('a Firefox profile: user.js sends everything through the proxy, loopback included', async () => {
  const js = firefoxUserJs({ proxyHost: '127.0.0.1', proxyPort: 8123 });
  for (const line of [
    'user_pref("network.proxy.type", 1);',
    'user_pref("network.proxy.http", "127.0.0.1");',
    'user_pref("network.proxy.http_port", 8123);',
    'user_pref("network.proxy.ssl", "127.0.0.1");',
    'user_pref("network.proxy.ssl_port", 8123);',
    'user_pref("network.proxy.allow_hijacking_localhost", true);',
    'user_pref("network.proxy.no_proxies_on", "");',
  ])
    assert.ok(js.includes(line), line);
  // With a stand-in certutil: the store is made, then the CA added as trusted for TLS servers.
  const dir = join(home, 'ff-fake');
  mkdirSync(dir);
  const log = join(home, 'certutil.log');
  const certutil = script(
    join(home, 'certutil-fake'),
    `printf '%s ' "$@" >> '${log}'; echo >> '${log}'`,
  );
  assert.equal(
    await writeFirefoxProfile(
      dir,
      { proxyHost: '127.0.0.1', proxyPort: 8123 },
      { certPath: '/x/ca.pem' },
      certutil,
    ),
    true,
  );
  assert.equal(readFileSync(join(dir, 'user.js'), 'utf8'), js);
  assert.deepEqual(
    readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.trimEnd()),
    [
      `-N -d sql:${dir} --empty-password`,
      `-A -d sql:${dir} -n Socketscope local CA -t C,, -i /x/ca.pem`,
    ],
  );
  // Without one: only user.js, and the caller is told the CA is not trusted.
  const bare = join(home, 'ff-bare');
  mkdirSync(bare);
  assert.equal(
    await writeFirefoxProfile(
      bare,
      { proxyHost: '127.0.0.1', proxyPort: 1 },
      { certPath: '/x' },
      null,
    ),
    false,
  );
  assert.ok(existsSync(join(bare, 'user.js')));
});

test('with NSS certutil: the CA is in the profile store, trusted for TLS servers', async (t) => {
  const certutil = findCertutil();
  if (certutil === null) {
    skipBecause(t, 'certutil is not installed (Debian package libnss3-tools)');
    return;
  }
  const ca = await LocalCa.open(join(home, 'nss-ca'));
  const dir = join(home, 'ff-nss');
  mkdirSync(dir);
  await writeFirefoxProfile(dir, { proxyHost: '127.0.0.1', proxyPort: 1 }, ca, certutil);
  const listed = execFileSync(certutil, ['-L', '-d', `sql:${dir}`], { encoding: 'utf8' });
  assert.match(listed, /Socketscope local CA\s+C,,/);
});

test('checkUrl: blank, a bare host as https, http(s) only', () => {
  assert.equal(checkUrl(undefined), 'about:blank');
  assert.equal(checkUrl('  '), 'about:blank');
  assert.equal(checkUrl('about:blank'), 'about:blank', 'a checked page checks again the same');
  assert.equal(checkUrl('example.test/a'), 'https://example.test/a');
  assert.equal(checkUrl('http://127.0.0.1:9/'), 'http://127.0.0.1:9/');
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'http://', 42]) {
    const checked = checkUrl(bad);
    assert.equal(typeof checked === 'string' ? checked : checked.message.key, 'intercept.badUrl');
  }
});

test('intercept.launch turns the forward proxy on, starts the browser through it; close ends it', async () => {
  const bin = join(home, 'bin-launch');
  mkdirSync(bin);
  const record = join(home, 'launch-args.txt');
  // A stand-in browser: records its arguments and waits to be closed.
  script(join(bin, 'chromium'), `printf '%s\\n' "$@" > '${record}'\nexec /bin/sleep 30`);
  const core = await createCore({
    home: join(home, 'launch-core'),
    settings: { port: 0 },
    intercept: { env: { PATH: bin, DISPLAY: ':99' } },
  });
  try {
    const plain = await core.call('server.start', {});
    let status = await core.call('intercept.status', {});
    assert.equal(status.ready, false);
    assert.equal(status.needs?.key, 'intercept.willEnable');
    assert.equal(status.proxy, `http://127.0.0.1:${plain.port}`);
    assert.deepEqual(
      status.browsers.map((b) => b.name),
      ['Chromium'],
    );
    const bad = await core.call('intercept.launch', {
      browserId: status.browsers[0]!.id,
      url: 'ftp://x',
    });
    assert.equal(bad.message?.key, 'intercept.badUrl');
    assert.equal(bad.launched, null);
    const missing = await core.call('intercept.launch', { browserId: '/no/such/browser' });
    assert.equal(missing.message?.key, 'intercept.notFound');

    const result = await core.call('intercept.launch', {
      browserId: status.browsers[0]!.id,
      url: 'http://example.test/',
    });
    assert.equal(result.message, null);
    assert.ok(result.launched);
    status = result.status;
    assert.equal(status.ready, true, 'the forward proxy with interception is on');
    assert.equal(status.listening, true);
    assert.equal(status.proxy, `http://127.0.0.1:${plain.port}`, 'on the same port');
    assert.deepEqual(
      status.launched.map((b) => b.launchId),
      [result.launched.launchId],
    );
    await until(
      () => existsSync(record) && readFileSync(record, 'utf8').includes('example'),
      'the browser to start',
    );
    const args = readFileSync(record, 'utf8').trim().split('\n');
    assert.ok(args.includes(`--proxy-server=http://127.0.0.1:${plain.port}`));
    assert.ok(args.includes('--proxy-bypass-list=<-loopback>'));
    const ca = await LocalCa.open(join(home, 'launch-core', 'ca'));
    assert.ok(args.includes(`--ignore-certificate-errors-spki-list=${ca.spki}`));
    assert.equal(args.at(-1), 'http://example.test/');
    const profile = result.launched.profileDir;
    assert.ok(args.includes(`--user-data-dir=${profile}`) && existsSync(profile));

    status = await core.call('intercept.close', { launchId: result.launched.launchId });
    assert.deepEqual(status.launched, []);
    assert.equal(existsSync(profile), false, 'the fresh profile is removed');
  } finally {
    await core.close();
  }
});

test('a reverse proxy is not switched away: the launch says what to do', async () => {
  const bin = join(home, 'bin-reverse');
  mkdirSync(bin);
  script(join(bin, 'chromium'), 'exit 0');
  const core = await createCore({
    home: join(home, 'reverse-core'),
    settings: { port: 0 },
    intercept: { env: { PATH: bin, DISPLAY: ':99' } },
  });
  try {
    await core.call('server.start', { upstream: 'http://127.0.0.1:9' });
    const status = await core.call('intercept.status', {});
    assert.equal(status.needs?.key, 'intercept.reverseProxy');
    const result = await core.call('intercept.launch', { browserId: status.browsers[0]!.id });
    assert.equal(result.message?.key, 'intercept.reverseProxy');
    assert.equal(result.launched, null);
    assert.equal((await core.call('snapshot', {})).settings.upstream, 'http://127.0.0.1:9');
  } finally {
    await core.close();
  }
});

test('no display and not headless: one sentence, and the server is left as it was', async () => {
  const bin = join(home, 'bin-nodisplay');
  mkdirSync(bin);
  script(join(bin, 'chromium'), 'exit 0');
  const core = await createCore({
    home: join(home, 'nodisplay-core'),
    settings: { port: 0 },
    intercept: { env: { PATH: bin }, platform: 'linux' },
  });
  try {
    await core.call('server.start', {});
    const status = await core.call('intercept.status', {});
    const result = await core.call('intercept.launch', { browserId: status.browsers[0]!.id });
    assert.equal(result.message?.key, 'intercept.noDisplay');
    assert.equal(result.launched, null);
    assert.notEqual((await core.call('snapshot', {})).settings.proxy, true);
  } finally {
    await core.close();
  }
});

test('a real headless Firefox: its HTTPS request arrives decrypted, its own profile untouched', async (t) => {
  const firefox = installedFirefoxOrSkip(t);
  if (firefox === null) return;
  const originCa = await LocalCa.open(join(home, 'ff-origin-ca'));
  const site = createHttps(await originCa.leafFiles('127.0.0.1'), (req, res) =>
    res.end(`<p>firefox reached ${req.url}</p>`),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  const port = (site.address() as { port: number }).port;
  const ffHome = join(home, 'ff-home');
  mkdirSync(ffHome);
  const core = await createCore({
    home: join(home, 'ff-core'),
    settings: { port: 0 },
    intercept: { headless: true, env: { ...process.env, HOME: ffHome } },
  });
  try {
    await core.call('server.start', { insecureHosts: ['127.0.0.1'] });
    const result = await core.call('intercept.launch', {
      browserId: firefox.id,
      url: `https://127.0.0.1:${port}/from-firefox`,
    });
    assert.equal(result.message, null);
    assert.ok(result.launched);
    await until(
      async () =>
        (await core.call('exchanges.rows', { from: 0, count: 200 })).rows.some(
          (row) => row.target === '/from-firefox' && row.status === 200,
        ),
      'the decrypted request from Firefox',
      60_000,
    );
    await core.call('intercept.close', { launchId: result.launched.launchId });
  } finally {
    await core.close();
    site.close();
  }
});
