// The proxy bench's scenarios, each for a few requests (no timing is asserted): the load reaches
// the upstream through Socketscope's reverse and forward proxy (a recording Core) and through
// mockttp, every answer is the upstream's, and the Core records each exchange; the bare pipe
// passes the bytes both ways and its stop closes the connections it holds.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  load,
  loadOptions,
  startMockttp,
  startPipe,
  startSocketscope,
  startUpstream,
  UPSTREAM_BODY,
  type Load,
  type Variant,
} from '../../bench/proxy.bench';

const COUNT = 20;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let seen = 0;

before(async () => {
  upstream = await startUpstream();
  upstream.server.prependListener('request', () => seen++);
});
after(() => upstream.stop());

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('the forward load sends absolute-form requests naming the upstream; direct and reverse origin-form', () => {
  assert.deepEqual(loadOptions('forward', 8000, 9000, false), {
    url: 'http://127.0.0.1:8000/',
    requests: [
      { method: 'GET', path: 'http://127.0.0.1:9000/', headers: { host: '127.0.0.1:9000' } },
    ],
  });
  assert.deepEqual(loadOptions('forward', 9000, 9000, true), { url: 'http://127.0.0.1:9000/' });
  assert.deepEqual(loadOptions('reverse', 8000, 9000, false), { url: 'http://127.0.0.1:8000/' });
});

/** COUNT requests of a variant's load through `port`, and how many reached the upstream. */
async function loadThrough(
  variant: Variant,
  port: number,
): Promise<{ result: Load; reached: number }> {
  const before = seen;
  const result = await load({
    ...loadOptions(variant, port, upstream.port, false),
    amount: COUNT,
    connections: 4,
  });
  return { result, reached: seen - before };
}

for (const variant of ['reverse', 'forward'] as const) {
  test(`Socketscope's ${variant} proxy answers every request with the upstream's page and records it`, async () => {
    const proxy = await startSocketscope(variant, upstream.port);
    try {
      const { result, reached } = await loadThrough(variant, proxy.port);
      assert.equal(result.total, COUNT);
      assert.equal(result.failures, 0);
      assert.equal(reached, COUNT, 'each request reached the upstream once');
      await until(
        async () => (await proxy.core.call('exchanges.rows', { from: 0, count: 1 })).total >= COUNT,
      );
      const page = await proxy.core.call('exchanges.rows', { from: 0, count: COUNT + 5 });
      assert.equal(page.total, COUNT);
      for (const row of page.rows) {
        assert.equal(row.status, 200);
        assert.equal(row.error, null);
        assert.ok(row.responseBytes > UPSTREAM_BODY.length, 'the response is recorded whole');
      }
      const expected = variant === 'reverse' ? '/' : `http://127.0.0.1:${upstream.port}/`;
      assert.equal(page.rows[0]!.target, expected);
    } finally {
      await proxy.stop();
    }
  });

  test(`mockttp as a ${variant} proxy passes every request to the upstream`, async () => {
    const proxy = await startMockttp(variant, upstream.port);
    try {
      const { result, reached } = await loadThrough(variant, proxy.port);
      assert.equal(result.failures, 0);
      assert.equal(reached, COUNT);
    } finally {
      await proxy.stop();
    }
  });

  test(`the bare pipe passes the ${variant} load to the upstream byte for byte`, async () => {
    const pipe = await startPipe(upstream.port);
    try {
      const { result, reached } = await loadThrough(variant, pipe.port);
      assert.equal(result.total, COUNT);
      assert.equal(result.failures, 0);
      assert.equal(reached, COUNT, 'each request reached the upstream once');
      assert.match(pipe.stats(), /on 4 connections/);
    } finally {
      // autocannon's connections are closed by now; stop must not wait for any that are not.
      await pipe.stop();
    }
  });
}
