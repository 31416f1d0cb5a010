// Converts llhttp's Markdown corpus (../shared/corpus/llhttp) into the project's conformance data
// (tests/engine/data/llhttp/): cases.json, with llhttp's LICENSE and COMMIT copied beside it.
// Regenerate with: node --import tsx tests/engine/convert-corpus.ts
// conformance.test.ts checks that the copy equals a fresh conversion wherever ../shared exists.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { LenientFlags } from '../../src-main/engine/events';
import { CORPUS_DIR, loadCorpus, type CorpusCase } from './corpus';
import { LLHTTP_CASES, latin1String, type DataCase, type DataFile } from './conformance-data';

/** llhttp's lenient mode names → the engine's flags. */
const LENIENT_NAMES: Record<string, keyof LenientFlags> = {
  headers: 'headers',
  'chunked-length': 'chunkedLength',
  'keep-alive': 'keepAlive',
  'transfer-encoding': 'transferEncoding',
  version: 'version',
  'data-after-close': 'dataAfterClose',
  'optional-lf-after-cr': 'optionalLfAfterCr',
  'optional-crlf-after-chunk': 'optionalCrlfAfterChunk',
  'optional-cr-before-lf': 'optionalCrBeforeLf',
  'spaces-after-chunk-size': 'spacesAfterChunkSize',
  'header-value-relaxed': 'headerValueRelaxed',
};

const TOKEN_KINDS = new Set([
  'method',
  'url',
  'protocol',
  'version',
  'header_field',
  'header_value',
  'status',
  'chunk_extension_name',
  'chunk_extension_value',
]);

/** The expected items of an llhttp log, in the runner's normal form. */
export function expectedItems(log: string[], input: Uint8Array): string[] {
  const items: string[] = [];
  const open = new Map<string, { start: number; end: number }>();
  let protocolStart = -1;
  for (const line of log) {
    const m = /^off=(\d+|NULL) (.*)$/.exec(line.trim());
    if (!m) continue;
    const off = m[1] === 'NULL' ? -1 : Number(m[1]);
    const rest = m[2];
    const span = /^len=(\d+) span\[([\w.]+)\]=/.exec(rest);
    if (span) {
      const kind = span[2];
      const len = Number(span[1]);
      if (kind === 'body') {
        const last = items[items.length - 1];
        const prev = last && /^body (\d+) (\d+)$/.exec(last);
        if (prev && Number(prev[1]) + Number(prev[2]) === off) {
          items[items.length - 1] = `body ${prev[1]} ${Number(prev[2]) + len}`;
        } else {
          items.push(`body ${off} ${len}`);
        }
      } else if (kind.startsWith('url.')) {
        items.push(`${kind} ${off} ${len}`);
      } else {
        const cur = open.get(kind);
        if (cur) cur.end = off + len;
        else open.set(kind, { start: off, end: off + len });
      }
      continue;
    }
    const complete = /^(\w+) complete$/.exec(rest);
    if (complete && TOKEN_KINDS.has(complete[1])) {
      const kind = complete[1];
      const cur = open.get(kind);
      open.delete(kind);
      if (kind === 'protocol') {
        protocolStart = cur ? cur.start : -1;
      } else if (kind === 'version') {
        if (cur && protocolStart >= 0)
          items.push(`version ${protocolStart} ${cur.end - protocolStart}`);
      } else if (cur && cur.end > cur.start) {
        let end = cur.end;
        // The engine's field name and value exclude trailing whitespace (RFC 9110 §5.5); llhttp's spans do not.
        if (kind === 'header_value' || kind === 'header_field') {
          while (end > cur.start && (input[end - 1] === 0x20 || input[end - 1] === 0x09)) end--;
        }
        items.push(`${kind} ${cur.start} ${end - cur.start}`);
      }
      continue;
    }
    if (rest === 'message begin') {
      items.push(`begin ${off}`);
      protocolStart = -1;
      continue;
    }
    const head =
      /^headers complete (?:method=\d+|status=(\d+)) v=(\d+)\/(\d+) flags=\w+ content_length=(\d+)$/.exec(
        rest,
      );
    if (head) {
      const status = head[1] ? ` status=${head[1]}` : '';
      items.push(`headers ${off} v=${head[2]}/${head[3]}${status} cl=${head[4]}`);
      continue;
    }
    const chunk = /^chunk header len=(\d+)$/.exec(rest);
    if (chunk) {
      items.push(`chunk ${off} size=${chunk[1]}`);
      continue;
    }
    if (rest === 'chunk complete') {
      items.push(`chunkComplete ${off}`);
      continue;
    }
    if (rest === 'message complete') {
      items.push(`complete ${off}`);
      continue;
    }
    const error = /^error code=(\d+) /.exec(rest);
    if (error) {
      // llhttp's code 22 (HPE_PAUSED_UPGRADE) is where it hands the connection over.
      items.push(error[1] === '22' ? `upgrade ${off}` : `error ${off}`);
      break;
    }
    const finish = /^finish=(\d+)$/.exec(rest);
    if (finish) items.push(`finish=${finish[1]}`);
  }
  return items;
}

/** One llhttp case in the project's format. */
export function convertCase(c: CorpusCase): DataCase {
  const out: DataCase = {
    name: c.name,
    kind: 'request',
    input: latin1String(c.input),
    expect: expectedItems(c.log, c.input),
  };
  if (c.block === 'url') {
    out.kind = 'url';
  } else {
    const type = c.meta.type ?? 'request';
    const m = /^(request|response)(?:-(finish|lenient-(.+)))?$/.exec(type);
    if (!m) throw new Error(`${c.name}: unknown case type ${type}`);
    out.kind = m[1] as 'request' | 'response';
    if (m[3] === 'all') {
      out.lenient = Object.values(LENIENT_NAMES);
    } else if (m[3] !== undefined) {
      const flag = LENIENT_NAMES[m[3]];
      if (!flag) throw new Error(`${c.name}: unknown lenient flag ${m[3]}`);
      out.lenient = [flag];
    }
    if (m[2] === 'finish') out.finish = true;
  }
  if (c.meta.skipBody) out.skipBody = true;
  if (c.meta.noScan) out.noScan = true;
  if (c.meta.pause !== undefined || c.file.endsWith('pausing.md')) out.pause = true;
  return out;
}

export function convertCorpus(dir: string = CORPUS_DIR): DataFile {
  return {
    source: {
      name: 'llhttp test corpus (https://github.com/nodejs/llhttp, test/)',
      commit: readFileSync(`${dir}/COMMIT`, 'utf8').trim(),
      licence: 'MIT, see LICENSE beside this file',
    },
    cases: loadCorpus(dir).map(convertCase),
  };
}

/** The file's text as stored: prettier's JSON, bytes outside printable ASCII escaped. */
export async function formatData(data: DataFile, path: string): Promise<string> {
  const json = JSON.stringify(data).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const options = (await resolveConfig(path)) ?? {};
  return format(json, { ...options, filepath: path });
}

async function main(): Promise<void> {
  const data = convertCorpus();
  const folder = dirname(LLHTTP_CASES);
  mkdirSync(folder, { recursive: true });
  writeFileSync(LLHTTP_CASES, await formatData(data, LLHTTP_CASES));
  for (const name of ['LICENSE', 'COMMIT']) {
    writeFileSync(`${folder}/${name}`, readFileSync(`${CORPUS_DIR}/${name}`));
  }
  console.log(`${data.cases.length} cases written to ${LLHTTP_CASES}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
