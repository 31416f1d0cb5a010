// Messages between the transport and its socket worker.
import type { ServerFrame } from '../../src-main/protocol/types';

export type WorkerInbound =
  | { type: 'connect'; url: string }
  | { type: 'send'; text: string }
  /** The selected exchange, whose updates the worker always forwards (null: none). */
  | { type: 'pin'; exchangeId: string | null };
export type WorkerOutbound =
  { type: 'open' } | { type: 'close' } | { type: 'frame'; frame: ServerFrame };
