// "Answer with a rule": a responder rule drafted from a captured exchange, so its response can be
// edited and served again. The rule matches the request's method and path; its response is the
// captured one as a structured response: the framing the server writes itself (Content-Length,
// Transfer-Encoding, Date, Connection) is left to it, and a body whose Content-Encoding can be
// undone into UTF-8 text becomes that text, so the editor shows something to edit.

import type { Message, ResponderRule } from '../protocol/types';
import { parseRequestMessage, parseResponseMessage } from '../engine/serialize';
import { headerValue, sameFieldName } from '../engine/semantics';
import { toBase64 } from '../capture/base64';
import { decodeContent } from '../capture/content-coding';
import { targetPath } from '../capture/responder';

/** The largest body a drafted rule carries inline (rules travel whole to the UI and the file). */
export const MAX_RULE_BODY_BYTES = 4 * 1024 * 1024;

/** Fields the server writes itself when it answers with a structured response. */
const FRAMING = ['content-length', 'transfer-encoding', 'date', 'connection', 'keep-alive'];

export type RuleDraft = { ok: true; rule: ResponderRule } | { ok: false; message: Message };

function failure(message: Message): RuleDraft {
  return { ok: false, message };
}

/** `bytes` as text when they are UTF-8 with no control characters but tab and line ends. */
function asText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return null;
  }
  return text;
}

/** A rule answering the exchange's request as it was answered; `id` names the new rule. */
export function ruleFromExchange(request: Uint8Array, response: Uint8Array, id: string): RuleDraft {
  const parsedRequest = parseRequestMessage(request);
  if (!parsedRequest.ok)
    return failure({
      key: 'ruleDraft.badRequest',
      text: 'The request is not valid HTTP, so no rule can match it.',
    });
  const { method, target } = parsedRequest.message;
  let rest = response;
  for (;;) {
    if (rest.length === 0)
      return failure({
        key: 'ruleDraft.noResponse',
        text: 'This request has no complete response to answer with.',
      });
    const parsed = parseResponseMessage(rest, method);
    if (!parsed.ok)
      return failure({
        key: 'ruleDraft.badResponse',
        text: 'The response is not valid HTTP (or was cut off), so it cannot be a rule’s answer.',
      });
    const { status, reason, headers, body, framing, length } = parsed.message;
    if (status === 101 || (method === 'CONNECT' && status >= 200 && status < 300))
      return failure({
        key: 'ruleDraft.switched',
        text: 'This response hands the connection to another protocol; a rule answers with HTTP only.',
      });
    if (status < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the rule is of the final one.
      rest = rest.subarray(length);
      continue;
    }
    const coding = headerValue(headers, 'content-encoding');
    const decoded = decodeContent(body, coding, MAX_RULE_BODY_BYTES + 1);
    const text = decoded.complete ? asText(decoded.bytes) : null;
    const bodyBytes = text === null ? body : decoded.bytes;
    if (bodyBytes.length > MAX_RULE_BODY_BYTES) {
      const mib = (bodyBytes.length / 1024 / 1024).toFixed(1);
      return failure({
        key: 'ruleDraft.tooLarge',
        text: `The body is ${mib} MiB; a rule holds at most 4 MiB inline. Save the body to a file and give the rule a file body.`,
        params: { mib },
      });
    }
    const chunked = framing === 'chunked';
    const kept = headers.filter(
      ([name]) =>
        !FRAMING.some((field) => sameFieldName(name, field)) &&
        !(text !== null && coding !== null && sameFieldName(name, 'content-encoding')),
    );
    const path = targetPath(target);
    return {
      ok: true,
      rule: {
        id,
        enabled: true,
        name: `${method} ${path}`,
        match: { method, path, mode: 'exact' },
        response: {
          kind: 'structured',
          status,
          reason,
          headers: kept,
          body: text !== null ? { type: 'text', text } : { type: 'base64', base64: toBase64(body) },
          autoContentLength: !chunked,
          autoDate: true,
          chunked,
        },
        delayMs: 0,
      },
    };
  }
}
