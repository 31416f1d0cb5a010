// The replay commands: send request bytes to any host and record the exchange, linked to the
// listed exchange it was made from; and the history of replays of one exchange.
import type { ExchangeSummary, ReplayTarget } from '../protocol/types';
import type { StoredExchange } from '../capture/store';
import { replay } from '../capture/client';
import { fromBase64 } from '../capture/base64';
import { replayExchange, type ExchangeBook } from './exchanges';
import { replayOutcome } from './replay-outcome';
import type { CommandHandlers } from './command-handlers';

export interface ReplayCommandsHost {
  /** The open session's list. */
  book(): ExchangeBook;
  /** The listed exchange with this id, or a one-sentence error. */
  exchange(id: unknown): ExchangeSummary;
  newConnectionId(prefix: 'replay'): string;
  /** Records the exchange in the session and lists it. */
  addStored(stored: StoredExchange, request: Uint8Array, response: Uint8Array): void;
}

export function replayCommands(
  host: ReplayCommandsHost,
): CommandHandlers<'replay.send' | 'replay.history'> {
  return {
    'replay.send': async ({ target, requestBase64, timeoutMs, replayOf }) => {
      const checked = checkTarget(target);
      if (replayOf !== undefined && typeof replayOf !== 'string')
        throw new Error('replayOf must be the id of the exchange the replay is made from.');
      // A replay of a replay joins the history of the first; an id no longer listed (another
      // session is open) links nothing, and the replay is still sent.
      const from = replayOf === undefined ? undefined : host.book().exchanges.get(replayOf);
      const bytes = fromBase64(requestBase64);
      if (bytes === null) {
        throw new Error('replay.send needs requestBase64: the request bytes in base64.');
      }
      if (
        timeoutMs !== undefined &&
        !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs < 3_600_000)
      ) {
        throw new Error('timeoutMs must be a positive number of milliseconds.');
      }
      const result = await replay({
        target: checked,
        bytes,
        connectTimeoutMs: timeoutMs ?? 10_000,
        responseTimeoutMs: timeoutMs ?? 30_000,
      });
      const connectionId = host.newConnectionId('replay');
      const stored = replayExchange(connectionId, result, checked);
      stored.exchange.replayOutcome = replayOutcome(result);
      if (from) stored.exchange.replayOf = from.replayOf ?? from.exchangeId;
      host.addStored(stored, result.request, result.response);
      return { ...stored.exchange };
    },
    'replay.history': ({ exchangeId }) => {
      const exchange = host.exchange(exchangeId);
      const root = exchange.replayOf ?? exchange.exchangeId;
      return {
        original:
          root === exchange.exchangeId ? exchange : (host.book().exchanges.get(root) ?? null),
        replays: host.book().exchanges.replaysOf(root),
      };
    },
  };
}

function checkTarget(target: unknown): ReplayTarget {
  if (typeof target !== 'object' || target === null)
    throw new Error('replay.send needs a target { host, port, tls, insecure }.');
  const { host, port, tls, insecure, servername } = target as Partial<ReplayTarget>;
  if (typeof host !== 'string' || host.trim() === '')
    throw new Error('The replay target needs a host.');
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error('The replay target needs a port from 1 to 65535.');
  }
  return {
    host: host.trim(),
    port,
    tls: tls === true,
    insecure: insecure === true,
    ...(typeof servername === 'string' && servername !== '' ? { servername } : {}),
  };
}
