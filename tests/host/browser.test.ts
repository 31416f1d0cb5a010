// `socketscope browser`: the browser is found (SOCKETSCOPE_BROWSER first), started with a fresh
// profile and the proxy, loopback and SPKI flags, and the command ends when the browser does.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserArgs, findBrowser } from '../../src-main/host/browser';
import { LocalCa } from '../../src-main/capture/ca';

const home = mkdtempSync(join(tmpdir(), 'socketscope-browser-test-'));
after(() => rmSync(home, { recursive: true, force: true }));

test('findBrowser takes SOCKETSCOPE_BROWSER, else searches PATH, else null', () => {
  const fake = join(home, 'chromium');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);
  assert.equal(findBrowser('linux', { SOCKETSCOPE_BROWSER: fake }), fake);
  assert.equal(findBrowser('linux', { PATH: home }), fake);
  assert.equal(findBrowser('linux', { PATH: join(home, 'nowhere') }), null);
});

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

test('socketscope browser starts the browser through an intercepting proxy and ends with it', async () => {
  const record = join(home, 'args.txt');
  const fake = join(home, 'fake-browser');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
  chmodSync(fake, 0o755);
  const data = join(home, 'data');
  const code = await new Promise<number | null>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src-main/host/cli.ts', 'browser', 'http://example.test/start'],
      {
        env: { ...process.env, SOCKETSCOPE_HOME: data, SOCKETSCOPE_BROWSER: fake },
        timeout: 30_000,
      },
    );
    child.once('exit', (exit) => resolve(exit));
  });
  assert.equal(code, 0);
  const args = readFileSync(record, 'utf8').trim().split('\n');
  assert.match(
    args.find((arg) => arg.startsWith('--proxy-server='))!,
    /^--proxy-server=http:\/\/127\.0\.0\.1:\d+$/,
  );
  assert.ok(args.includes('--proxy-bypass-list=<-loopback>'));
  const ca = await LocalCa.open(join(data, 'ca'));
  const spki = args.find((arg) => arg.startsWith('--ignore-certificate-errors-spki-list='))!;
  assert.ok(spki.includes(ca.spki), 'the CA made in the data folder is the one accepted');
  assert.ok(args.some((arg) => arg.startsWith('--user-data-dir=')));
  assert.equal(args.at(-1), 'http://example.test/start');
});
