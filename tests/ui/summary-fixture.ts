// An exchange summary as the list holds one: a finished GET / answered 200, with each call a new
// id and a later start (from `startBase`), and any field replaced by `patch`.

import type { ExchangeSummary } from '../../src-main/protocol/types';

export function summaryMaker(startBase = 0): (patch: Partial<ExchangeSummary>) => ExchangeSummary {
  let seq = 0;
  return (patch) => {
    seq++;
    return {
      exchangeId: `x${seq}`,
      connectionId: 'c1',
      source: 'capture',
      indexOnConnection: 0,
      startedAt: startBase + seq,
      completedAt: startBase + seq + 1,
      method: 'GET',
      target: '/',
      version: 'HTTP/1.1',
      host: '127.0.0.1:8080',
      referer: null,
      status: 200,
      reason: 'OK',
      requestContentType: null,
      responseContentType: 'text/html',
      requestBytes: 100,
      responseBytes: 200,
      requestSpan: { offset: 0, length: 100 },
      responseSpan: { offset: 0, length: 200 },
      error: null,
      ruleId: null,
      replayTarget: null,
      timings: null,
      ...patch,
    };
  };
}
