// A refused request keeps what was read of it: its protocolError event carries the method,
// target and fields parsed before the error, and its row shows them (so the filter finds it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExchangeBook } from '../../src-main/host/exchanges';
import { rawClient, startServer } from './helpers';

test('a body too large and a missing Host keep the method and target read before the error', async () => {
  const t = await startServer({ settings: { limits: { maxBodyBytes: 10 } } });
  try {
    const big = await rawClient(t.port);
    await big.send('POST /upload?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n');
    const answer = await big.ended();
    assert.match(answer.toString('latin1'), /^HTTP\/1\.1 413 /);
    const bigId = await t.idOf(big);
    await t.closed(bigId);
    const [error] = t.of('protocolError', bigId);
    assert.equal(error?.error.code, 'BODY_TOO_LARGE');
    assert.deepEqual(error?.head && [error.head.method, error.head.target, error.head.version], [
      'POST',
      '/upload?x=1',
      'HTTP/1.1',
    ]);

    const hostless = await rawClient(t.port);
    await hostless.send('GET /no-host HTTP/1.1\r\nAccept: */*\r\n\r\n');
    await hostless.ended();
    const hostlessId = await t.idOf(hostless);
    await t.closed(hostlessId);
    const [missing] = t.of('protocolError', hostlessId);
    assert.equal(missing?.error.code, 'MISSING_HOST');
    assert.equal(missing?.head?.target, '/no-host');

    // Before its method: nothing to keep.
    const garbage = await rawClient(t.port);
    await garbage.send('\x01\x02 nonsense\r\n\r\n');
    await garbage.ended();
    const garbageId = await t.idOf(garbage);
    await t.closed(garbageId);
    assert.equal(t.of('protocolError', garbageId)[0]?.head, undefined);

    const book = new ExchangeBook();
    for (const event of t.events) book.apply(event, null);
    const row = book.exchanges.get(`${bigId}#0`);
    assert.equal(row?.method, 'POST');
    assert.equal(row?.target, '/upload?x=1');
    assert.equal(row?.host, 'h');
    assert.equal(row?.status, 413);
    assert.equal(row?.error?.code, 'BODY_TOO_LARGE');
    assert.equal(row?.outcome, 'complete', 'the 413 was sent');
    const filtered = book.exchanges.filtered({ text: 'upload', method: '', statusClass: '' });
    assert.ok(filtered !== null && filtered.count === 1, 'the filter finds it by its target');
    assert.equal(book.exchanges.get(`${hostlessId}#0`)?.method, 'GET');
  } finally {
    await t.stop();
  }
});
