// Web mode: the real Core, the capture server on its default port, and the UI served by the web
// host to any browser, until SIGINT/SIGTERM. `npm start` runs this where Electron cannot start.
//   SOCKETSCOPE_PORT     capture server port (default: the Core's, 8080)
//   SOCKETSCOPE_UI_PORT  web host port (default: the one remembered in the data folder, else any
//                        free one; the token is remembered there too, so open tabs reconnect)
//   SOCKETSCOPE_HOME     data folder (default: the platform's app-data folder)

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserFacingError } from '../capture/fs-errors';
import type { Message } from '../protocol/types';
import { startWebApp } from './web-app';
import { NO_EXCHANGES } from '../protocol/exchange-interest';

function portFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a port number from 0 to 65535, not "${raw}".`);
  }
  return port;
}

function onPath(command: string): boolean {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(folder, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** The command that opens a URL in the default browser here, or null when there is none. */
function browserOpener(): string[] | null {
  if (process.env.CI || process.env.SOCKETSCOPE_NO_BROWSER) return null;
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  return onPath('xdg-open') ? ['xdg-open'] : null;
}

function openBrowser(url: string): void {
  const opener = browserOpener();
  if (opener === null) return;
  const [command, ...args] = opener;
  if (command === undefined) return;
  const child = spawn(command, [...args, url], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

async function main(): Promise<void> {
  const capturePort = portFromEnv('SOCKETSCOPE_PORT');
  const uiPort = portFromEnv('SOCKETSCOPE_UI_PORT');
  // This file runs bundled as dist/main/web-main.js.
  const here = dirname(fileURLToPath(import.meta.url));

  const app = await startWebApp({
    ...(capturePort !== undefined ? { capturePort } : {}),
    ...(uiPort !== undefined ? { uiPort } : {}),
    rendererDir: join(here, '..', 'renderer'),
    assetsDir: join(here, '..', '..', 'assets'),
    faviconPath: join(here, '..', '..', 'assets', 'favicon.ico'),
  });
  const { core, host, server } = app;
  // What opening the session found, a settings file it cannot read, why the last session was
  // not reopened: each said once, here, though its notice may also arrive below.
  const said = new Set<string>();
  const say = (message: Message): void => {
    if (said.has(message.text)) return;
    said.add(message.text);
    console.error(message.text);
  };
  for (const warning of core.sessionWarnings()) say(warning);
  for (const notice of (await core.call('settings.get', {})).notices) say(notice);
  // Later warnings and errors (a full disk, what a stop could not save) also reach the terminal.
  core.subscribe(
    (events) => {
      for (const event of events)
        if (event.type === 'notice' && event.level !== 'info' && !said.delete(event.message.text))
          console.error(event.message.text);
    },
    { data: false, interest: NO_EXCHANGES },
  );
  const problem = (await core.call('snapshot', {})).rulesProblem;
  if (problem) console.error(problem.message.text);
  if (server.message) console.log(server.message.text);
  if (server.url) console.log(`Capture server listening: ${server.url}`);
  else console.log(`Capture server is ${server.status}.`);
  for (const note of app.notes) console.error(note.text);
  console.log(`Socketscope UI: ${host.url}  (session ${core.sessionDir()})`);
  console.log('Press Ctrl-C to stop.');
  openBrowser(host.url);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    console.log(`Stopping (${signal})…`);
    setTimeout(() => {
      console.error('Shutdown took longer than 10 s; exiting.');
      process.exit(1);
    }, 10_000).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Socketscope did not stop cleanly: ${sentence(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** An error as the one sentence a person reads (never a stack trace). */
function sentence(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  // A user-facing error already says what happened, where and what to do.
  console.error(
    error instanceof UserFacingError
      ? error.message
      : `Socketscope could not start: ${sentence(error)}`,
  );
  process.exit(1);
});
