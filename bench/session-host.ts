// The Core and web host of the session bench, in a process of their own (as the app's web host
// runs), so their memory is measured apart from the bench's browser driver:
// node --import tsx bench/session-host.ts HOME RENDERER_DIR. Prints one JSON line with the page
// URL and its pid, then runs until stdin closes.
import { createCore } from '../src-main/host/core';
import { startWebHost } from '../src-main/host/web';

const [home, rendererDir] = process.argv.slice(2);
if (!home || !rendererDir) {
  console.error('usage: session-host.ts HOME RENDERER_DIR');
  process.exit(2);
}
const core = await createCore({ home, settings: { port: 0 } });
const host = await startWebHost({ core, port: 0, rendererDir });
console.log(JSON.stringify({ url: host.url, pid: process.pid }));
const stop = async (): Promise<void> => {
  await host.close().catch(() => undefined);
  await core.close().catch(() => undefined);
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
