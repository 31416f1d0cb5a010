// What a proxy connection knows of its one exchange in flight: where it goes, the upstream
// connection it leased, the framing written each way, how far each side has got, and the rule
// that answers or edits it.

import type { Socket } from 'node:net';
import type { ClientConversation } from '../engine/client-conversation';
import type { MessageHead } from '../engine/message';
import type { ResponderRule } from '../protocol/types';
import { COMPLETE, type ResponseEnding, type ResponseHead } from './events';
import type { NextFraming } from './proxy-heads';
import type { ForwardEdits } from './rule-actions';
import type { Lease, UpstreamAddress } from './upstream-pool';

export interface ProxyExchange {
  index: number;
  method: string;
  address: UpstreamAddress | null;
  connect: boolean;
  upgrade: boolean;
  upstream: Socket | null;
  /** The pool's connection the upstream socket belongs to (its events come to this exchange). */
  lease: Lease | null;
  reused: boolean;
  /** Bytes for the upstream before it is connected (copies; the head as latin1 text). */
  waiting: (Uint8Array | string)[];
  framingUp: NextFraming;
  requestDone: boolean;
  /** Bytes of the request sent upstream (head included), to know whether a retry is safe. */
  sentBody: number;
  headText: string;
  reply: ClientConversation | null;
  headSent: boolean;
  responseStart: number;
  responseHead: ResponseHead | null;
  framingDown: NextFraming;
  closeDown: boolean;
  responseDone: boolean;
  upstreamKeepAlive: boolean;
  tunnel: boolean;
  /** A tunnel taken over (interception): the client's tunnel bytes go there. */
  takeover: ((bytes: Uint8Array) => void) | null;
  takeoverEnd: (() => void) | null;
  /** The answer to send instead of the upstream's (502/504), once the request is complete. */
  failure: { bytes: Uint8Array; head: ResponseHead } | null;
  ending: ResponseEnding;
  clientMinor: number;
  keepAlive: boolean;
  bodyParts: Uint8Array[];
  bodyHeld: number;
  bodyKept: boolean;
  /** The rule that answers instead of the upstream (capture/rule-actions.ts). */
  rule: ResponderRule | null;
  /** A forward rule's edits to the heads of a streamed exchange (rule-actions.ts streamedEdits). */
  edits: ForwardEdits | null;
  /** The rule the exchange's response is recorded with. */
  ruleId: string | null;
}

/** A request whose head was just read, before anything is decided about it. */
export function newExchange(index: number, method: string, head: MessageHead): ProxyExchange {
  return {
    index,
    method,
    address: null,
    connect: method === 'CONNECT',
    upgrade: head.upgrade && method !== 'CONNECT',
    upstream: null,
    lease: null,
    reused: false,
    waiting: [],
    framingUp: 'none',
    requestDone: false,
    sentBody: 0,
    headText: '',
    reply: null,
    headSent: false,
    responseStart: -1,
    responseHead: null,
    framingDown: 'none',
    closeDown: false,
    responseDone: false,
    upstreamKeepAlive: false,
    tunnel: false,
    takeover: null,
    takeoverEnd: null,
    failure: null,
    ending: COMPLETE,
    clientMinor: head.versionMinor,
    keepAlive: head.keepAlive,
    bodyParts: [],
    bodyHeld: 0,
    bodyKept: true,
    rule: null,
    edits: null,
    ruleId: null,
  };
}
