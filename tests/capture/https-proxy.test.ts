// HTTPS interception: the local CA is made on first use (its key readable by the user only),
// curl trusts it with --cacert, the CONNECT tunnel is decrypted, captured on its own connection
// and re-encrypted to a Node https upstream whose certificate is verified (or, per host, not);
// excluded hosts pass as plain tunnels.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttps, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCa } from '../../src-main/capture/ca';
import { browserArgs } from '../../src-main/host/browser';
import { findBrowsers } from '../../src-main/host/intercept-launch';
import { startServer, waitFor } from './helpers';
import { startServe } from './serve-child';
import { skipBecause } from '../skip';

const home = mkdtempSync(join(tmpdir(), 'socketscope-https-'));
after(() => rmSync(home, { recursive: true, force: true }));

function curl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '-S', '--max-time', '15', ...args], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** An https origin on 127.0.0.1 whose certificate comes from a CA of its own (not trusted). */
async function origin(): Promise<{ server: Server; port: number; ca: LocalCa }> {
  const ca = await LocalCa.open(join(home, 'origin-ca'));
  const { key, cert } = await ca.leafFiles('127.0.0.1');
  const server = createHttps({ key, cert }, (request, res) => {
    request.resume();
    request.on('end', () => res.end(`secret for ${request.url}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port, ca };
}

test('the CA is made once in its folder, its key readable by the user only', async () => {
  const dir = join(home, 'ca-once');
  const first = await LocalCa.open(dir);
  assert.equal(statSync(first.keyPath).mode & 0o777, 0o600);
  const again = await LocalCa.open(dir);
  assert.equal(again.spki, first.spki);
  assert.match(first.spki, /^[A-Za-z0-9+/]{43}=$/);
  const renewed = await LocalCa.open(dir, true);
  assert.notEqual(renewed.spki, first.spki);
});

test('two first uses at once (the Intercept tab and a server start) get one and the same CA', async () => {
  const dir = join(home, 'ca-race');
  const opened = await Promise.all([LocalCa.open(dir), LocalCa.open(dir), LocalCa.open(dir)]);
  const onDisk = await LocalCa.open(dir);
  for (const ca of opened) assert.equal(ca.spki, onDisk.spki);
  assert.deepEqual(
    readdirSync(dir).sort(),
    ['ca-cert.pem', 'ca-key.pem'],
    'no temporary file left',
  );
});

test('curl --cacert through the proxy: decrypted, captured and re-encrypted', async () => {
  const site = await origin();
  const caDir = join(home, 'proxy-ca');
  const proxy = await startServer({
    settings: { proxy: true, intercept: true, insecureHosts: ['127.0.0.1'] },
    caDir,
  });
  try {
    const out = await curl([
      '--cacert',
      join(caDir, 'ca-cert.pem'),
      '-x',
      `http://127.0.0.1:${proxy.port}`,
      `https://127.0.0.1:${site.port}/private?x=1`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'secret for /private?x=1');
    const outer = await proxy.connectionId(0);
    const inner = `${outer}.tls`;
    await waitFor(() => proxy.of('response', inner).length === 1, 5000, 'decrypted response');
    assert.equal(proxy.of('request', outer)[0]!.head.method, 'CONNECT');
    assert.equal(proxy.of('request', inner)[0]!.head.target, '/private?x=1');
    const opened = proxy.of('connectionOpen', inner)[0]!;
    assert.equal(opened.remoteAddress, '127.0.0.1');
    assert.equal(opened.remotePort, proxy.of('connectionOpen', outer)[0]!.remotePort);
    assert.equal(proxy.of('response', inner)[0]!.head?.status, 200);
    assert.match(proxy.stream(inner, 'out').toString('latin1'), /secret for \/private\?x=1$/);
    // The outer connection holds the encrypted bytes, never the plain text.
    assert.doesNotMatch(proxy.stream(outer, 'out').toString('latin1'), /secret for/);
  } finally {
    await proxy.stop();
    site.server.closeAllConnections();
    site.server.close();
  }
});

test('an upstream certificate that does not verify gives 502; excluded hosts pass untouched', async () => {
  const site = await origin();
  const caDir = join(home, 'proxy-ca');
  const strict = await startServer({ settings: { proxy: true, intercept: true }, caDir });
  const passing = await startServer({
    settings: { proxy: true, intercept: true, passthroughHosts: ['127.0.0.1'] },
    caDir,
  });
  try {
    const url = `https://127.0.0.1:${site.port}/`;
    const cacert = join(caDir, 'ca-cert.pem');
    const refused = await curl([
      '-i',
      '--cacert',
      cacert,
      '-x',
      `http://127.0.0.1:${strict.port}`,
      url,
    ]);
    assert.match(refused.stdout, /HTTP\/1\.1 502 [^]*UPSTREAM_TLS/);
    // Passed through: curl sees the origin's own certificate, so it must trust the origin's CA.
    const originCa = join(home, 'origin-ca', 'ca-cert.pem');
    const through = await curl([
      '--cacert',
      originCa,
      '-x',
      `http://127.0.0.1:${passing.port}`,
      url,
    ]);
    assert.equal(through.code, 0, through.stderr);
    assert.equal(through.stdout, 'secret for /');
    const id = await passing.connectionId(0);
    await passing.closed(id);
    assert.equal(passing.of('connectionOpen').length, 1, 'no decrypted connection');
    assert.doesNotMatch(passing.stream(id, 'out').toString('latin1'), /secret for/);
  } finally {
    await strict.stop();
    await passing.stop();
    site.server.closeAllConnections();
    site.server.close();
  }
});

test('Chromium with the SPKI flag loads an intercepted https page', async (t) => {
  const chromium = findBrowsers().find((browser) => browser.family === 'chromium')?.path;
  if (chromium === undefined) {
    skipBecause(t, 'no Chromium-family browser is installed (apt-get install -y chromium)');
    return;
  }
  const site = await origin();
  const caDir = join(home, 'proxy-ca');
  const proxy = await startServer({
    settings: { proxy: true, intercept: true, insecureHosts: ['127.0.0.1'] },
    caDir,
  });
  const profileDir = mkdtempSync(join(home, 'profile-'));
  try {
    const ca = await LocalCa.open(caDir);
    const args = browserArgs({
      proxy: `127.0.0.1:${proxy.port}`,
      spki: [ca.spki],
      profileDir,
      headless: true,
      url: `https://127.0.0.1:${site.port}/page`,
    });
    // --dump-dom prints the page and exits; root needs --no-sandbox.
    const dom = await new Promise<string>((resolve) => {
      execFile(
        chromium,
        ['--no-sandbox', '--disable-gpu', '--dump-dom', ...args],
        { timeout: 30_000 },
        (_error, stdout) => resolve(stdout),
      );
    });
    assert.match(dom, /secret for \/page/);
    // Chromium may send requests of its own first: the page's is the CONNECT to the origin.
    const connect = proxy
      .of('request')
      .find(
        (event) => event.head.method === 'CONNECT' && event.head.target.endsWith(`:${site.port}`),
      );
    assert.ok(connect, 'the page came through a CONNECT');
    const decrypted = proxy.of('request', `${connect.connectionId}.tls`);
    assert.ok(decrypted.some((event) => event.head.target === '/page'));
  } finally {
    await proxy.stop();
    site.server.closeAllConnections();
    site.server.close();
  }
});

test('serve --proxy --intercept verifies the upstream against NODE_EXTRA_CA_CERTS; ca --spki', async () => {
  const site = await origin();
  const cliHome = mkdtempSync(join(home, 'cli-'));
  const env = { ...process.env, SOCKETSCOPE_HOME: cliHome };
  const serve = await startServe(['--json', '--quiet', '--port', '0', '--proxy', '--intercept'], {
    home: cliHome,
    env: { NODE_EXTRA_CA_CERTS: join(home, 'origin-ca', 'ca-cert.pem') },
  });
  try {
    const { port } = serve;
    const cacert = join(cliHome, 'ca', 'ca-cert.pem');
    const out = await curl([
      '--cacert',
      cacert,
      '-x',
      `http://127.0.0.1:${port}`,
      `https://127.0.0.1:${site.port}/v`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'secret for /v');
    const spki = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src-main/host/cli.ts', 'ca', '--spki'],
        { env },
        (_e, stdout) => resolve(stdout.trim()),
      ),
    );
    assert.equal(spki, (await LocalCa.open(join(cliHome, 'ca'))).spki);
  } finally {
    await serve.stop();
    site.server.closeAllConnections();
    site.server.close();
  }
});

test('a 50 MiB https response through the interception, to a slow client, stays under 200 MB', async () => {
  const SIZE = 50 * 1024 * 1024;
  const ca = await LocalCa.open(join(home, 'origin-ca'));
  const { key, cert } = await ca.leafFiles('127.0.0.1');
  const piece = Buffer.alloc(64 * 1024, 'q');
  const site = createHttps({ key, cert }, (_request, res) => {
    res.setHeader('Content-Length', String(SIZE));
    let sent = 0;
    const pump = (): void => {
      while (sent < SIZE) {
        sent += piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  const sitePort = (site.address() as { port: number }).port;
  const cliHome = mkdtempSync(join(home, 'big-'));
  const serve = await startServe(
    ['--json', '--quiet', '--port', '0', '--proxy', '--intercept', '--insecure-host', '127.0.0.1'],
    { home: cliHome },
  );
  try {
    const { port } = serve;
    const out = await curl([
      '--max-time',
      '60',
      '--limit-rate',
      '25M',
      '-o',
      '/dev/null',
      '-w',
      '%{size_download}',
      '--cacert',
      join(cliHome, 'ca', 'ca-cert.pem'),
      '-x',
      `http://127.0.0.1:${port}`,
      `https://127.0.0.1:${sitePort}/big`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(Number(out.stdout), SIZE);
    const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
    const peakMb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) / 1024;
    console.log(`core peak RSS after a 50 MiB intercepted response: ${peakMb.toFixed(1)} MB`);
    assert.ok(peakMb < 200, `peak RSS ${peakMb} MB`);
  } finally {
    await serve.stop();
    site.closeAllConnections();
    site.close();
  }
});
