// A data folder Socketscope cannot use stops `socketscope serve` and the web host at start with
// one sentence that says what happened, where and what to do: no stack trace, exit status 1. A
// broken saved rules file does not stop serve, which says so and leaves the file as it is.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const work = mkdtempSync(join(tmpdir(), 'socketscope-start-errors-'));
after(() => rmSync(work, { recursive: true, force: true }));

const ENTRIES: Record<string, string[]> = {
  'socketscope serve': ['bin/socketscope.mjs', 'serve', '--port', '0'],
  'the web host': ['--import', 'tsx', 'src-main/host/web-main.ts'],
};

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an entry point to its end (bounded: a start that does not fail is killed). */
function run(args: string[], home: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: {
        ...process.env,
        SOCKETSCOPE_HOME: home,
        SOCKETSCOPE_PORT: '0',
        SOCKETSCOPE_UI_PORT: '0',
        SOCKETSCOPE_NO_BROWSER: '1',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 20 s:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertOneSentence(ran: Ran, expected: RegExp, where: string): void {
  assert.equal(ran.code, 1, `exit status\n${ran.stderr}`);
  const lines = ran.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${ran.stderr}`);
  const line = lines[0] ?? '';
  assert.match(line, expected);
  assert.ok(line.includes(where), `"${line}" names ${where}`);
  assert.doesNotMatch(ran.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(line, /\bE[A-Z]{3,}\b/, 'no bare errno');
  assert.equal(ran.stdout.trim(), '', 'nothing claims to be listening');
}

for (const [name, args] of Object.entries(ENTRIES)) {
  test(`${name}: a file where the data folder should be`, async () => {
    const home = join(work, `file-${name.replace(/\W+/g, '-')}`);
    writeFileSync(home, 'not a folder');
    const ran = await run(args, home);
    assertOneSentence(ran, /is a file, but Socketscope needs a folder there: move or rename/, home);
  });
}

test('a read-only data folder (read-only tmpfs)', async (t) => {
  if (process.getuid?.() !== 0) {
    t.diagnostic('skipped: mounting a read-only tmpfs needs root (chmod does not stop root)');
    console.log('# read-only data folder: skipped, not root');
    return;
  }
  const mountPoint = join(work, 'ro');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint]);
  } catch {
    console.log('# read-only data folder: skipped, mount -t tmpfs is not allowed here');
    return;
  }
  try {
    for (const args of Object.values(ENTRIES)) {
      const ran = await run(args, join(mountPoint, 'Socketscope'));
      assertOneSentence(ran, /is read-only or you lack permission: make it writable/, mountPoint);
    }
  } finally {
    execFileSync('umount', [mountPoint]);
  }
});

test('socketscope serve says at start that the saved rules file is broken, and leaves it as it is', async () => {
  const home = join(work, 'broken-rules');
  mkdirSync(home);
  const broken = '{\n  "rules": [\n    { "id": "a", }\n  ]\n}\n';
  writeFileSync(join(home, 'rules.json'), broken);
  const child = spawn(process.execPath, ENTRIES['socketscope serve'] ?? [], {
    env: { ...process.env, SOCKETSCOPE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const end = Date.now() + 20_000;
    while (!stdout.includes('Listening on')) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(`serve did not start:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match(
      stderr,
      /^socketscope: The rules file .*rules\.json cannot be used \(line 3, column 18:/m,
    );
    assert.match(stderr, /left untouched/);
  } finally {
    child.kill('SIGTERM');
    await closed;
  }
  assert.equal(readFileSync(join(home, 'rules.json'), 'utf8'), broken);
});
