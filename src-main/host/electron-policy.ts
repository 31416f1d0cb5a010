// Pure decisions of the Electron shell (which URLs are ours, which links may leave the app,
// which file an app:// URL names), kept free of Electron so they are tested in plain Node.

import { resolveStaticPath } from './static-path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'socketscope';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for URLs of the app's own pages (app://socketscope/…). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * True for what a subframe may navigate to: the renderer's sandboxed previews (srcdoc, blank,
 * data:) and the app's own pages. A link clicked inside a preview never loads the web.
 */
export function isSubframeUrl(url: string): boolean {
  if (url === 'about:srcdoc' || url === 'about:blank') return true;
  if (url.startsWith('data:')) return true;
  return isAppUrl(url);
}

/**
 * True when `url` points at the capture server listening on `port` over plain HTTP on
 * loopback: the only kind of link the app hands to the system browser.
 */
export function isCaptureServerUrl(url: string, port: number | null): boolean {
  const parsed = parse(url);
  if (parsed === null || port === null) return false;
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.hostname !== '127.0.0.1' && parsed.hostname !== 'localhost') return false;
  return Number(parsed.port || '80') === port;
}

/** The file under `root` that an app:// URL names, or null outside `root` or on bad input. */
export function appUrlToFile(root: string, url: string): string | null {
  const parsed = parse(url);
  if (parsed === null || !isAppUrl(url)) return null;
  return resolveStaticPath(root, parsed.pathname);
}
