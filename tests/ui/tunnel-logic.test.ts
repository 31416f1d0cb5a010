// The tunnel's line in the list and its duration, in both languages, without a page; and the
// Core's tunnel summary read from a connection (host side), for the spans the detail fetches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMs, tunnelEnding, tunnelLine, tunnelMs } from '../../src-renderer/lib/tunnel';
import { translate, type Lang } from '../../src-renderer/lib/translate';
import type { CatalogueKey } from '../../src-renderer/lib/locales/en';
import type { ConnectionSummary, TunnelSummary } from '../../src-main/protocol/types';
import { tunnelOf } from '../../src-main/host/tunnel';
import { summaryMaker } from './summary-fixture';

const make = summaryMaker(1000);
const tr = (lang: Lang) => (key: CatalogueKey, params?: Record<string, string | number>) =>
  translate(lang, key, params);

const closed: TunnelSummary = {
  intercepted: false,
  upOffset: 60,
  bytesUp: 2048,
  downOffset: 39,
  bytesDown: 5 * 1024 * 1024,
  closedAt: 4_500,
  closeReason: 'client',
};

test('the list line: bytes each way, how long, how it ended, in English and Chinese', () => {
  const exchange = make({ method: 'CONNECT', target: 'example.test:443', completedAt: 1_000 });
  assert.equal(
    tunnelLine(exchange, closed, tr('en'), 0),
    '↑ 2.0 KiB ↓ 5.0 MiB · 3.5 s · closed by the client',
  );
  assert.equal(
    tunnelLine(exchange, closed, tr('zh-CN'), 0),
    '↑ 2.0 KiB ↓ 5.0 MiB · 3.5 s · 由客户端关闭',
  );
  const open = { ...closed, closedAt: null, closeReason: null };
  assert.equal(tunnelMs(exchange, open, 1_250), 250, 'an open tunnel lasts until now');
  assert.equal(tunnelEnding(open, tr('en')), 'open');
});

test('durations read as ms, seconds, then minutes', () => {
  assert.equal(formatMs(12.4), '12 ms');
  assert.equal(formatMs(1500), '1.5 s');
  assert.equal(formatMs(125_000), '2 min 5 s');
});

test('every close reason has words in both languages', () => {
  const reasons: NonNullable<TunnelSummary['closeReason']>[] = [
    'client',
    'server',
    'header-timeout',
    'body-timeout',
    'idle-timeout',
    'error',
    'limit',
    'evicted',
    'stopped',
  ];
  for (const lang of ['en', 'zh-CN'] as const)
    for (const closeReason of reasons) {
      const words = tunnelEnding({ ...closed, closeReason }, tr(lang));
      assert.ok(!words.startsWith('tunnel.'), `${lang} ${closeReason}`);
    }
});

test('tunnelOf: only a CONNECT answered 2xx; spans start after the CONNECT and its answer', () => {
  const connection: ConnectionSummary = {
    connectionId: 'c1',
    source: 'capture',
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
    localPort: 8080,
    openedAt: 0,
    closedAt: 9,
    closeReason: 'server',
    bytesIn: 1060,
    bytesOut: 539,
    exchanges: 1,
  };
  const connections = new Map([['c1', connection]]);
  const connect = make({
    method: 'CONNECT',
    status: 200,
    requestSpan: { offset: 0, length: 60 },
    responseSpan: { offset: 0, length: 39 },
  });
  assert.deepEqual(tunnelOf(connect, connections), {
    intercepted: false,
    upOffset: 60,
    bytesUp: 1000,
    downOffset: 39,
    bytesDown: 500,
    closedAt: 9,
    closeReason: 'server',
  });
  connections.set('c1.tls', { ...connection, connectionId: 'c1.tls' });
  assert.equal(tunnelOf(connect, connections)?.intercepted, true);
  assert.equal(tunnelOf({ ...connect, status: 502 }, connections), undefined);
  assert.equal(tunnelOf({ ...connect, method: 'GET' }, connections), undefined);
  assert.equal(tunnelOf({ ...connect, connectionId: 'gone' }, connections), undefined);
});
