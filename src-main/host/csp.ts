// The Content-Security-Policy the UI is served with, by the web host (HTTP header) and by the
// Electron shell (app:// protocol responses). It repeats the renderer's own meta policy (see
// src-renderer/index.html; both apply, so the stricter wins): only the app's own scripts, no
// eval, no plugins; captured content is previewed in sandboxed iframes. The header adds what a
// meta cannot carry, and the web host narrows connect-src to its own ws:// origin.

export interface CspOptions {
  /** Extra connect-src sources, e.g. the web host's own ws:// origin. */
  connect?: string[];
}

export function rendererCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connect}`,
    "frame-src 'self' about: data:",
    "object-src 'none'",
    "base-uri 'none'",
    // Only possible in a header, not in the page's meta:
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
