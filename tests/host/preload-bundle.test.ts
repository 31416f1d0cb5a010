// The preload runs sandboxed, where `require` knows only a few Electron modules: its bundle must
// pull in nothing but `electron` and its own small modules, and expose one global.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';

test('the preload bundle requires only electron and exposes only window.socketscope', async () => {
  const result = await build({
    entryPoints: ['src-main/preload.ts'],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  assert.deepEqual(inputs, ['src-main/host/ipc-channel.ts', 'src-main/preload.ts']);
  const code = result.outputFiles[0]?.text ?? '';
  const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(required)], ['electron']);
  const exposed = [...code.matchAll(/exposeInMainWorld\(\s*["']([^"']+)["']/g)].map((m) => m[1]);
  assert.deepEqual(exposed, ['socketscope']);
  assert.doesNotMatch(
    code,
    /exposeInMainWorld\([^)]*ipcRenderer\s*\)/,
    'ipcRenderer itself is never exposed',
  );
});
