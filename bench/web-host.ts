// The Core and web host of the session and UI benches, in a process of their own (as the app's
// web host runs), so their memory and CPU are measured apart from the bench's clients and
// browser driver: node --import tsx bench/web-host.ts HOME RENDERER_DIR [ASSETS_DIR]. With
// ASSETS_DIR (the UI bench) the capture server starts too, on its default site, with the lesson
// marked seen (it would open over the inspector on a first start). Prints one JSON line with
// the page URL, the capture port (when started) and its pid, then runs until stdin closes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore } from '../src-main/host/core';
import { startWebHost } from '../src-main/host/web';

const [home, rendererDir, assetsDir] = process.argv.slice(2);
if (!home || !rendererDir) {
  console.error('usage: web-host.ts HOME RENDERER_DIR [ASSETS_DIR]');
  process.exit(2);
}
if (assetsDir) writeFileSync(join(home, 'settings.json'), '{ "lessonSeen": true }\n');
const core = await createCore({ home, settings: { port: 0 }, ...(assetsDir ? { assetsDir } : {}) });
const host = await startWebHost({ core, port: 0, rendererDir });
const server = assetsDir ? await core.call('server.start', { host: '127.0.0.1', port: 0 }) : null;
console.log(
  JSON.stringify({ url: host.url, ...(server ? { port: server.port } : {}), pid: process.pid }),
);
const stop = async (): Promise<void> => {
  await host.close().catch(() => undefined);
  await core.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
