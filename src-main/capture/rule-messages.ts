// The messages rule actions pass on, as data: edits applied to fields and bodies, and the
// request and response written anew from their parsed parts, with hop-by-hop fields dropped
// and the framing computed from the body as it is (Content-Length), never copied.

import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { MessageEdits, RuleBody } from '../protocol/types';
import {
  formatHead,
  hasHeader,
  headerValues,
  methodExpectsContent,
  sameFieldName,
  statusHasNoContent,
} from '../engine/semantics';
import { fieldPairs } from '../engine/message';
import { ClientConversation } from '../engine/client-conversation';
import type { ResponseHead } from './events';
import { encodeContent } from './content-coding';
import { endToEnd, isProxyOwned } from './proxy-heads';
import { decodeBase64, decodeHex, encodeHead } from './responder';
import type { UpstreamAddress } from './upstream-pool';

type Pairs = [string, string][];
const EMPTY = new Uint8Array(0);

/** The request as a rule sees it; `body` is null when it was too large to hold in memory. */
export interface ActionRequest {
  method: string;
  target: string;
  versionMinor: number;
  keepAlive: boolean;
  headers: Pairs;
  body: Uint8Array | null;
}

/** A response taken apart: what edits and holds work on. */
export interface Parts {
  status: number;
  reason: string;
  headers: Pairs;
  body: Uint8Array;
}

async function bodyBytes(body: RuleBody, rulesDir: string): Promise<Uint8Array | string> {
  if (body.type === 'text') return Buffer.from(body.text, 'utf8');
  if (body.type === 'file') {
    const full = isAbsolute(body.path) ? body.path : resolve(rulesDir, body.path);
    try {
      return await readFile(full);
    } catch (error) {
      return `The file ${full} could not be read (${(error as NodeJS.ErrnoException).code ?? 'EIO'}).`;
    }
  }
  const bytes = body.type === 'hex' ? decodeHex(body.hex) : decodeBase64(body.base64);
  return bytes ?? `Its ${body.type} body is not valid ${body.type}.`;
}

/**
 * Applies a rule's field edits: removals, then each set field in the first one's place. An edit
 * naming a field the proxy owns (framing, hop-by-hop: isProxyOwned) is left out, so a message's
 * framing is never an edit's, whether its body is held or streamed.
 */
export function editFields(
  headers: Pairs,
  edits: Pick<MessageEdits, 'setHeaders' | 'removeHeaders'>,
): Pairs {
  let fields = headers.filter(
    ([field]) =>
      !edits.removeHeaders.some((gone) => !isProxyOwned(gone) && sameFieldName(field, gone)),
  );
  for (const [setName, value] of edits.setHeaders) {
    if (isProxyOwned(setName)) continue;
    const at = fields.findIndex(([field]) => sameFieldName(field, setName));
    fields = fields.filter(([field]) => !sameFieldName(field, setName));
    fields.splice(at < 0 ? fields.length : at, 0, [setName, value]);
  }
  return fields;
}

/** Applies edits to fields (editFields) and a body. */
export async function edit(
  headers: Pairs,
  body: Uint8Array | null,
  edits: MessageEdits,
  rulesDir: string,
): Promise<{ headers: Pairs; body: Uint8Array | null } | string> {
  const fields = editFields(headers, edits);
  if (edits.body === null) return { headers: fields, body };
  const replaced = await bodyBytes(edits.body, rulesDir);
  if (typeof replaced === 'string') return replaced;
  // A Content-Encoding the edits set says how their body already is; one the message came with
  // is applied to the replacement, so the message still says what its body is.
  if (edits.setHeaders.some(([field]) => sameFieldName(field, CONTENT_ENCODING))) {
    return { headers: fields, body: replaced };
  }
  const encoded = encodeAs(fields, replaced);
  return typeof encoded === 'string' ? encoded : { headers: fields, body: encoded };
}

const CONTENT_ENCODING = 'Content-Encoding';

/** The fields' Content-Encoding (all of its fields, in order), or null when there is none. */
export function contentCodingOf(fields: Pairs): string | null {
  const values = headerValues(fields, CONTENT_ENCODING);
  return values.length === 0 ? null : values.join(', ');
}

/** `body` encoded as `fields` say it is, or a sentence when a coding is not one Socketscope does. */
export function encodeAs(fields: Pairs, body: Uint8Array): Uint8Array | string {
  const coding = contentCodingOf(fields);
  const encoded = encodeContent(body, coding);
  return (
    encoded ??
    `The body cannot be encoded as "${coding}" (Content-Encoding): remove that field, or set it with a body already encoded.`
  );
}

/** The request head and body sent upstream, always HTTP/1.1, framed by its length. */
export function requestBytes(
  request: ActionRequest,
  target: string,
  host: string | null,
  address: UpstreamAddress,
): Buffer {
  const body = request.body ?? EMPTY;
  const fields = endToEnd(request.headers).filter(
    ([field]) => !sameFieldName(field, 'content-length'),
  );
  const hostAt = fields.findIndex(([field]) => sameFieldName(field, 'host'));
  const named = address.host.includes(':') ? `[${address.host}]` : address.host;
  const hostValue = host ?? (hostAt >= 0 ? fields[hostAt]![1] : `${named}:${address.port}`);
  if (hostAt >= 0) fields[hostAt] = [fields[hostAt]![0], hostValue];
  else fields.unshift(['Host', hostValue]);
  const declared =
    hasHeader(request.headers, 'content-length') || hasHeader(request.headers, 'transfer-encoding');
  if (body.length > 0 || declared || methodExpectsContent(request.method)) {
    fields.push(['Content-Length', String(body.length)]);
  }
  fields.push(['Connection', 'close']);
  const head = Buffer.from(formatHead(`${request.method} ${target} HTTP/1.1`, fields), 'latin1');
  return Buffer.concat([head, body]);
}

/** A whole response read back into its parts (the server's own answer, to edit or hold). */
export function partsOf(bytes: Uint8Array, method: string): Parts | null {
  const conversation = new ClientConversation(
    Buffer.from(`${method} / HTTP/1.1\r\n\r\n`, 'latin1'),
  );
  for (const action of [...conversation.receive(bytes), ...conversation.end()]) {
    if (action.type === 'response' && !action.interim) {
      const head = action.message.head;
      return {
        status: head.status ?? 200,
        reason: head.reason ?? '',
        headers: fieldPairs(head.fields),
        body: action.message.body,
      };
    }
  }
  return null;
}

/** The response to the client, its head written anew: Content-Length of the body as it is now. */
export function responseBytes(
  parts: Parts,
  request: ActionRequest,
  bodyReplaced: boolean,
): { bytes: Buffer; head: ResponseHead; close: boolean } {
  const noBody = statusHasNoContent(parts.status) || (parts.status >= 100 && parts.status < 200);
  const isHead = request.method === 'HEAD';
  // A HEAD answer's Content-Length describes the GET body; it stays unless the body was replaced.
  const keepLength = isHead && !bodyReplaced;
  const fields = endToEnd(parts.headers).filter(
    ([field]) => keepLength || !sameFieldName(field, 'content-length'),
  );
  if (!noBody && !keepLength) fields.push(['Content-Length', String(parts.body.length)]);
  const close = !request.keepAlive;
  if (close) fields.push(['Connection', 'close']);
  else if (request.versionMinor === 0) fields.push(['Connection', 'keep-alive']);
  const head: ResponseHead = {
    version: 'HTTP/1.1',
    status: parts.status,
    reason: parts.reason,
    headers: fields,
  };
  const headBytes = encodeHead(head);
  const bytes = isHead || noBody ? headBytes : Buffer.concat([headBytes, parts.body]);
  return { bytes, head, close };
}
