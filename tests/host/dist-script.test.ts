// npm run dist's wrapper around electron-builder: a download the network does not allow becomes
// one sentence (what could not be downloaded, why, what to do); other output passes through.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { downloadFailure, runBuilder } from '../../scripts/dist.mjs';

// The tail of a real run without network (electron-builder 26.17, Electron 45.4.1).
const OFFLINE = `  • electron-builder  version=26.17.0 os=6.18.44
  • loaded configuration  file=/work/main/electron.config.ts
  • installing native dependencies  arch=x64
  • completed installing native dependencies
  • packaging       platform=linux arch=x64 electron=45.4.1 appOutDir=release/linux-unpacked
  ⨯ getaddrinfo ENOTFOUND github.com  failedTask=build stackTrace=RequestError: getaddrinfo ENOTFOUND github.com
    at ClientRequest.<anonymous> (/work/main/node_modules/got/dist/source/core/index.js:970:111)
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
`;

test('Electron that cannot be downloaded is one sentence with the cause and what to do', () => {
  assert.equal(
    downloadFailure(OFFLINE),
    'Electron 45.4.1 for linux-x64 could not be downloaded (getaddrinfo ENOTFOUND github.com): connect to the internet, or set ELECTRON_MIRROR to a mirror this machine can reach, then run npm run dist again.',
  );
});

test('a tool that cannot be downloaded is named by the step; other failures are not downloads', () => {
  const tool = `  • building        target=AppImage arch=x64 file=release/Socketscope-0.1.0.AppImage
  ⨯ connect ETIMEDOUT 140.82.121.4:443  failedTask=build
`;
  assert.equal(
    downloadFailure(tool),
    'electron-builder could not download a tool it needs while building (ETIMEDOUT 140.82.121.4:443): connect to the internet, or set ELECTRON_BUILDER_BINARIES_MIRROR to a mirror this machine can reach, then run npm run dist again.',
  );
  assert.equal(
    downloadFailure('  ⨯ Application entry file "dist/main/main.js" does not exist\n'),
    null,
  );
  assert.equal(downloadFailure('  • packaging platform=linux arch=x64 electron=45.4.1\n'), null);
});

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

const fake = (script: string) => ['-e', script];

test('a run that fails to download prints its progress, then the sentence alone', async () => {
  const out = sink();
  const err = sink();
  const lines = OFFLINE.split('\n');
  const script = `process.stdout.write(${JSON.stringify(lines.slice(0, 5).join('\n') + '\n')});
    process.stderr.write(${JSON.stringify(lines.slice(5).join('\n'))}); process.exit(1);`;
  const code = await runBuilder(process.execPath, fake(script), {
    stdout: out.stream,
    stderr: err.stream,
  });
  assert.equal(code, 1);
  assert.match(out.text(), /packaging\s+platform=linux/);
  assert.equal(err.text(), `npm run dist: ${downloadFailure(OFFLINE)}\n`);
});

test('other failures pass through whole, with their exit code; a success passes through', async () => {
  const out = sink();
  const err = sink();
  const failing = await runBuilder(
    process.execPath,
    fake(`console.log('  • packaging'); console.log('  ⨯ something else broke'); process.exit(3)`),
    { stdout: out.stream, stderr: err.stream },
  );
  assert.equal(failing, 3);
  assert.equal(out.text(), '  • packaging\n');
  assert.equal(err.text(), '  ⨯ something else broke\n');
  const done = sink();
  const ok = await runBuilder(process.execPath, fake(`console.log('  • done')`), {
    stdout: done.stream,
    stderr: err.stream,
  });
  assert.equal(ok, 0);
  assert.equal(done.text(), '  • done\n');
});
