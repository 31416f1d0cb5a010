// The Content-Security-Policy the UI is served with, by the web host (HTTP header) and by the
// Electron shell (app:// protocol responses). It matches the renderer's own meta policy: only
// the app's own scripts, no eval, no plugins, no framing; captured content is previewed in
// sandboxed iframes (srcdoc), whose images may be data: or blob: URLs.

export interface CspOptions {
  /** Extra connect-src sources, e.g. the web host's own ws:// origin. */
  connect?: string[];
}

export function rendererCsp(options: CspOptions = {}): string {
  const connect = ["'self'", ...(options.connect ?? [])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "frame-src 'self' blob: data:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
