// Bench code bundled as the app's own Node code is (scripts/build-main.mjs): the app never runs
// through a TypeScript loader, whose compiler and worker thread would add some 75 MB and their
// CPU to the process being measured. The UI and session benches run the Core's web host
// (bench/web-host.ts) so; the server and proxy benches run their children from their own file,
// bundled.
import { build } from 'esbuild';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Used only where this file runs from bench/ (a bundle that imports it never calls it). */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const bundles = new Map<string, Promise<string>>();

/** The path of `entry` bundled (built once per bench run), to run with plain `node`. */
export function bundledScript(entry: string): Promise<string> {
  let bundled = bundles.get(entry);
  if (bundled === undefined) {
    const outfile = join(repoRoot, 'dist', 'bench', basename(entry).replace(/\.ts$/, '.mjs'));
    bundled = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      // As the app's build; the baselines and the load generator run as published.
      external: [
        'electron',
        'ws',
        'bufferutil',
        'utf-8-validate',
        'mockttp',
        'autocannon',
        'esbuild',
      ],
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    }).then(() => outfile);
    bundles.set(entry, bundled);
  }
  return bundled;
}

/** The bench host (bench/web-host.ts), bundled. */
export function webHostScript(): Promise<string> {
  return bundledScript(join(repoRoot, 'bench', 'web-host.ts'));
}
