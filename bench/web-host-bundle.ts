// The bench's Core and web host (bench/web-host.ts) bundled as the app's own Node code is
// (scripts/build-main.mjs): the app never runs through a TypeScript loader, whose compiler and
// worker thread would add some 75 MB and their CPU to the process being measured.
import { build } from 'esbuild';
import { join } from 'node:path';
import { repoRoot } from '../tests/ui/helpers';

let bundled: Promise<string> | null = null;

/** The path of the bundled bench host (built once per bench run), to run with plain `node`. */
export function webHostScript(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(repoRoot, 'dist', 'bench', 'web-host.mjs');
    await build({
      entryPoints: [join(repoRoot, 'bench', 'web-host.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['electron', 'ws', 'bufferutil', 'utf-8-validate'],
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    return outfile;
  })();
  return bundled;
}
