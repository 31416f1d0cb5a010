// The web host: serves the built renderer over HTTP and the Core protocol over a WebSocket at
// /ws, on 127.0.0.1 only. A random token (in the page URL) and an Origin check keep other pages
// and other local users' browsers from driving the Core.

import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, type CoreApi } from '../protocol/types';
import type { HarSink } from './har-tasks';
import { rendererCsp } from './csp';
import { openFrameChannel, UNKNOWN_FRAME_ID } from './frames';
import { contentTypeFor } from './content-types';
import { resolveStaticPath } from './static-path';
import { formatHead, statusLine } from '../engine/semantics';

/** A Core that can also stream a HAR export (the real one does); the host then offers a download. */
export type WebHostCore = CoreApi & {
  exportHar?: (
    params: { exchangeIds?: string[]; taskId?: string },
    sink: HarSink,
  ) => Promise<{ exported: number; cancelled: boolean }>;
};

export interface WebHostOptions {
  core: WebHostCore;
  host?: '127.0.0.1';
  /** 0 picks any free port. */
  port?: number;
  rendererDir?: string;
  /** Served at /favicon.ico when the renderer folder has none (browsers ask for it). */
  faviconPath?: string;
  /**
   * Largest accepted WebSocket frame (default MAX_FRAME_BYTES; bigger messages come in parts);
   * larger ones close the socket (1009).
   */
  maxPayloadBytes?: number;
  /** The page's secret (default: a new random one); a remembered one lets open tabs reconnect. */
  token?: string;
}

export interface WebHost {
  /** The page to open, token included. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Room for the part envelope of a client that measures characters, not bytes. */
const DEFAULT_MAX_PAYLOAD = MAX_FRAME_BYTES + 1024;
const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;
export const EXPORT_PATH = '/export.har';

/** Compares two secrets in constant time whatever their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

async function isFile(path: string | null): Promise<boolean> {
  if (path === null) return false;
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function rawDataText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data)).toString('utf8');
  return data.toString('utf8');
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    formatHead(statusLine('HTTP/1.1', status, reason), [
      ['Connection', 'close'],
      ['Content-Length', '0'],
    ]),
  );
  socket.destroy();
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('The web host binds to 127.0.0.1 only.');
  const rendererDir = resolve(options.rendererDir ?? 'dist/renderer');
  const token = options.token ?? randomBytes(24).toString('base64url');
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
    perMessageDeflate: false,
  });
  let origin = '';
  let headers: Record<string, string> = {};

  const allowedHosts = (): string[] => {
    const port = origin.slice(origin.lastIndexOf(':') + 1);
    return [`127.0.0.1:${port}`, `localhost:${port}`];
  };

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      sendText(res, 421, 'Misdirected request.\n', headers);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed.\n', { ...headers, Allow: 'GET, HEAD' });
      return;
    }
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (rawPath === EXPORT_PATH) {
      await serveExport(req, res);
      return;
    }
    let file = resolveStaticPath(rendererDir, rawPath);
    if (rawPath === '/favicon.ico' && options.faviconPath && !(await isFile(file)))
      file = options.faviconPath;
    if (file === null) {
      sendText(res, 404, 'Not found.\n', headers);
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': contentTypeFor(file),
        'Content-Length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      sendText(res, 404, 'Not found.\n', headers);
    }
  }

  /**
   * GET /export.har?token=…[&ids=a,b][&task=…]: the HAR document, streamed as it is written (a
   * session of any size downloads without being held in memory). The token is required as on
   * the WebSocket; the page triggers it with a link, so the Origin is not checked.
   */
  async function serveExport(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) {
      sendText(res, 401, 'Unauthorized.\n', headers);
      return;
    }
    const core = options.core;
    if (req.method !== 'GET' || !core.exportHar) {
      sendText(res, 405, 'Method not allowed.\n', { ...headers, Allow: 'GET' });
      return;
    }
    const ids = url.searchParams.get('ids');
    const task = url.searchParams.get('task');
    const name = (url.searchParams.get('name') ?? 'socketscope').replace(/[^\w.-]+/g, '-');
    let started = false;
    let gone = false;
    res.on('close', () => {
      gone = !res.writableFinished;
    });
    const sink: HarSink = async (text) => {
      if (gone) throw new Error('The download was cancelled.');
      if (!started) {
        started = true;
        res.writeHead(200, {
          ...headers,
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Disposition': `attachment; filename="${name.slice(0, 80) || 'socketscope'}.har"`,
        });
      }
      if (!res.write(text)) await new Promise<void>((resolve) => res.once('drain', resolve));
    };
    try {
      await core.exportHar(
        {
          ...(ids ? { exchangeIds: ids.split(',').filter((id) => id !== '') } : {}),
          ...(task ? { taskId: task } : {}),
        },
        sink,
      );
      res.end();
    } catch (error) {
      if (!started) {
        sendText(res, 400, `${error instanceof Error ? error.message : String(error)}\n`, headers);
      } else res.destroy();
    }
  }

  const server = createServer((req, res) => {
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error.\n', headers);
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request');
      return;
    }
    if (url.pathname !== '/ws') {
      rejectUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (req.headers.origin !== origin) {
      rejectUpgrade(socket, 403, 'Forbidden');
      return;
    }
    if (!sameSecret(url.searchParams.get('token') ?? '', token)) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    // Raw `data` events only for a client that asks for them (`/ws?…&data=1`); the UI does not.
    const data = new URL(req.url ?? '/', origin).searchParams.get('data') === '1';
    const send = (_frame: unknown, text: string): void => {
      if (ws.readyState !== ws.OPEN) return;
      // A client that stops reading would make the queue grow without bound: drop it; the UI
      // reconnects and takes a fresh snapshot.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(text);
    };
    const channel = openFrameChannel(options.core, send, { data });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        channel.receive({
          ok: false,
          id: UNKNOWN_FRAME_ID,
          code: 'BAD_FRAME',
          message: 'Frames are JSON text, not binary.',
        });
        return;
      }
      channel.incoming.text(rawDataText(data));
    });
    ws.on('close', () => channel.close());
    ws.on('error', () => channel.close());
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The web host has no TCP address.');
  const port = address.port;
  origin = `http://${host}:${port}`;
  headers = securityHeaders(rendererCsp({ connect: [`ws://${host}:${port}`] }));

  return {
    url: `${origin}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolveClose) => wss.close(() => resolveClose()));
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
