#!/usr/bin/env node
// Bundles the Node side (Electron shell, preload, CLI) into dist/main with esbuild.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  main: 'src-main/main.ts',
  preload: 'src-main/preload.ts',
  cli: 'src-main/host/cli.ts',
  'web-main': 'src-main/host/web-main.ts',
};
const present = Object.entries(entries).filter(([, file]) => existsSync(file));

for (const [name, file] of present) {
  const isPreload = name === 'preload';
  await build({
    entryPoints: [file],
    outfile: `dist/main/${name}.${isPreload ? 'cjs' : 'js'}`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // The preload runs sandboxed: CommonJS, only `electron` external.
    format: isPreload ? 'cjs' : 'esm',
    external: ['electron', 'ws', 'bufferutil', 'utf-8-validate'],
    sourcemap: true,
    logLevel: 'warning',
    banner: isPreload
      ? undefined
      : {
          js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        },
  });
}
console.log(`built ${present.map(([n]) => n).join(', ') || 'nothing'} into dist/main`);
