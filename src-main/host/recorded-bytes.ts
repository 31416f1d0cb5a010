// The bytes a session recorded, as commands read them: an exchange's request and response, a
// range of a connection's stream, and when the bytes of a stream were recorded.
import type { Direction, ExchangeSummary } from '../protocol/types';
import { MAX_TIMES_OFFSETS } from '../protocol/types';
import type { SessionStore } from '../capture/store';
import { toBase64 } from '../capture/base64';
import type { ExchangeBook } from './exchanges';
import { isCount, type CommandHandlers } from './command-handlers';

/** The most bytes one `bytes.get` returns. */
const MAX_BYTES_GET = 64 * 1024 * 1024;

/** The open session's store and list (both change when another session is opened). */
export interface RecordedBytesHost {
  store(): SessionStore;
  book(): ExchangeBook;
}

export class RecordedBytes {
  constructor(private readonly host: RecordedBytesHost) {}

  /** The listed exchange with this id; a command naming another fails with one sentence. */
  exchange(id: unknown): ExchangeSummary {
    const exchange = typeof id === 'string' ? this.host.book().exchanges.get(id) : undefined;
    if (!exchange) throw new Error(`No exchange with id ${JSON.stringify(id)}.`);
    return exchange;
  }

  request(exchange: ExchangeSummary): Uint8Array {
    const { offset, length } = exchange.requestSpan;
    return this.host.store().read(exchange.connectionId, 'in', offset, length);
  }

  response(exchange: ExchangeSummary): Uint8Array {
    const span = exchange.responseSpan;
    return span
      ? this.host.store().read(exchange.connectionId, 'out', span.offset, span.length)
      : new Uint8Array(0);
  }

  commands(): CommandHandlers<'exchange.bytes' | 'bytes.get' | 'bytes.times'> {
    return {
      'exchange.bytes': ({ exchangeId }) => {
        const exchange = this.exchange(exchangeId);
        return {
          exchangeId: exchange.exchangeId,
          requestBase64: toBase64(this.request(exchange)),
          responseBase64: toBase64(this.response(exchange)),
        };
      },
      'bytes.get': ({ connectionId, direction, offset, length }) => {
        this.checkStream(connectionId, direction);
        if (!isCount(offset) || !isCount(length) || length > MAX_BYTES_GET) {
          throw new Error(
            `offset and length must be whole numbers ≥ 0 (length at most ${MAX_BYTES_GET}).`,
          );
        }
        const bytes = this.host.store().read(connectionId, direction, offset, length);
        return { base64: toBase64(bytes) };
      },
      'bytes.times': ({ connectionId, direction, offsets }) => {
        this.checkStream(connectionId, direction);
        if (
          !Array.isArray(offsets) ||
          offsets.length > MAX_TIMES_OFFSETS ||
          !offsets.every((offset) => isCount(offset))
        ) {
          throw new Error(
            `offsets must be a list of at most ${MAX_TIMES_OFFSETS} whole numbers ≥ 0.`,
          );
        }
        return { times: this.host.store().timesAt(connectionId, direction, offsets) };
      },
    };
  }

  private checkStream(connectionId: unknown, direction: unknown): asserts direction is Direction {
    if (typeof connectionId !== 'string' || !this.host.book().connections.has(connectionId)) {
      throw new Error(`No connection with id ${JSON.stringify(connectionId)}.`);
    }
    if (direction !== 'in' && direction !== 'out') {
      throw new Error('direction must be "in" or "out".');
    }
  }
}
