// The byte view of a response as a browser reads it: every byte gets a span from the engine's
// browser reading (engine/browser-reading.ts), so bytes a browser reads past (a bare LF, an
// `HTTP/1.x` version, a leading empty line) are coloured for what they are to the browser,
// and the deviations themselves are marked on top of them.
import { fieldKey, type Annotation, type SpanKind } from '../../src-main/engine/annotate';
import { explanations } from '../../src-main/engine/explanations';
import type { AssembledMessage } from '../../src-main/engine/message';

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

function statusKey(code: number | null): string {
  const klass = code === null ? 0 : Math.floor(code / 100);
  return klass >= 1 && klass <= 5 ? `status-code.${klass}xx` : 'status-code';
}

function versionKey(version: string): string {
  if (version === 'HTTP/1.1') return 'version.1.1';
  if (version === 'HTTP/1.0') return 'version.1.0';
  return 'version';
}

/**
 * Spans for `bytes` read as `message` (the browser's reading). Bytes the reading does not cover
 * (ignored lines, bytes after the message) are `unparsed`; never throws on odd spans.
 */
export function browserAnnotations(bytes: Uint8Array, message: AssembledMessage): Annotation[] {
  const out: Annotation[] = [];
  let pos = 0;
  const push = (end: number, kind: SpanKind, key: string, field?: string): void => {
    const to = Math.min(Math.max(end, pos), bytes.length);
    if (to <= pos) return;
    const span: Annotation = {
      offset: pos,
      length: to - pos,
      kind,
      key,
      rfc: explanations[key]?.rfc ?? '',
      messageIndex: 0,
    };
    if (field !== undefined) span.field = field;
    const last = out[out.length - 1];
    if (last && last.kind === kind && last.key === key && kind !== 'crlf' && kind !== 'lf')
      last.length += span.length;
    else out.push(span);
    pos = to;
  };
  /** Line ends, colons and whitespace between tokens; anything else is unparsed. */
  const glue = (end: number, lineKey: string, field?: string, colon = false): void => {
    let sawColon = !colon;
    while (pos < Math.min(end, bytes.length)) {
      const byte = bytes[pos];
      if (byte === CR && bytes[pos + 1] === LF && pos + 1 < end)
        push(pos + 2, 'crlf', lineKey, field);
      else if (byte === LF) push(pos + 1, 'lf', 'lf', field);
      else if (byte === COLON && !sawColon) {
        sawColon = true;
        push(pos + 1, 'colon', 'colon', field);
      } else if (byte === SP || byte === HTAB)
        push(
          pos + 1,
          field === undefined ? 'sp' : 'ows',
          field === undefined ? 'sp' : 'ows',
          field,
        );
      else push(pos + 1, 'unparsed', 'unparsed', field);
    }
  };

  const head = message.head;
  glue(head.offset, 'crlf');
  // The start line: version, status code, reason phrase, each separated by SP.
  const lineEnd = head.startLineEnd ?? head.offset;
  let contentEnd = lineEnd;
  while (contentEnd > head.offset && (bytes[contentEnd - 1] === LF || bytes[contentEnd - 1] === CR))
    contentEnd--;
  let i = head.offset;
  while (i < contentEnd && bytes[i] !== SP) i++;
  push(i, 'version', versionKey(head.version));
  const blanks = (): void => {
    while (pos < contentEnd && (bytes[pos] === SP || bytes[pos] === HTAB))
      push(pos + 1, 'sp', 'sp');
  };
  blanks();
  let digits = pos;
  while (digits < contentEnd && digits - pos < 3 && bytes[digits] >= 0x30 && bytes[digits] <= 0x39)
    digits++;
  push(digits, 'status-code', statusKey(head.status));
  blanks();
  push(contentEnd, 'reason-phrase', 'reason-phrase');
  glue(lineEnd, 'crlf.start-line');

  for (const field of head.fields) {
    const name = field.name.toLowerCase();
    if (field.nameSpan.offset > pos) push(field.line.offset, 'unparsed', 'unparsed');
    glue(field.nameSpan.offset, 'crlf.field-line');
    const key = fieldKey(name);
    push(field.nameSpan.offset + field.nameSpan.length, 'field-name', key, name);
    glue(field.valueSpan.offset, 'crlf.field-line', name, true);
    push(field.valueSpan.offset + field.valueSpan.length, 'field-value', key, name);
    glue(field.line.offset + field.line.length, 'crlf.field-line', name);
  }
  // Ignored lines between the last field and the empty line.
  const emptyLineLength = bytes[head.headEnd - 2] === CR ? 2 : 1;
  const emptyStart = Math.max(pos, head.headEnd - emptyLineLength);
  if (emptyStart > pos) push(emptyStart, 'unparsed', 'unparsed');
  push(head.headEnd, 'empty-line', emptyLineLength === 1 ? 'empty-line.lf' : 'empty-line');
  const bodyEnd = Math.max(head.headEnd, message.span.offset + message.span.length);
  push(
    bodyEnd,
    head.framing === 'chunked' ? 'chunk-data' : 'body',
    head.framing === 'chunked' ? 'chunk-data' : 'body',
  );
  push(bytes.length, 'unparsed', 'unparsed');
  return out;
}
