import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = ['--import', 'tsx', 'src-main/host/cli.ts'];
const home = mkdtempSync(join(tmpdir(), 'socketscope-cli-'));
const env = { ...process.env, SOCKETSCOPE_HOME: home, FORCE_COLOR: '0' };
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  lines: string[];
  port: number;
  waitFor(predicate: (line: string) => boolean, what: string): Promise<string>;
  exit(): Promise<number | null>;
}

async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', ...args], { env });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const waitFor = async (predicate: (line: string) => boolean, what: string): Promise<string> => {
    const end = Date.now() + 15_000;
    for (;;) {
      const found = lines.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(`no ${what} in:\n${lines.join('\n')}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const first = await waitFor((line) => /127\.0\.0\.1:\d+/.test(line), 'listening line');
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(first)?.[1]);
  return { child, lines, port, waitFor, exit: () => exited };
}

function run(
  args: string[],
  input?: Buffer | string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI, ...args],
      { env, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

function rawSend(port: number, bytes: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

function curl(url: string, extra: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/curl',
      ['-s', '--http1.1', ...extra, url],
      { timeout: 10_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

type Json = Record<string, unknown>;

test("serve --json prints each response's deviations: tutorial-exact, and a raw rule cut short", async () => {
  const rulesFile = join(home, 'deviation-rules.json');
  const raw = 'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\nshort';
  writeFileSync(
    rulesFile,
    JSON.stringify({
      version: 1,
      rules: [
        {
          id: 'cut',
          enabled: true,
          name: 'cut',
          match: { method: 'GET', path: '/cut', mode: 'exact' },
          response: { kind: 'raw', base64: Buffer.from(raw).toString('base64') },
          delayMs: 0,
        },
      ],
    }),
  );
  const served = await serve(['--json', '--tutorial-exact', '--rules', rulesFile]);
  try {
    const responses = (): Json[] =>
      served.lines.map((l) => JSON.parse(l) as Json).filter((e) => e.type === 'response');
    await rawSend(served.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await served.waitFor((l) => l.includes('"type":"response"'), 'tutorial response');
    const [page] = responses();
    const spans = (e: Json | undefined): string[] =>
      (
        (e?.deviations ?? []) as { code: string; offset: number; length: number; rfc: string }[]
      ).map((d) => `${d.code}@${d.offset}+${d.length} ${d.rfc}`);
    assert.deepEqual(spans(page).slice(0, 4), [
      'MALFORMED_VERSION@0+8 RFC 9112 §2.3',
      'BARE_LF@15+1 RFC 9112 §2.2',
      'BARE_LF@39+1 RFC 9112 §2.2',
      'BARE_LF@40+1 RFC 9112 §2.2',
    ]);
    assert.match(spans(page)[4] ?? '', /^CLOSE_DELIMITED@41\+\d+ RFC 9110 §8\.6$/);
    assert.equal(page?.status, 200);
    assert.deepEqual(page?.ending, { state: 'complete', missing: null });

    await rawSend(served.port, 'GET /cut HTTP/1.1\r\nHost: x\r\n\r\n');
    await served.waitFor((l) => l.includes('"ruleId":"cut"'), 'raw rule response');
    const cut = responses().find((e) => e.ruleId === 'cut');
    assert.deepEqual(spans(cut), ['CONTENT_LENGTH_TOO_LARGE@58+2 RFC 9112 §6.3']);
    assert.deepEqual(cut?.ending, { state: 'truncated', missing: 15 });
    assert.equal(cut?.status, 200, "the raw bytes' status, as a browser reads it");
  } finally {
    served.child.kill('SIGTERM');
    await served.exit();
  }
});

test('serve --json prints NDJSON events, flushes on SIGTERM, and the session exports as HAR', async () => {
  const sessionDir = join(home, 'sessions', 'cli-json');
  const served = await serve(['--json', '--session', sessionDir]);
  const listening = JSON.parse(served.lines[0]) as Json;
  const whileServing = await run(['sessions']);
  assert.match(whileServing.stdout, /cli-json .*\(recording\)/);
  assert.equal(listening.type, 'listening');
  assert.equal(listening.url, `http://127.0.0.1:${served.port}/`);

  await curl(`http://127.0.0.1:${served.port}/hello?x=1`, [
    '-H',
    'X-Test: yes',
    '--data-binary',
    'body!',
  ]);
  const request = JSON.parse(
    await served.waitFor((l) => l.includes('"type":"request"'), 'request'),
  ) as Json;
  assert.equal(request.method, 'POST');
  assert.equal(request.target, '/hello?x=1');
  assert.equal(request.version, 'HTTP/1.1');
  assert.ok(
    (request.headers as [string, string][]).some(([n, v]) => n === 'X-Test' && v === 'yes'),
  );
  assert.equal(Buffer.from(String(request.bodyBase64), 'base64').toString(), 'body!');
  const id = request.connectionId;
  const events = () =>
    served.lines.map((l) => JSON.parse(l) as Json).filter((e) => e.connectionId === id);
  await served.waitFor((l) => l.includes('"type":"close"') && l.includes(String(id)), 'close');
  const types = events().map((e) => e.type);
  assert.equal(types[0], 'open');
  assert.ok(types.includes('response'));
  const inbound = Buffer.concat(
    events()
      .filter((e) => e.type === 'data' && e.direction === 'in')
      .map((e) => Buffer.from(String(e.base64), 'base64')),
  );
  assert.match(inbound.toString(), /^POST \/hello\?x=1 HTTP\/1\.1\r\n[\s\S]*\r\n\r\nbody!$/);
  assert.ok(events().some((e) => e.type === 'data' && e.direction === 'out'));

  await rawSend(served.port, 'hello there\n');
  const error = JSON.parse(
    await served.waitFor((l) => l.includes('"type":"error"'), 'error'),
  ) as Json;
  assert.equal(error.code, 'INVALID_VERSION');
  assert.equal(error.status, 400);
  assert.equal(typeof error.offset, 'number');
  assert.equal(typeof error.reason, 'string');

  served.child.kill('SIGTERM');
  assert.equal(await served.exit(), 0);

  const exported = await run(['export', '--har', sessionDir]);
  assert.equal(exported.code, 0, exported.stderr);
  const har = JSON.parse(exported.stdout) as { log: { entries: { request: { url: string } }[] } };
  assert.ok(har.log.entries.some((e) => e.request.url.endsWith('/hello?x=1')));
  assert.ok(har.log.entries.length >= 2);

  const byId = await run(['export', '--har', 'cli-json']);
  assert.equal(byId.stdout, exported.stdout);
  const sessions = await run(['sessions']);
  assert.match(sessions.stdout, /cli-json/);
  assert.doesNotMatch(sessions.stdout, /recording/);
});

test('serve says under its listening line what a proxy mode does and how to point a client at it', async () => {
  const forward = await serve(['--proxy', '--intercept']);
  await forward.waitFor((l) => l.startsWith('Press Ctrl-C'), 'the last line');
  assert.ok(
    forward.lines.includes(
      `Forward proxy: send clients through http://127.0.0.1:${forward.port} (HTTP_PROXY, HTTPS_PROXY, a browser's proxy setting).`,
    ),
    forward.lines.join('\n'),
  );
  const https = forward.lines.find((l) => l.startsWith('HTTPS is decrypted'));
  assert.ok(https?.includes(join(home, 'ca', 'ca-cert.pem')), https);
  assert.ok(https?.endsWith(`eval "$(socketscope ca --env --port ${forward.port})"`), https);
  forward.child.kill('SIGTERM');
  assert.equal(await forward.exit(), 0);

  const tunnels = await serve(['--proxy']);
  await tunnels.waitFor((l) => l.startsWith('HTTPS passes through as tunnels'), 'tunnel line');
  tunnels.child.kill('SIGTERM');
  await tunnels.exit();

  const reverse = await serve(['--upstream', 'http://127.0.0.1:9', '--rewrite-host']);
  await reverse.waitFor(
    (l) =>
      l ===
      "Reverse proxy: each request goes on to http://127.0.0.1:9, its Host set to the upstream's.",
    'reverse proxy line',
  );
  reverse.child.kill('SIGTERM');
  await reverse.exit();

  const plain = await serve([]);
  await plain.waitFor((l) => l.startsWith('Press Ctrl-C'), 'the last line');
  assert.equal(plain.lines.length, 2, plain.lines.join('\n'));
  plain.child.kill('SIGTERM');
  await plain.exit();
});

test('serve prints a readable log, and replay prints the parsed response', async () => {
  const served = await serve([]);
  assert.match(served.lines[0], /^Listening on http:\/\/127\.0\.0\.1:\d+\//);
  await curl(`http://127.0.0.1:${served.port}/readable`);
  await served.waitFor((l) => /→ GET \/readable HTTP\/1\.1/.test(l), 'request line');
  await served.waitFor((l) => /← 404 Not Found|← 200 OK/.test(l), 'response line');
  assert.ok(!served.lines.some((l) => l.includes('\u001b[')), 'no colours when not a TTY');

  const text = await run(
    ['replay', '--to', `127.0.0.1:${served.port}`, '-'],
    'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
  );
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^HTTP\/1\.1 200 OK\n/);
  assert.match(text.stdout, /<img src="test\.jpg"/);

  const file = join(home, 'request.bin');
  writeFileSync(file, 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n');
  const json = await run(['replay', '--json', '--to', `127.0.0.1:${served.port}`, file]);
  const result = JSON.parse(json.stdout) as {
    ok: boolean;
    responses: { status: number; bodyBase64: string }[];
  };
  assert.equal(result.ok, true);
  assert.equal(result.responses[0].status, 200);
  assert.equal(result.responses[0].bodyBase64, '');

  const notHttp = await run(['replay', '--to', `127.0.0.1:${served.port}`, '-'], 'hello\n');
  assert.equal(notHttp.code, 0);
  assert.match(notHttp.stdout, /^HTTP\/1\.1 400/);

  served.child.kill('SIGINT');
  assert.equal(await served.exit(), 0);
});

test('replay to a closed port fails with one line and a non-zero exit', async () => {
  const result = await run(['replay', '--to', '127.0.0.1:1', '-'], 'GET / HTTP/1.1\r\n\r\n');
  assert.equal(result.code, 1);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.match(result.stderr, /refused/);
});

test('help, usage errors and bad rules files', async () => {
  const commands = ['serve', 'replay', 'export', 'sessions'];
  const helps = await Promise.all(commands.map((command) => run([command, '--help'])));
  commands.forEach((command, i) => {
    assert.equal(helps[i].code, 0);
    assert.match(helps[i].stdout, new RegExp(`Usage: socketscope ${command}`));
  });
  const main = await run(['--help']);
  assert.match(main.stdout, /Commands:/);
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  const badOption = await run(['serve', '--bogus']);
  assert.equal(badOption.code, 2);
  const badTo = await run(['replay', '--to', 'nowhere', '-'], 'x');
  assert.equal(badTo.code, 2);
  assert.match(badTo.stderr, /HOST:PORT/);
  const rules = join(home, 'bad-rules.json');
  writeFileSync(rules, '{"rules": [{"id": 5}]}');
  const badRules = await run(['serve', '--port', '0', '--rules', rules]);
  assert.equal(badRules.code, 1);
  assert.match(badRules.stderr, /Cannot use the rules/);
  const missing = await run(['export', '--har', 'no-such-session']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No session/);
  assert.ok(existsSync(home));
});

// ---- messages once, --version, option errors, binary replay bodies, --quiet ----

/** Like run, with stdout as bytes. */
function runBytes(args: string[], input: string): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI, ...args],
      { env, timeout: 20_000, encoding: 'buffer' },
      (error, stdout) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout }),
    );
    child.stdin?.end(input);
  });
}

test('a taken port is said once, before the listening line', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const taken = (blocker.address() as AddressInfo).port;
  try {
    const served = await serve(['--port', String(taken)]);
    assert.notEqual(served.port, taken);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const said = served.lines.filter((l) => l.includes(`Port ${taken} is not available`));
    assert.equal(said.length, 1, served.lines.join('\n'));
    const listening = served.lines.findIndex((l) => l.startsWith('Listening on '));
    assert.ok(served.lines.indexOf(said[0]) < listening, 'said before the listening line');
    served.child.kill('SIGINT');
    assert.equal(await served.exit(), 0);
  } finally {
    blocker.close();
  }
});

test('--version prints the version in package.json', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const result = await run([flag]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `socketscope ${pkg.version}\n`);
  }
  assert.match((await run(['--help'])).stdout, /--version/);
});

test('a wrong option is one sentence naming it and the help to read', async () => {
  const cases: [string[], string][] = [
    [['serve', '--bogus'], 'Unknown option "--bogus" for serve: see "socketscope serve --help".'],
    [['replay', '-x'], 'Unknown option "-x" for replay: see "socketscope replay --help".'],
    [['replay', '--to'], 'The option --to needs a value: see "socketscope replay --help".'],
    [
      ['replay', '--to', '--tls'],
      'The option --to needs a value: see "socketscope replay --help".',
    ],
    [['replay', '--tls=yes'], 'The option --tls takes no value: see "socketscope replay --help".'],
    [['--bogus'], 'Unknown option "--bogus": see "socketscope --help".'],
    [
      ['serve', '--upstream', 'http://127.0.0.1:9', '--proxy'],
      '--upstream (a reverse proxy) and --proxy (a forward proxy) are two modes: use one.',
    ],
    [['serve', '--intercept'], '--intercept is for the forward proxy: add --proxy.'],
    [
      ['serve', '--proxy', '--passthrough', 'a.test'],
      '--passthrough names the hosts HTTPS interception leaves alone: add --proxy --intercept.',
    ],
    [['serve', '--rewrite-host'], '--rewrite-host is for the reverse proxy: add --upstream URL.'],
    [
      ['serve', '--\u001b[31m'],
      'Unknown option "--\\x1b[31m" for serve: see "socketscope serve --help".',
    ],
  ];
  for (const [args, sentence] of cases) {
    const result = await run(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.equal(result.stderr, `socketscope: ${sentence}\n`, args.join(' '));
  }
});

test('replay shows a binary body as hex, writes it with --out, prints it with --raw', async () => {
  const served = await serve([]);
  const image = readFileSync(join('assets', 'test.jpg'));
  const request = 'GET /test.jpg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const to = ['replay', '--to', `127.0.0.1:${served.port}`];
  try {
    const hex = await run([...to, '-'], request);
    assert.equal(hex.code, 0, hex.stderr);
    assert.match(hex.stdout, /^HTTP\/1\.1 200 OK\n/);
    const first = [...image.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    assert.ok(hex.stdout.includes(`\n00000000  ${first}  `), hex.stdout.slice(0, 400));
    assert.ok(!hex.stdout.includes('\u0000'), 'no raw bytes reach the terminal');

    const file = join(home, 'body.jpg');
    const out = await run([...to, '--out', file, '-'], request);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(readFileSync(file), image);
    assert.match(out.stdout, new RegExp(`\\(${image.length} B body written to `));
    assert.ok(!out.stdout.includes('00000000'));

    const raw = await runBytes([...to, '--raw', '-'], request);
    assert.equal(raw.code, 0);
    assert.ok(raw.stdout.includes(image), 'the body as received');

    const text = await run([...to, '-'], 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(text.stdout, /<img src="test\.jpg"/, 'a text body is printed as text');
  } finally {
    served.child.kill('SIGINT');
    await served.exit();
  }
});

test('serve --quiet prints the listening line and no line per request', async () => {
  const served = await serve(['--quiet']);
  assert.match(served.lines[0], /^Listening on /);
  await curl(`http://127.0.0.1:${served.port}/quiet`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(!served.lines.some((l) => /→|←|open|close/.test(l)), served.lines.join('\n'));
  served.child.kill('SIGINT');
  assert.equal(await served.exit(), 0);
});
