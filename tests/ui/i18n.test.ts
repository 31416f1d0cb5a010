// The UI catalogues: same keys in both languages, same placeholders, real Chinese text, and
// every key the components use exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../../src-renderer/lib/locales/en';
import { zhCN } from '../../src-renderer/lib/locales/zh-CN';
import { repoRoot } from './helpers';

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('en and zh-CN have exactly the same keys', () => {
  assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
});

test('each translation keeps the placeholders of the English text', () => {
  for (const [key, text] of Object.entries(en)) {
    assert.deepEqual(placeholders(zhCN[key as keyof typeof en]), placeholders(text), key);
  }
});

test('the Chinese catalogue is Chinese: no empty entries, and most entries contain Han characters', () => {
  const values = Object.values(zhCN);
  assert.ok(values.every((v) => v.trim().length > 0));
  const han = values.filter((v) => /\p{Script=Han}/u.test(v)).length;
  assert.ok(han / values.length > 0.9, `${han} of ${values.length} entries contain Chinese`);
});

test('every literal catalogue key used by the components exists', () => {
  const dir = join(repoRoot, 'src-renderer');
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(svelte|ts)$/.test(entry.name) && !full.includes('locales')) files.push(full);
    }
  };
  walk(dir);
  const used = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `found ${used.size} keys in use`);
  const missing = [...used].filter((key) => !(key in en));
  assert.deepEqual(missing, []);
});

test('every message key the Core sends has a translation in both catalogues', () => {
  const keys = new Set<string>();
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (full.endsWith('.ts')) {
        const source = readFileSync(full, 'utf8');
        for (const m of source.matchAll(/\{\s*key:\s*'([\w.]+)',\s*text\b/g)) keys.add(m[1]);
        for (const m of source.matchAll(/errorMessage\(\s*'([\w.]+)'/g)) keys.add(m[1]);
      }
    }
  };
  walk(join(repoRoot, 'src-main', 'capture'));
  walk(join(repoRoot, 'src-main', 'host'));
  assert.ok(keys.size >= 5, `found ${keys.size} message keys`);
  const missing = [...keys].filter((key) => !(`core.${key}` in en) || !(`core.${key}` in zhCN));
  assert.deepEqual(missing, []);
});
