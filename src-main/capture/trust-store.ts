// The certificates an upstream's chain is checked against: Node's bundled store and
// NODE_EXTRA_CA_CERTS, plus the operating system's store where the runtime can read it
// (`tls.getCACertificates('system')`, Node 22.15 and later, so Electron's Node). On an older
// Node, connections keep Node's default store.

import * as tls from 'node:tls';

type CertificateKind = 'default' | 'system';
/** The part of `node:tls` this needs; `getCACertificates` is absent on older Node versions. */
export interface CertificateSource {
  getCACertificates?: (kind: CertificateKind) => string[];
}

/**
 * Node's default list followed by the system's certificates it lacks, or null when there is no
 * system store to add (then Node's default applies unchanged).
 */
export function trustedCertificates(source: CertificateSource): string[] | null {
  if (typeof source.getCACertificates !== 'function') return null;
  let system: string[];
  try {
    system = source.getCACertificates('system');
  } catch {
    return null;
  }
  if (system.length === 0) return null;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pem of [...source.getCACertificates('default'), ...system]) {
    const key = pem.trim();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(pem);
  }
  return out;
}

let context: tls.SecureContext | null | undefined;

/**
 * The secure context for connections to upstreams, made once (parsing the store per connection
 * would cost milliseconds each), or undefined for Node's default.
 */
export function upstreamSecureContext(): tls.SecureContext | undefined {
  if (context === undefined) {
    const ca = trustedCertificates(tls as CertificateSource);
    context = ca === null ? null : tls.createSecureContext({ ca });
  }
  return context ?? undefined;
}
