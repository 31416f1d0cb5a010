// The web app as one start and one stop: the Core on a data folder (reopening the session that
// was current when it last stopped), its capture server, and the web host on the UI port and
// token remembered in that folder, so a tab left open reconnects by itself after a restart.

import { createCore, type Core, type CoreOptions } from './core';
import type { Message, ServerState } from '../protocol/types';
import { startWebHost, type WebHost } from './web';
import { readWebIdentity, webIdentityFile, writeWebIdentity } from './web-identity';

export interface WebAppOptions {
  /** The data folder (default: SOCKETSCOPE_HOME, else the platform's app-data folder). */
  home?: string;
  /** Capture server port (default: the Core's, 8080). */
  capturePort?: number;
  /** UI port: default the one remembered in the data folder, else any free one. */
  uiPort?: number;
  rendererDir: string;
  assetsDir?: string;
  faviconPath?: string;
  /** Passed to the Core (tests shorten its batches). */
  core?: Pick<CoreOptions, 'batchMs' | 'settings'>;
}

export interface WebApp {
  core: Core;
  host: WebHost;
  server: ServerState;
  /** One sentence each: what the start could not do as asked (a taken UI port, an unsaved token). */
  notes: Message[];
  close(): Promise<void>;
}

export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const core = await createCore({
    ...options.core,
    ...(options.home !== undefined ? { home: options.home } : {}),
    ...(options.assetsDir !== undefined ? { assetsDir: options.assetsDir } : {}),
    resume: true,
  });
  const notes: Message[] = [];
  let host: WebHost;
  try {
    const server = await core.call(
      'server.start',
      options.capturePort === undefined ? {} : { port: options.capturePort },
    );
    const identity = readWebIdentity(core.home);
    const wanted = options.uiPort ?? identity.port ?? 0;
    const hostOptions = {
      core,
      rendererDir: options.rendererDir,
      token: identity.token,
      ...(options.faviconPath !== undefined ? { faviconPath: options.faviconPath } : {}),
    };
    try {
      host = await startWebHost({ ...hostOptions, port: wanted });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || wanted === 0) throw error;
      host = await startWebHost({ ...hostOptions, port: 0 });
      notes.push({
        key: 'web.portTaken',
        text: `The UI port ${wanted} is taken, so the UI is on port ${host.port} this time: tabs open on ${wanted} do not reconnect.`,
        params: { wanted, port: host.port },
      });
    }
    const path = webIdentityFile(core.home);
    if (!writeWebIdentity(core.home, { port: host.port, token: host.token })) {
      notes.push({
        key: 'web.identityUnsaved',
        text: `The UI port and token could not be saved in ${path}, so open tabs will not reconnect after a restart.`,
        params: { path },
      });
    }
    const opened = host;
    return {
      core,
      host: opened,
      server,
      notes,
      async close() {
        try {
          await opened.close();
        } finally {
          await core.close();
        }
      },
    };
  } catch (error) {
    await core.close().catch(() => undefined);
    throw error;
  }
}
