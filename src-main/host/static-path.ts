// Maps a URL path to a file inside a folder, for the web host and the app:// protocol alike.

import { join, resolve, sep } from 'node:path';

/**
 * The file under `root` that `urlPath` names ("/" and "dir/" name their index.html), or null
 * when it would leave `root` or cannot be a file name (NUL, backslash, bad percent-encoding).
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').includes('..')) return null;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const base = resolve(root);
  const full = resolve(join(base, relative));
  return full.startsWith(base + sep) ? full : null;
}
