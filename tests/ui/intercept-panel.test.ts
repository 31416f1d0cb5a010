// The Intercept tab against the real web host and Core: the terminal's lines name the real port
// and CA path (in English and in Chinese) and copy as shown; the button turns the forward proxy
// with interception on and starts Debian's Chromium (headless) through it, whose HTTPS request
// arrives decrypted in the list; the browser is closed from the panel. Then a passthrough tunnel
// is listed as a tunnel with its bytes each way, and its detail shows them in hex.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer as createHttps, type Server } from 'node:https';
import { join } from 'node:path';
import { LocalCa } from '../../src-main/capture/ca';
import { chromiumPath, eventually, missingPrerequisite, startUi, type UiHarness } from './helpers';

const missing = missingPrerequisite();
if (missing) console.log(`# UI tests skipped: ${missing}`);

let ui: UiHarness;
let site: Server;
let sitePort = 0;

before(async () => {
  if (missing) return;
  ui = await startUi({ intercept: { headless: true } });
  const ca = await LocalCa.open(join(ui.home, 'origin-ca'));
  site = createHttps(await ca.leafFiles('127.0.0.1'), (req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<title>reached</title><p>the origin saw ${req.url}</p>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  sitePort = (site.address() as { port: number }).port;
});

after(async () => {
  site?.closeAllConnections();
  site?.close();
  await ui?.close();
});

test(
  'the panel in both languages: the real port and CA path, copied as shown',
  { skip: missing ?? false },
  async () => {
    const { page, core, home } = ui;
    // A plain server (not yet a proxy): the panel says what starting a browser turns on.
    const state = await core.call('server.start', { insecureHosts: ['127.0.0.1'] });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('main-tab-intercept').click();
    const caPath = join(home, 'ca', 'ca-cert.pem');
    const lines = page.getByTestId('terminal-lines');
    await lines.waitFor();
    const text = (await lines.textContent()) ?? '';
    assert.ok(text.includes(`export HTTPS_PROXY=http://127.0.0.1:${state.port}`), text);
    assert.ok(text.includes(`export NODE_EXTRA_CA_CERTS=${caPath}`), text);
    for (const name of ['HTTP_PROXY', 'SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
      assert.ok(text.includes(`export ${name}=`), name);
    assert.match(
      (await page.getByTestId('intercept-needs').textContent()) ?? '',
      /turns on the forward proxy/,
    );
    await page.getByTestId('shell-powershell').click();
    const ps = (await lines.textContent()) ?? '';
    assert.ok(ps.includes(`$env:HTTPS_PROXY = 'http://127.0.0.1:${state.port}'`), ps);
    assert.ok(ps.includes(`$env:CURL_CA_BUNDLE = '${caPath}'`), ps);
    await page.getByTestId('terminal-copy').click();
    await page.getByTestId('terminal-copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ps);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await page.getByRole('heading', { name: '拦截浏览器' }).waitFor();
    await page.getByRole('heading', { name: '拦截终端' }).waitFor();
    assert.match(
      (await page.getByTestId('intercept-launch').textContent()) ?? '',
      /打开代理并启动/,
    );
    assert.ok(((await lines.textContent()) ?? '').includes(`127.0.0.1:${state.port}`));
    assert.ok(((await page.getByTestId('terminal-ca').textContent()) ?? '').includes(caPath));
    await page.getByTestId('lang-switch').selectOption('en');
    await page.getByRole('heading', { name: 'Intercept a browser' }).waitFor();
    await page.getByTestId('shell-posix').click();
  },
);

test(
  "the button starts Debian's Chromium through the proxy; its HTTPS request arrives decrypted",
  { skip: missing ?? false, timeout: 90_000 },
  async () => {
    const { page, core } = ui;
    const before = await core.call('snapshot', {});
    await page.getByTestId('intercept-browser').selectOption(chromiumPath);
    assert.match(
      (await page.getByTestId('intercept-launch').textContent()) ?? '',
      /Turn on the proxy and start Chromium/,
    );
    await page.getByTestId('intercept-url').fill(`https://127.0.0.1:${sitePort}/from-the-button`);
    await page.getByTestId('intercept-launch').click();
    await page.getByTestId('launched-browser').waitFor({ timeout: 20_000 });
    await page.getByTestId('intercept-ready').waitFor();
    const { settings, server } = await core.call('snapshot', {});
    assert.equal(settings.proxy, true);
    assert.equal(settings.intercept, true);
    assert.equal(server.port, before.server.port, 'the same port');
    // The server bar follows: its switches show the modes the server now has.
    assert.equal(await page.getByTestId('server-forward-proxy').isChecked(), true);
    assert.equal(await page.getByTestId('server-intercept').isChecked(), true);

    await page.getByTestId('main-tab-inspector').click();
    const row = page.getByTestId('connection-row').filter({ hasText: '/from-the-button' });
    await row.first().waitFor({ timeout: 45_000 });
    const found = await eventually(async () => {
      const { rows } = await core.call('exchanges.rows', { from: 0, count: 500 });
      return rows.find((r) => r.target === '/from-the-button' && r.status === 200);
    }, 'the decrypted request answered');
    assert.match(found.connectionId, /\.tls$/);
    // The CONNECT whose tunnel carried it is listed as a decrypted tunnel (Chromium may open
    // other tunnels to the same host that it never uses: those stay plain tunnels).
    const outer = found.connectionId.replace(/\.tls$/, '');
    const tunnelMark = page
      .locator(`[data-testid=connection-row][data-exchange-id="${outer}#0"]`)
      .getByTestId('row-tunnel');
    await tunnelMark.waitFor();
    assert.match((await tunnelMark.textContent()) ?? '', /^tunnel, decrypted · ↑ /);

    await page.getByTestId('main-tab-intercept').click();
    await page.getByTestId('launched-close').click();
    await page.getByTestId('intercept-none-launched').waitFor({ timeout: 10_000 });
    assert.deepEqual((await core.call('intercept.status', {})).launched, []);
  },
);

test(
  'a passthrough tunnel: listed with its bytes each way, its detail in hex and explained',
  { skip: missing ?? false, timeout: 60_000 },
  async () => {
    const { page, core } = ui;
    const state = await core.call('server.start', { passthroughHosts: ['127.0.0.1'] });
    const since = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'curl',
        [
          '-sS',
          '-k',
          '--max-time',
          '10',
          '-x',
          `http://127.0.0.1:${state.port}`,
          `https://127.0.0.1:${sitePort}/passed`,
        ],
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    assert.match(out, /the origin saw \/passed/);
    const connectRow = await eventually(async () => {
      const { rows } = await core.call('exchanges.rows', { from: 0, count: 500 });
      return rows.find(
        (r) =>
          r.method === 'CONNECT' &&
          r.startedAt >= since &&
          r.tunnel &&
          !r.tunnel.intercepted &&
          r.tunnel.closedAt,
      );
    }, 'the closed passthrough tunnel');
    const tunnel = connectRow.tunnel!;
    assert.ok(tunnel.bytesUp > 0 && tunnel.bytesDown > 0);

    await page.getByTestId('main-tab-inspector').click();
    const row = page.locator(
      `[data-testid=connection-row][data-exchange-id="${connectRow.exchangeId}"]`,
    );
    await row.waitFor();
    const mark = row.getByTestId('row-tunnel');
    await eventually(
      async () =>
        (await mark.getAttribute('data-bytes-down')) === String(tunnel.bytesDown)
          ? true
          : undefined,
      'the row to show the final byte counts',
    );
    assert.equal(await mark.getAttribute('data-bytes-up'), String(tunnel.bytesUp));
    assert.match(
      (await mark.textContent()) ?? '',
      /^tunnel · ↑ .+ ↓ .+ · .+ · closed by the (client|server)$/,
    );
    await row.click();
    const view = page.getByTestId('tunnel-view');
    await view.waitFor();
    assert.match((await page.getByTestId('tunnel-explain').textContent()) ?? '', /encrypted/);
    assert.equal(
      await page.getByTestId('tunnel-up').getAttribute('data-bytes'),
      String(tunnel.bytesUp),
    );
    const hexUp = page.getByTestId('tunnel-hex-up');
    await eventually(
      async () =>
        ((await hexUp.textContent()) ?? '').startsWith('0000  16 03 01') ? true : undefined,
      'the ClientHello in hex',
    );
    const hexDown = (await page.getByTestId('tunnel-hex-down').textContent()) ?? '';
    assert.match(hexDown, /^0000 {2}16 03 0[13]/);
    // Bounded: no more hex lines than the shown bytes make.
    assert.ok(hexDown.split('\n').length <= 512 / 16);

    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await view.getByText('到 127.0.0.1').waitFor();
    assert.match((await mark.textContent()) ?? '', /^隧道 · /);
    await page.getByTestId('lang-switch').selectOption('en');
  },
);
