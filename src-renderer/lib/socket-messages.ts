// Messages between the transport and its socket worker.
import type { ServerFrame } from '../../src-main/protocol/types';

export type WorkerInbound = { type: 'connect'; url: string } | { type: 'send'; text: string };
export type WorkerOutbound =
  { type: 'open' } | { type: 'close' } | { type: 'frame'; frame: ServerFrame };
