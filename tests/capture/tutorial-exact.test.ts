// Tutorial-exact answers as the naive socket exercise does, read by a real browser: Debian's
// Chromium renders the page and loads the image, and each response's event names what the
// browser read past. The exercise reads only the first 1024 bytes of a request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { defaultAssetsDir } from '../../src-main/capture/default-site';
import { chromiumPath, launchChromium } from '../ui/helpers';
import { rawClient, startServer, type TestServer } from './helpers';
import { existsSync } from 'node:fs';
import { skipBecause } from '../skip';

const jpeg = readFileSync(join(defaultAssetsDir(), 'test.jpg'));
const PAGE_HEAD = 'HTTP/1.x 200 OK\nContent-Type: text/html\n\n';
const IMAGE_HEAD = '\nHTTP/1.x 200 OK\nContent-Type: image/jpg\n\n';

describe('tutorial-exact', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ settings: { tutorialExact: true } });
  });
  after(() => t.stop());

  it('answers from the first 1024 bytes: a head still arriving after them gets its answer', async () => {
    // No empty line yet: a parser would wait, the exercise's one recv(1024) does not.
    const unfinished = `GET /test.jpg HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(1100)}`;
    const client = await rawClient(t.port);
    await client.send(unfinished);
    const answer = await client.ended();
    assert.deepEqual(answer, Buffer.concat([Buffer.from(IMAGE_HEAD, 'latin1'), jpeg]));
    const id = await t.idOf(client);
    await t.closed(id);
    assert.equal(t.stream(id, 'in').toString('latin1'), unfinished, 'every byte recorded');
    assert.equal(t.of('request', id).length, 0, 'the head never ended');
    const [response] = t.of('response', id);
    assert.equal(response?.deviations?.[0]?.code, 'LEADING_EMPTY_LINE');
  });

  it('a whole request longer than 1024 bytes is still shown parsed, and answered alike', async () => {
    const long = `GET /test.jpg HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(1500)}\r\n\r\n`;
    const client = await rawClient(t.port);
    await client.send(long);
    const answer = await client.ended();
    assert.deepEqual(answer, Buffer.concat([Buffer.from(IMAGE_HEAD, 'latin1'), jpeg]));
    const id = await t.idOf(client);
    await t.closed(id);
    assert.equal(t.of('request', id)[0]?.head.target, '/test.jpg');
  });

  it('a request that is not a GET is closed unanswered, within 1024 bytes or after', async () => {
    for (const request of [
      `POST / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'p'.repeat(1500)}`,
      'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n',
    ]) {
      const client = await rawClient(t.port);
      await client.send(request);
      assert.equal((await client.ended()).length, 0);
      const id = await t.idOf(client);
      await t.closed(id);
      assert.equal(t.of('response', id).length, 0);
    }
  });

  it('Debian Chromium renders the page and loads the image; the deviations are reported', async (context) => {
    if (!existsSync(chromiumPath)) {
      skipBecause(context, `no Chromium at ${chromiumPath}`);
      return;
    }
    const seen = t.events.length;
    let browser: Browser | null = null;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${t.port}/`);
      await page.waitForFunction(() => {
        const img = document.querySelector('img');
        return img !== null && img.complete;
      });
      assert.equal(await page.textContent('h1'), 'Hello from Socketscope');
      const width = await page.$eval('img', (img) => (img as HTMLImageElement).naturalWidth);
      assert.ok(width > 0, 'the JPEG decoded');
    } finally {
      await browser?.close();
    }
    const events = t.events.slice(seen);
    const requests = events.flatMap((e) => (e.type === 'request' ? [e] : []));
    const responses = events.flatMap((e) => (e.type === 'response' ? [e] : []));
    const answerTo = (target: string) => {
      const request = requests.find((r) => r.head.target === target);
      assert.ok(request, `the browser asked for ${target}`);
      const response = responses.find(
        (r) => r.connectionId === request.connectionId && r.index === request.index,
      );
      assert.ok(response, `${target} was answered`);
      return response;
    };
    const codes = (r: ReturnType<typeof answerTo>): string[] =>
      (r.deviations ?? []).map((d) => d.code);
    assert.deepEqual(codes(answerTo('/')), [
      'MALFORMED_VERSION',
      'BARE_LF',
      'BARE_LF',
      'BARE_LF',
      'CLOSE_DELIMITED',
    ]);
    assert.deepEqual(codes(answerTo('/test.jpg')), [
      'LEADING_EMPTY_LINE',
      'MALFORMED_VERSION',
      'BARE_LF',
      'BARE_LF',
      'BARE_LF',
      'CLOSE_DELIMITED',
    ]);
    assert.equal(answerTo('/test.jpg').ending?.state, 'complete');
    const page = t.stream(answerTo('/').connectionId, 'out').toString('latin1');
    assert.ok(page.startsWith(PAGE_HEAD), "the exercise's bytes, as sent");
  });
});
