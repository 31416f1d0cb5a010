// The text forms the Held panel edits: headers as "Name: value" lines, bodies as UTF-8 text
// (a body that is not UTF-8 goes back as it came unless it is typed anew).
import { base64ToBytes, bytesToBase64, utf8Bytes } from './bytes';

/** Headers as the panel shows them: one "Name: value" a line. */
export function headersText(headers: [string, string][]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** The lines back as pairs, or the 1-based number of the first line that is not "Name: value". */
export function parseHeaders(text: string): [string, string][] | number {
  const pairs: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return i + 1;
    pairs.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return pairs;
}

/** A body as text when it is UTF-8 (null when it is not: it is kept as it came). */
export function bodyText(base64: string): string | null {
  const bytes = base64ToBytes(base64);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The body to send back: the typed text, or the original bytes when it was not edited. */
export function bodyBase64(text: string | null, original: string): string {
  return text === null ? original : bytesToBase64(utf8Bytes(text));
}
