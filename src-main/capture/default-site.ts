// The default site: the classic socket-server exercise. `/` is a page with an image, so a browser
// visibly makes a second request for `/test.jpg`; everything else explains why it is a 404.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SitePage {
  status: number;
  reason: string;
  contentType: string;
  body: Buffer;
  /** Extra headers (e.g. Allow). */
  headers: [string, string][];
  /** Same bytes for every request: the responder may cache the whole response. */
  cacheable: boolean;
}

/** Methods registered in RFC 9110 §9 (and PATCH): known, even when the default site refuses them. */
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);
const ALLOW = 'GET, HEAD, OPTIONS';

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Socketscope test page</title>
</head>
<body>
<h1>Hello from Socketscope</h1>
<p>This page was sent by Socketscope's socket server. It contains one image:</p>
<img src="test.jpg" alt="test image" width="240" height="160">
<p>Look at the Socketscope window: your browser made two requests, <code>GET /</code> for this page
and then <code>GET /test.jpg</code> for the image (its <code>Referer</code> names this page).</p>
</body>
</html>
`;

/** The project's assets/ folder (test.jpg, favicon.ico). */
export function defaultAssetsDir(): string {
  return fileURLToPath(new URL('../../assets', import.meta.url));
}

const HTML_SPECIAL = /[&<>"']/;

function escapeHtml(text: string): string {
  // Most paths have nothing to escape.
  if (!HTML_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function htmlText(status: number, reason: string, title: string, paragraphs: string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${status} ${reason}: ${title}</title></head>
<body>
<h1>${status} ${reason}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
<p><a href="/">Back to the test page</a></p>
</body>
</html>
`;
}

function htmlBody(status: number, reason: string, body: string): SitePage {
  return {
    status,
    reason,
    contentType: 'text/html; charset=utf-8',
    body: Buffer.from(body, 'utf8'),
    headers: [],
    cacheable: false,
  };
}

function htmlPage(status: number, reason: string, title: string, paragraphs: string[]): SitePage {
  return htmlBody(status, reason, htmlText(status, reason, title, paragraphs));
}

/** The 404 page around the path, written once: a request pays only for its own path. */
const PATH_MARK = '\u0000path\u0000';
const [NOT_FOUND_BEFORE, NOT_FOUND_AFTER] = htmlText(404, 'Not Found', 'Not found', [
  `There is nothing at <code>${PATH_MARK}</code> on this server.`,
  'The default site has three resources: <code>/</code> (a page), <code>/test.jpg</code> (the image the page shows) and <code>/favicon.ico</code>.',
  'Add a responder rule in Socketscope to answer this path with anything you like.',
]).split(PATH_MARK);

function readAsset(dir: string, name: string): Buffer | null {
  try {
    return readFileSync(join(dir, name));
  } catch {
    return null;
  }
}

export class DefaultSite {
  private readonly index: SitePage;
  private readonly image: SitePage;
  private readonly icon: SitePage;
  private readonly options: SitePage;

  constructor(assetsDir: string) {
    this.index = {
      status: 200,
      reason: 'OK',
      contentType: 'text/html; charset=utf-8',
      body: Buffer.from(INDEX_HTML, 'utf8'),
      headers: [],
      cacheable: true,
    };
    this.image = this.assetPage(assetsDir, 'test.jpg', 'image/jpeg');
    this.icon = this.assetPage(assetsDir, 'favicon.ico', 'image/x-icon');
    this.options = {
      status: 204,
      reason: 'No Content',
      contentType: '',
      body: Buffer.alloc(0),
      headers: [['Allow', ALLOW]],
      cacheable: true,
    };
  }

  private assetPage(dir: string, name: string, contentType: string): SitePage {
    const bytes = readAsset(dir, name);
    if (bytes === null) {
      return htmlPage(500, 'Internal Server Error', 'Missing asset', [
        `The default site serves <code>${name}</code> from <code>${escapeHtml(dir)}</code>, but the file could not be read.`,
      ]);
    }
    return { status: 200, reason: 'OK', contentType, body: bytes, headers: [], cacheable: true };
  }

  /** The page for a method and a path (the target's path without its query). */
  page(method: string, path: string): SitePage {
    if (method === 'GET' || method === 'HEAD') {
      if (path === '/' || path === '/index.html') return this.index;
      if (path === '/test.jpg') return this.image;
      if (path === '/favicon.ico') return this.icon;
      return htmlBody(404, 'Not Found', NOT_FOUND_BEFORE + escapeHtml(path) + NOT_FOUND_AFTER);
    }
    if (method === 'OPTIONS') return this.options;
    if (method === 'CONNECT') {
      return htmlPage(501, 'Not Implemented', 'Not a proxy', [
        'CONNECT asks a proxy to open a tunnel. Socketscope is not a proxy: it answers requests itself.',
      ]);
    }
    if (KNOWN_METHODS.has(method)) {
      const page = htmlPage(405, 'Method Not Allowed', 'Method not allowed', [
        `The default site answers GET, HEAD and OPTIONS; <code>${escapeHtml(method)}</code> is a known method that it does not support here.`,
        'Add a responder rule in Socketscope to answer it.',
      ]);
      page.headers.push(['Allow', ALLOW]);
      return page;
    }
    return htmlPage(501, 'Not Implemented', 'Unknown method', [
      `<code>${escapeHtml(method)}</code> is a valid method token, but not a method this server knows (RFC 9110 §9.1: a server answers 501 to a method it does not recognise).`,
      'A responder rule can match any method: add one in Socketscope to answer it.',
    ]);
  }

  /** The page the tutorial-exact answer sends for every path but `/test.jpg`. */
  tutorialPage(): Buffer {
    return this.index.body;
  }

  /** The JPEG the tutorial-exact answer sends for `/test.jpg` (the 500 page if it is missing). */
  tutorialImage(): Buffer {
    return this.image.body;
  }
}
