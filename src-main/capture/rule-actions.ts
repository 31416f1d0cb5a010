// The rule actions beside an answer: forward with edits, break (hold for a UI) and fail. They
// work on whole messages: the request as received (its body held), the upstream's answer read
// whole by the replay client, and every head written anew by rule-messages.ts, so no edit can
// leave the framing wrong and no ambiguous framing passes on (the server conversation refused
// that before a rule ran). A forward rule whose edits are only to heads (streamedEdits) is not
// run here by a proxy: its messages stream through proxy-connection.ts with those edits.

import type { HeldRequest, HeldResponse, Message, ResponderRule } from '../protocol/types';
import { reasonPhrase } from '../engine/semantics';
import { replay } from './client';
import { parseAbsolute } from './proxy-heads';
import type { ProxyMode } from './proxy-connection';
import type { UpstreamAddress } from './upstream-pool';
import type { Holds, HoldOutcome } from './holds';
import { errorResponse, type PreparedResponse } from './responder';
import { decodeContent, knownCodings } from './content-coding';
import {
  contentCodingOf,
  edit,
  encodeAs,
  partsOf,
  requestBytes,
  responseBytes,
  type ActionRequest,
  type Parts,
} from './rule-messages';

export type { ActionRequest };

type ActionRule = ResponderRule & {
  response: Extract<ResponderRule['response'], { kind: 'forward' | 'break' | 'fail' }>;
};

/** Where a request goes on, as the server's mode says. */
export interface ActionRoute {
  /** The upstream for a target and the target to send it; null when there is none. */
  upstream(
    target: string,
  ): { address: UpstreamAddress; target: string; host: string | null } | null;
  /** The server's own answer (the default site) when there is no upstream; absent: none. */
  local?(request: ActionRequest): PreparedResponse | Promise<PreparedResponse>;
}

export interface ActionContext {
  connectionId: string;
  holds: Holds;
  route: ActionRoute;
  rulesDir: string;
  notice(level: 'info' | 'warn', message: Message): void;
  /** How long the upstream has to answer (default 60 s). */
  responseTimeoutMs?: number;
}

const EMPTY = new Uint8Array(0);
/** The largest upstream answer a rule reads whole. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export function isAction(rule: ResponderRule): rule is ActionRule {
  const kind = rule.response.kind;
  return kind === 'forward' || kind === 'break' || kind === 'fail';
}

/** A forward action. */
export type ForwardEdits = Extract<ResponderRule['response'], { kind: 'forward' }>;

/**
 * The edits of a forward rule that a proxy applies to heads as its messages stream: none replaces
 * a body, and the status is not made an interim one (1xx). Null: the action runs whole (runAction).
 */
export function streamedEdits(rule: ResponderRule): ForwardEdits | null {
  const action = rule.response;
  if (action.kind !== 'forward' || action.request.body !== null) return null;
  const { body, status } = action.response;
  if (body !== null || (status !== null && status < 200)) return null;
  return action;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((done) => (ms > 0 ? setTimeout(done, ms) : done()));

/** Runs a rule's action for a complete request; never rejects. */
export async function runAction(
  rule: ActionRule,
  request: ActionRequest,
  ctx: ActionContext,
): Promise<PreparedResponse> {
  try {
    return await run(rule, request, ctx);
  } catch (error) {
    return failure(rule, 500, `Rule "${name(rule)}" could not run: ${String(error)}`, ctx);
  }
}

async function run(
  rule: ActionRule,
  request: ActionRequest,
  ctx: ActionContext,
): Promise<PreparedResponse> {
  const action = rule.response;
  if (action.kind === 'fail' && action.mode !== 'delay') {
    await sleep(rule.delayMs);
    return ended(rule, action.mode === 'reset');
  }
  let sent: ActionRequest = request;
  if (action.kind === 'forward') {
    const edited = await edit(request.headers, request.body, action.request, ctx.rulesDir);
    if (typeof edited === 'string') return failure(rule, 500, edited, ctx);
    sent = { ...request, headers: edited.headers, body: edited.body };
  } else if (action.kind === 'break' && action.request) {
    const shownRequest = held(request);
    const outcome = await ctx.holds.hold(
      {
        connectionId: ctx.connectionId,
        ruleId: rule.id,
        ruleName: rule.name,
        stage: 'request',
        request: shownRequest,
        response: null,
      },
      action.timeoutMs,
    );
    if (outcome.kind === 'aborted' || outcome.kind === 'gone') return ended(rule, false);
    const edited = releasedRequest(outcome);
    if (edited !== null) {
      // A body too large to hold was never shown for editing: it stays unheld (and unsent).
      const body = request.body === null ? null : releasedBody(edited, shownRequest);
      if (typeof body === 'string') return failure(rule, 500, body, ctx);
      sent = {
        ...request,
        method: edited.method,
        target: edited.target,
        headers: edited.headers,
        body,
      };
      ctx.notice('info', {
        key: 'holds.requestEdited',
        text: `Rule "${name(rule)}": the request went on as edited: ${sent.method} ${sent.target} (${sent.body?.length ?? 0} body bytes).`,
        params: {
          rule: name(rule),
          what: `${sent.method} ${sent.target}`,
          bytes: sent.body?.length ?? 0,
        },
      });
    }
  }
  const answer = await obtain(rule, sent, ctx);
  if ('bytes' in answer) return answer;
  let parts: Parts = answer;
  let bodyReplaced = false;
  if (action.kind === 'forward') {
    const edits = action.response;
    const edited = await edit(parts.headers, parts.body, edits, ctx.rulesDir);
    if (typeof edited === 'string') return failure(rule, 500, edited, ctx);
    bodyReplaced = edits.body !== null;
    parts = { ...parts, headers: edited.headers, body: edited.body ?? EMPTY };
    if (edits.status !== null)
      parts = { ...parts, status: edits.status, reason: reasonPhrase(edits.status) };
  } else if (action.kind === 'break' && action.response) {
    const shownResponse = heldParts(parts);
    const outcome = await ctx.holds.hold(
      {
        connectionId: ctx.connectionId,
        ruleId: rule.id,
        ruleName: rule.name,
        stage: 'response',
        request: held(sent),
        response: shownResponse,
      },
      action.timeoutMs,
    );
    if (outcome.kind === 'aborted' || outcome.kind === 'gone') return ended(rule, false);
    const edited = outcome.kind === 'released' ? outcome.response : null;
    if (edited !== null) {
      const body = releasedBody(edited, shownResponse);
      if (typeof body === 'string') return failure(rule, 500, body, ctx);
      parts = {
        status: edited.status,
        reason: edited.reason,
        headers: edited.headers,
        body,
      };
      bodyReplaced = true;
    }
  }
  await sleep(rule.delayMs);
  const { bytes, head, close } = responseBytes(parts, sent, bodyReplaced);
  return { bytes, head, ruleId: rule.id, close, delayMs: 0, notice: null };
}

function name(rule: ResponderRule): string {
  return rule.name || rule.id;
}

function releasedRequest(outcome: HoldOutcome): HeldRequest | null {
  return outcome.kind === 'released' ? outcome.request : null;
}

/** No answer: the connection is reset (RST) or closed (FIN). */
function ended(rule: ActionRule, reset: boolean): PreparedResponse {
  return {
    bytes: EMPTY,
    head: null,
    ruleId: rule.id,
    close: true,
    delayMs: 0,
    notice: null,
    reset,
    closeReason: reset ? 'rule-reset' : 'rule-close',
  };
}

/** An answer the rule makes itself (500, 502, 504) that says why, with a notice. */
function failure(
  rule: ResponderRule,
  status: number,
  text: string,
  ctx: ActionContext,
): PreparedResponse {
  const { bytes, head } = errorResponse(status, text, [['X-Socketscope-Rule', rule.id]]);
  ctx.notice('warn', {
    key: 'rules.actionFailed',
    text: `${text} The client got ${status}.`,
    params: { detail: text, status },
  });
  return { bytes, head, ruleId: rule.id, close: true, delayMs: 0, notice: null };
}

function held(request: ActionRequest): HeldRequest {
  return {
    method: request.method,
    target: request.target,
    headers: request.headers,
    ...heldBody(request.headers, request.body ?? EMPTY),
  };
}

function heldParts(parts: Parts): HeldResponse {
  return {
    status: parts.status,
    reason: parts.reason,
    headers: parts.headers,
    ...heldBody(parts.headers, parts.body),
  };
}

/** The most of a coded body a hold shows decoded; a larger one is shown as it came. */
const MAX_DECODED_HOLD = 16 * 1024 * 1024;

/** A held body as the user edits it: decoded from a Content-Encoding Socketscope can redo. */
function heldBody(
  headers: [string, string][],
  body: Uint8Array,
): { bodyBase64: string; decodedFrom?: string } {
  const coding = contentCodingOf(headers);
  if (coding !== null && knownCodings(coding)) {
    const decoded = decodeContent(body, coding, MAX_DECODED_HOLD);
    if (decoded.complete) {
      return { bodyBase64: Buffer.from(decoded.bytes).toString('base64'), decodedFrom: coding };
    }
  }
  return { bodyBase64: Buffer.from(body).toString('base64') };
}

/** A released body, encoded again (as its released fields say) when it was shown decoded. */
function releasedBody(
  released: HeldRequest | HeldResponse,
  shown: HeldRequest | HeldResponse,
): Uint8Array | string {
  const body = Buffer.from(released.bodyBase64, 'base64');
  return shown.decodedFrom === undefined ? body : encodeAs(released.headers, body);
}

async function obtain(
  rule: ActionRule,
  request: ActionRequest,
  ctx: ActionContext,
): Promise<Parts | PreparedResponse> {
  const upstream = ctx.route.upstream(request.target);
  if (upstream === null) {
    if (rule.response.kind === 'forward' || ctx.route.local === undefined) {
      return failure(
        rule,
        502,
        `Rule "${name(rule)}" forwards ${request.method} ${request.target}, but there is no upstream to forward it to: start the server with an upstream (reverse proxy) or as a forward proxy.`,
        ctx,
      );
    }
    const local = await ctx.route.local(request);
    if (local.bytes.length === 0) return local;
    return partsOf(local.bytes, request.method) ?? local;
  }
  if (request.body === null) {
    return failure(
      rule,
      502,
      `Rule "${name(rule)}": the request body is too large to hold for the rule, so it was not forwarded.`,
      ctx,
    );
  }
  const { address } = upstream;
  const bytes = requestBytes(request, upstream.target, upstream.host, address);
  const where = `${address.host}:${address.port}`;
  const result = await replay({
    target: {
      host: address.host,
      port: address.port,
      tls: address.tls,
      insecure: address.insecure === true,
    },
    bytes,
    responseTimeoutMs: ctx.responseTimeoutMs ?? 60_000,
  });
  const final = [...result.responses].reverse().find((response) => response.head.status >= 200);
  if (final === undefined || result.response.length > MAX_RESPONSE_BYTES) {
    const detail =
      result.response.length > MAX_RESPONSE_BYTES
        ? `answered more than ${MAX_RESPONSE_BYTES} bytes, more than a rule reads whole`
        : result.error !== null
          ? `failed: ${result.error.message}`
          : result.parseError !== null
            ? `answered bytes that are not HTTP: ${result.parseError.reason}`
            : 'closed the connection without answering';
    const timedOut = result.error?.code === 'RESPONSE_TIMEOUT';
    return failure(rule, timedOut ? 504 : 502, `The upstream ${where} ${detail}.`, ctx);
  }
  return {
    status: final.head.status,
    reason: final.head.reason,
    headers: final.head.headers,
    body: final.body,
  };
}

/** Where a proxy's requests go on: its upstream (reverse), or each absolute-form target's origin. */
export function proxyRoute(mode: ProxyMode): ActionRoute {
  return {
    upstream: (target) => {
      if (mode.kind === 'reverse') return { address: mode.upstream, target, host: mode.host };
      const absolute = parseAbsolute(target);
      if (absolute === null) return null;
      const { host, port, tls } = absolute;
      return { address: { host, port, tls }, target: absolute.path, host: null };
    },
  };
}
