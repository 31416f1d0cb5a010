// Real HTTP clients against the capture server on loopback: curl, Node's fetch, Python's
// http.client and Chromium (through playwright-core). A missing client skips its test, saying why.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import type { ConnectionId } from '../../src-main/protocol/types';
import { startServer, waitFor, type EventOf, type TestServer } from './helpers';
import { skipBecause } from '../skip';

const jpeg = readFileSync(join(defaultAssetsDir(), 'test.jpg'));
const CHROMIUM = '/usr/bin/chromium';
const CURL = '/usr/bin/curl';

function run(
  file: string,
  args: string[],
  timeout = 20_000,
): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'buffer', timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} failed: ${error.message}\n${stderr.toString()}`));
        else resolve({ stdout, stderr: stderr.toString() });
      },
    );
  });
}

/** Finds a runnable python3 on PATH, or null. */
async function findPython(): Promise<string | null> {
  try {
    await run('python3', ['-c', 'import http.client'], 10_000);
    return 'python3';
  } catch {
    return null;
  }
}

describe('real clients on loopback', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.stop());

  /** The response body the server sent for a request, cut from the recorded outbound stream. */
  function servedBody(request: EventOf<'request'>): Buffer {
    const response = s.of('response', request.connectionId).find((r) => r.index === request.index);
    assert.ok(response, `a response for ${request.head.target}`);
    const out = s.stream(request.connectionId, 'out');
    const bytes = out.subarray(response.span.offset, response.span.offset + response.span.length);
    return bytes.subarray(bytes.indexOf('\r\n\r\n') + 4);
  }

  function requestsSince(count: number): EventOf<'request'>[] {
    return s.of('request').slice(count);
  }

  function header(request: EventOf<'request'>, name: string): string | undefined {
    return request.head.headers.find(([key]) => key.toLowerCase() === name)?.[1];
  }

  it('curl', async (t) => {
    if (!existsSync(CURL)) return skipBecause(t, `${CURL} is not installed`);
    const before = s.of('request').length;
    const base = `http://127.0.0.1:${s.port}`;
    const page = await run(CURL, ['-sS', '--fail', `${base}/`]);
    assert.match(page.stdout.toString(), /<img src="test\.jpg"/);
    const image = await run(CURL, ['-sS', '--fail', '-e', `${base}/`, `${base}/test.jpg`]);
    assert.deepEqual(image.stdout, jpeg);
    const requests = requestsSince(before);
    assert.deepEqual(
      requests.map((r) => `${r.head.method} ${r.head.target}`),
      ['GET /', 'GET /test.jpg'],
    );
    assert.match(header(requests[0]!, 'user-agent') ?? '', /^curl\//);
    assert.equal(header(requests[1]!, 'referer'), `${base}/`);
    assert.deepEqual(servedBody(requests[1]!), jpeg);
  });

  it("Node's fetch", async () => {
    const before = s.of('request').length;
    const base = `http://127.0.0.1:${s.port}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<img src="test\.jpg"/);
    const image = await fetch(`${base}/test.jpg`, { headers: { Referer: `${base}/` } });
    assert.equal(image.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), jpeg);
    const missing = await fetch(`${base}/missing`);
    assert.equal(missing.status, 404);
    await missing.text();
    const requests = requestsSince(before);
    assert.deepEqual(
      requests.map((r) => r.head.target),
      ['/', '/test.jpg', '/missing'],
    );
    // undici may open a second connection while the first is being released; both stay open.
    const ids = new Set(requests.map((r) => r.connectionId));
    assert.ok(ids.size < requests.length, 'a keep-alive connection was reused');
    for (const id of ids) assert.equal(s.of('connectionClose', id).length, 0, `${id} kept alive`);
  });

  it("Python's http.client", async (t) => {
    const python = await findPython();
    if (python === null) return skipBecause(t, 'no runnable python3 on PATH');
    const before = s.of('request').length;
    const script = [
      'import http.client, sys',
      `c = http.client.HTTPConnection("127.0.0.1", ${s.port}, timeout=10)`,
      'c.request("GET", "/")',
      'r = c.getresponse(); page = r.read()',
      `c.request("GET", "/test.jpg", headers={"Referer": "http://127.0.0.1:${s.port}/"})`,
      'r2 = c.getresponse(); img = r2.read()',
      'sys.stdout.write("%d %d %d\\n" % (r.status, r2.status, len(page)))',
      'sys.stdout.buffer.write(img)',
    ].join('\n');
    const { stdout } = await run(python, ['-c', script]);
    const newline = stdout.indexOf(10);
    const [pageStatus, imageStatus] = stdout.toString('latin1', 0, newline).split(' ').map(Number);
    assert.equal(pageStatus, 200);
    assert.equal(imageStatus, 200);
    assert.deepEqual(stdout.subarray(newline + 1), jpeg);
    const requests = requestsSince(before);
    assert.deepEqual(
      requests.map((r) => [r.head.target, r.index]),
      [
        ['/', 0],
        ['/test.jpg', 1],
      ],
    );
    assert.equal(requests[0]!.connectionId, requests[1]!.connectionId, 'one keep-alive connection');
  });

  it('Chromium loads the page and then the image', { timeout: 90_000 }, async (t) => {
    if (!existsSync(CHROMIUM)) return skipBecause(t, `${CHROMIUM} is not installed`);
    const { chromium } = await import('playwright-core');
    const before = s.of('request').length;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const page = await browser.newPage();
      const url = `http://127.0.0.1:${s.port}/`;
      await page.goto(url);
      await page.waitForFunction(() => {
        const image = document.querySelector('img');
        return image !== null && image.complete && image.naturalWidth > 0;
      });
      assert.equal(await page.evaluate(() => document.querySelector('img')!.naturalWidth), 240);
      await waitFor(() => requestsSince(before).some((r) => r.head.target === '/test.jpg'));
      const requests = requestsSince(before).filter((r) => r.head.target !== '/favicon.ico');
      assert.deepEqual(
        requests.map((r) => `${r.head.method} ${r.head.target}`),
        ['GET /', 'GET /test.jpg'],
      );
      assert.equal(header(requests[1]!, 'referer'), url);
      assert.match(header(requests[0]!, 'user-agent') ?? '', /Chrome\//);
      assert.deepEqual(servedBody(requests[1]!), jpeg);
      const ids = new Set<ConnectionId>(requests.map((r) => r.connectionId));
      console.log(`# Chromium used ${ids.size} connection(s) for the page and the image`);
      // Nothing is cached: a reload shows both requests again.
      await page.reload();
      await waitFor(
        () => requestsSince(before).filter((r) => r.head.target === '/test.jpg').length === 2,
      );
      const again = requestsSince(before).filter((r) => r.head.target !== '/favicon.ico');
      assert.deepEqual(
        again.map((r) => r.head.target),
        ['/', '/test.jpg', '/', '/test.jpg'],
      );
    } finally {
      await browser.close();
    }
  });
});

describe('real clients: tutorial-exact mode', () => {
  it(
    'Chromium renders the naive, close-delimited answers, image included',
    { timeout: 90_000 },
    async (t) => {
      if (!existsSync(CHROMIUM)) return skipBecause(t, `${CHROMIUM} is not installed`);
      const s = await startServer({ settings: { tutorialExact: true } });
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`http://127.0.0.1:${s.port}/`);
        await page.waitForFunction(() => {
          const image = document.querySelector('img');
          return image !== null && image.complete && image.naturalWidth > 0;
        });
        const targets = s.of('request').map((r) => r.head.target);
        assert.deepEqual(targets.slice(0, 2), ['/', '/test.jpg']);
        const [first] = s.of('request');
        await s.closed(first!.connectionId);
        assert.equal(s.of('connectionClose', first!.connectionId)[0]!.reason, 'server');
        const out = s.stream(first!.connectionId, 'out').toString('latin1');
        assert.match(out, /^HTTP\/1\.x 200 OK\nContent-Type: text\/html\n\n<!doctype html>/);
      } finally {
        await browser.close();
        await s.stop();
      }
    },
  );
});
