// What a replay came to, in the few words the UI says: answered, or why not. The replay client
// reports errors by cause; this reads its result once so that every UI says the same thing.

import type { ReplayResult } from '../capture/client';
import type { ReplayOutcome } from '../protocol/types';

/** The response that answers the request: the first final one (101 counts as final). */
export function finalResponse(result: ReplayResult): ReplayResult['responses'][number] | null {
  return result.responses.find((r) => r.head.status >= 200 || r.head.status === 101) ?? null;
}

export function replayOutcome(result: ReplayResult): ReplayOutcome {
  // A response that arrived counts, even when the connection was reset or timed out after it.
  if (finalResponse(result) !== null) return 'answered';
  switch (result.error?.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'CONNECT_TIMEOUT':
    case 'RESPONSE_TIMEOUT':
      return 'timedOut';
    case 'CONNECTION_RESET':
      return 'reset';
    case 'DNS_FAILED':
      return 'dnsFailed';
    case 'TLS_FAILED':
      return 'tlsFailed';
    case 'NETWORK_ERROR':
    case 'INVALID_TARGET':
      return 'networkError';
    default:
      break;
  }
  // The peer closed: before any byte, after an interim response only, or in the middle of one.
  const error = result.parseError;
  if (error === null || error.code === 'INVALID_EOF_STATE') return 'closedEarly';
  return 'notHttp';
}
