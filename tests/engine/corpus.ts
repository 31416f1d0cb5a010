// Reads llhttp's Markdown test corpus (../shared/corpus/llhttp) at run time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/corpus/llhttp', import.meta.url));

export interface CorpusMeta {
  type?: string;
  noScan?: boolean;
  pause?: string;
  skipBody?: boolean;
}

export interface CorpusCase {
  /** Path relative to the corpus root, e.g. `request/sample.md`. */
  file: string;
  /** The nearest heading above the case. */
  heading: string;
  /** `file > heading` (numbered when a file repeats a heading). */
  name: string;
  /** `http` or `url`. */
  block: string;
  meta: CorpusMeta;
  input: Uint8Array;
  log: string[];
}

/** Whether the corpus is present; when not, the reason to print. */
export function corpusAbsence(): string | null {
  return existsSync(CORPUS_DIR)
    ? null
    : `llhttp corpus not found at ${CORPUS_DIR} (it lives in ../shared next to the project)`;
}

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (name.endsWith('.md')) out.push(path);
  }
  return out;
}

/** The bytes of an input block: lines joined with CRLF, `\` continuations, C escapes. */
export function decodeInput(lines: string[]): Uint8Array {
  let text = '';
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const last = k === lines.length - 1;
    if (!last && line.endsWith('\\') && !line.endsWith('\\\\')) text += line.slice(0, -1);
    else text += last ? line : line + '\r\n';
  }
  const bytes: number[] = [];
  for (let p = 0; p < text.length; p++) {
    const ch = text[p];
    if (ch === '\\' && p + 1 < text.length) {
      const next = text[p + 1];
      const simple = { r: 13, n: 10, t: 9, f: 12 }[next];
      if (simple !== undefined) {
        bytes.push(simple);
        p++;
        continue;
      }
      const hex = /^x[0-9a-fA-F]{2}/.exec(text.slice(p + 1, p + 4));
      if (hex) {
        // llhttp's harness sends a \xHH escape as the UTF-8 bytes of that code point.
        for (const b of new TextEncoder().encode(
          String.fromCharCode(parseInt(hex[0].slice(1), 16)),
        )) {
          bytes.push(b);
        }
        p += 3;
        continue;
      }
      const octal = /^[0-7]{1,3}/.exec(text.slice(p + 1, p + 4));
      if (octal) {
        bytes.push(parseInt(octal[0], 8) & 0xff);
        p += octal[0].length;
        continue;
      }
    }
    // Non-ASCII characters of the Markdown file are sent as their UTF-8 bytes.
    for (const b of new TextEncoder().encode(ch)) bytes.push(b);
  }
  return Uint8Array.from(bytes);
}

function parseFile(path: string, file: string): CorpusCase[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const cases: CorpusCase[] = [];
  const seen = new Map<string, number>();
  let heading = file;
  let meta: CorpusMeta = {};
  let pending: { block: string; input: Uint8Array } | null = null;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (/^#+\s/.test(line)) {
      heading = line.replace(/^#+\s*/, '').trim();
      meta = {};
      continue;
    }
    const metaMatch = /^<!--\s*meta=(\{.*\})\s*-->/.exec(line);
    if (metaMatch) {
      meta = JSON.parse(metaMatch[1]) as CorpusMeta;
      continue;
    }
    const fence = /^```(\w+)\s*$/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    k++;
    while (k < lines.length && !lines[k].startsWith('```')) body.push(lines[k++]);
    const lang = fence[1];
    if (lang === 'http' || lang === 'url') {
      pending = { block: lang, input: decodeInput(body) };
    } else if (lang === 'log' && pending) {
      const count = (seen.get(heading) ?? 0) + 1;
      seen.set(heading, count);
      const name = `${file} > ${heading}${count > 1 ? ` (${count})` : ''}`;
      cases.push({
        file,
        heading,
        name,
        block: pending.block,
        meta,
        input: pending.input,
        log: body,
      });
      pending = null;
      meta = {};
    }
  }
  return cases;
}

/** Every case of the corpus, in file order. */
export function loadCorpus(dir: string = CORPUS_DIR): CorpusCase[] {
  return markdownFiles(dir).flatMap((path) =>
    parseFile(path, relative(dir, path).split('\\').join('/')),
  );
}
