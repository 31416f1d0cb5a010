// What the repeater says of a replay: the destination as a URL, the outcome (also for replays
// stored before the Core recorded it) and its colour, timings in order with one decimal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExchangeSummary } from '../../src-main/protocol/types';
import { translate } from '../../src-renderer/lib/translate';
import {
  destinationUrl,
  outcomeOf,
  outcomeSentence,
  outcomeShort,
  outcomeTone,
  timingList,
  totalMs,
} from '../../src-renderer/lib/replay';

function replay(patch: Partial<ExchangeSummary>): ExchangeSummary {
  return {
    exchangeId: 'r#0',
    connectionId: 'r',
    source: 'replay',
    indexOnConnection: 0,
    startedAt: 1000,
    completedAt: 1012,
    method: 'GET',
    target: '/',
    version: '1.1',
    host: 'example.invalid',
    referer: null,
    status: null,
    reason: null,
    requestContentType: null,
    responseContentType: null,
    requestBytes: 10,
    responseBytes: 0,
    requestSpan: { offset: 0, length: 10 },
    responseSpan: null,
    error: null,
    ruleId: null,
    replayTarget: { host: '127.0.0.1', port: 9, tls: false, insecure: false },
    timings: { dns: null, connect: 0.44, tls: null, firstByte: 3, complete: 12.345 },
    ...patch,
  };
}

test('the destination is a URL, an IPv6 host in brackets', () => {
  assert.equal(
    destinationUrl({ host: '::1', port: 8443, tls: true, insecure: false }),
    'https://[::1]:8443',
  );
  assert.equal(destinationUrl({ host: 'h', port: 80, tls: false, insecure: false }), 'http://h:80');
});

test('outcomes read as sentences in both languages, refused in the error colour', () => {
  const refused = replay({ replayOutcome: 'refused' });
  const words = outcomeSentence(refused);
  assert.equal(
    translate('en', words.key, words.params),
    'Refused: nothing accepted the connection at 127.0.0.1:9.',
  );
  assert.match(translate('zh-CN', words.key, words.params), /连接被拒绝/);
  assert.equal(outcomeTone(refused), 'err');
  const ok = replay({ replayOutcome: 'answered', status: 204, reason: 'No Content' });
  const short = outcomeShort(ok);
  assert.equal(translate('en', short.key, short.params), '204 No Content');
  assert.equal(outcomeTone(ok), 'ok');
  assert.equal(outcomeTone(replay({ replayOutcome: 'answered', status: 503 })), 'warn');
  assert.equal(outcomeTone(replay({ replayOutcome: 'notHttp' })), 'warn');
  for (const outcome of ['timedOut', 'reset', 'closedEarly', 'dnsFailed', 'tlsFailed'] as const)
    assert.equal(outcomeTone(replay({ replayOutcome: outcome })), 'err', outcome);
});

test('a replay stored before outcomes were kept is read from its status and error', () => {
  const error = (code: 'CLOSED_CONNECTION' | 'TIMEOUT', reason: string) => ({
    error: { code, offset: 0, reason, status: 0 },
  });
  assert.equal(outcomeOf(replay({ status: 200 })), 'answered');
  assert.equal(outcomeOf(replay(error('TIMEOUT', 'No complete response in time.'))), 'timedOut');
  assert.equal(
    outcomeOf(replay(error('CLOSED_CONNECTION', 'Connection refused by h:1.'))),
    'refused',
  );
  assert.equal(
    outcomeOf(replay(error('CLOSED_CONNECTION', 'The connection to h:1 was reset.'))),
    'reset',
  );
  assert.equal(outcomeOf(replay({})), 'closedEarly');
});

test('timings are listed in order with one decimal; the total prefers the measured one', () => {
  assert.deepEqual(timingList(replay({}).timings), [
    { phase: 'connect', ms: '0.4' },
    { phase: 'firstByte', ms: '3.0' },
    { phase: 'complete', ms: '12.3' },
  ]);
  assert.deepEqual(timingList(null), []);
  assert.equal(totalMs(replay({})), 12.345);
  assert.equal(totalMs(replay({ timings: null })), 12);
  assert.equal(totalMs(replay({ timings: null, completedAt: null })), null);
});
