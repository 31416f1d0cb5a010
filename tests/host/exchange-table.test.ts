import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExchangeTable } from '../../src-main/host/exchange-table';
import { emptyExchange } from '../../src-main/host/exchanges';
import type { ExchangeSummary } from '../../src-main/protocol/types';

const text = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const count = fc.nat(1_000_000);
const summaryArbitrary: fc.Arbitrary<ExchangeSummary> = fc
  .record({
    connection: fc.constantFrom('c1', 'c2', 'x#y', 'replay-1-ab'),
    index: fc.nat(20),
    irregularId: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: null }),
    source: fc.constantFrom<ExchangeSummary['source']>('capture', 'replay'),
    startedAt: count,
    completedAt: fc.option(count, { nil: null }),
    method: text,
    target: text,
    version: text,
    host: text,
    referer: text,
    status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: null }),
    reason: text,
    requestContentType: text,
    responseContentType: text,
    requestSpan: fc.record({ offset: count, length: count }),
    responseSpan: fc.option(fc.record({ offset: count, length: count }), { nil: null }),
    error: fc.option(
      fc.record({
        code: fc.constant('TIMEOUT' as const),
        offset: count,
        reason: fc.string(),
        status: count,
      }),
      { nil: null },
    ),
    ruleId: text,
    timings: fc.option(
      fc.record({
        dns: fc.constant(null),
        connect: fc.double({ noNaN: true }),
        tls: fc.constant(null),
        firstByte: fc.constant(null),
        complete: fc.constant(null),
      }),
      { nil: null },
    ),
  })
  .map((r) => ({
    exchangeId: r.irregularId ?? `${r.connection}#${r.index}`,
    connectionId: r.connection,
    source: r.source,
    indexOnConnection: r.index,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    method: r.method,
    target: r.target,
    version: r.version,
    host: r.host,
    referer: r.referer,
    status: r.status,
    reason: r.reason,
    requestContentType: r.requestContentType,
    responseContentType: r.responseContentType,
    requestBytes: r.requestSpan.length,
    responseBytes: r.responseSpan?.length ?? 0,
    requestSpan: r.requestSpan,
    responseSpan: r.responseSpan,
    error: r.error,
    ruleId: r.ruleId,
    replayTarget:
      r.source === 'replay' ? { host: 'h', port: 80, tls: false, insecure: false } : null,
    timings: r.timings,
  }));

test('any summary put in the table reads back equal, by id and in order (property)', () => {
  fc.assert(
    fc.property(fc.array(summaryArbitrary, { maxLength: 8 }), (summaries) => {
      const table = new ExchangeTable();
      const latest = new Map<string, ExchangeSummary>();
      for (const summary of summaries) {
        // One exchange per id and per connection index, as a session has.
        const clash = [...latest.values()].find(
          (s) =>
            s.exchangeId !== summary.exchangeId &&
            s.connectionId === summary.connectionId &&
            s.indexOnConnection === summary.indexOnConnection,
        );
        if (clash) continue;
        table.put(summary);
        latest.set(summary.exchangeId, summary);
      }
      assert.equal(table.size, latest.size);
      // structuredClone: plain objects, as the table builds (fast-check makes null-prototype ones).
      for (const [id, summary] of latest) assert.deepEqual(table.get(id), structuredClone(summary));
      assert.deepEqual(
        [...table.values()].map((s) => s.exchangeId).sort(),
        [...latest.keys()].sort(),
      );
    }),
    { numRuns: 300 },
  );
});

test('a captured exchange fills in field by field; unknown ids are not found', () => {
  const table = new ExchangeTable();
  const row = table.add('c7', 3, 100, 40);
  assert.deepEqual(table.get('c7#3'), emptyExchange('c7#3', 'c7', 3, 100, 40));
  table.setRequest(row, {
    method: 'GET',
    target: '/a',
    version: 'HTTP/1.1',
    host: 'h',
    referer: null,
    requestContentType: null,
  });
  table.setRequestSpan(row, 40, 20);
  table.setResponse(row, 200, 'OK', 'text/html');
  table.setResponseSpan(row, 0, 99);
  table.setCompleted(row, 105);
  const summary = table.get('c7#3');
  assert.ok(summary);
  assert.equal(summary.target, '/a');
  assert.deepEqual(summary.requestSpan, { offset: 40, length: 20 });
  assert.equal(summary.requestBytes, 20);
  assert.deepEqual(summary.responseSpan, { offset: 0, length: 99 });
  assert.equal(summary.status, 200);
  assert.equal(summary.completedAt, 105);
  for (const id of ['c7#4', 'c7#03', 'c7', '#3', 'c8#3', ''])
    assert.equal(table.get(id), undefined, id);
  assert.notEqual(table.get('c7#3'), table.get('c7#3'), 'every read is a fresh object');
  table.clear();
  assert.equal(table.size, 0);
  assert.equal(table.get('c7#3'), undefined);
});

test('a summary put again without a response span loses the span it had', () => {
  const table = new ExchangeTable();
  const answered = emptyExchange('c1#0', 'c1', 0, 10, 0);
  answered.responseSpan = { offset: 0, length: 30 };
  answered.responseBytes = 30;
  table.put(answered);
  const unanswered = emptyExchange('c1#0', 'c1', 0, 10, 0);
  table.put(unanswered);
  assert.deepEqual(table.get('c1#0'), unanswered);
});

test('request-targets read back exactly across the arena chunks, a target longer than a chunk too', () => {
  const table = new ExchangeTable();
  const targets: string[] = [];
  for (let i = 0; i < 3000; i++) targets.push(`/${i}/${'é'.repeat(i % 7)}${'x'.repeat(1000)}`);
  targets.splice(1500, 0, `/${'y'.repeat(2 * 1024 * 1024)}`, '');
  for (const [i, target] of targets.entries()) {
    const status = i % 3 === 0 ? null : 200 + i;
    table.put({ ...emptyExchange(`c1#${i}`, 'c1', i, i, 0), target, status });
  }
  for (const [i, target] of targets.entries()) {
    const summary = table.get(`c1#${i}`);
    assert.equal(summary?.target, target, `target ${i}`);
    assert.equal(summary?.status, i % 3 === 0 ? null : 200 + i);
  }
});
