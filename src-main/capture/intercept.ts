// HTTPS interception: a CONNECT tunnel is answered with the local CA's leaf for the host the client
// names (SNI, else the CONNECT host), decrypted, and read as an HTTP connection of its own: a
// reverse proxy to that origin over TLS, verified against Node's trust store plus
// NODE_EXTRA_CA_CERTS unless the host is on the skip-verify list. The tunnel's raw bytes stay
// recorded on the CONNECT's connection; the decrypted ones on `<id>.tls`. Excluded hosts are
// tunnelled untouched.

import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { ServerLimits } from '../protocol/types';
import type { CaptureListener, WriteAhead } from './events';
import type { LocalCa } from './ca';
import { ProxyConnection, type TunnelEnd, type TunnelTakeover } from './proxy-connection';
import type { UpstreamPool } from './upstream-pool';
import type { Responder } from './responder';

export interface InterceptOptions {
  ca: LocalCa;
  pool: UpstreamPool;
  limits: ServerLimits;
  emit: CaptureListener;
  writeAhead: WriteAhead;
  /** Hosts passed through untouched (shown as tunnels). */
  passthrough: readonly string[];
  /** Hosts whose certificate is not verified. */
  insecure: readonly string[];
  /** Rules answer (or forward with edits, hold, fail) decrypted requests as they do plain ones. */
  responder?: Responder;
  /** A decrypted connection closed (what rules held for it goes nowhere). */
  forget?: (connectionId: string) => void;
}

/** A host matches `example.com` itself, or `*.example.com` any name under it. */
export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase();
  return patterns.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    if (wanted.startsWith('*.')) return name.endsWith(wanted.slice(1));
    return wanted === name;
  });
}

export function interceptor(options: InterceptOptions): TunnelTakeover {
  return (target, connectionId) => {
    if (hostMatches(target.host, options.passthrough)) return null;
    return (end) => decrypt(options, target, `${connectionId}.tls`, end);
  };
}

function decrypt(
  options: InterceptOptions,
  target: { host: string; port: number },
  id: string,
  end: TunnelEnd,
): void {
  // The client's side of the tunnel as a stream the TLS server reads and writes.
  const inner = new Duplex({
    read() {
      end.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      // Hold the TLS writer while the client is behind: the origin is paused in turn.
      if (end.write(chunk)) done();
      else end.onDrain(() => done());
    },
    final(done) {
      end.end();
      done();
    },
  });
  end.onData((bytes) => {
    if (!inner.push(Buffer.from(bytes))) end.pause();
  });
  end.onEnd(() => inner.push(null));
  void options.ca.context(target.host).then(
    (secureContext) => {
      let sni: string | null = null;
      const tls = new TLSSocket(inner, {
        isServer: true,
        secureContext,
        ALPNProtocols: ['http/1.1'],
        SNICallback: (name, done) => {
          sni = name;
          options.ca.context(name).then(
            (context) => done(null, context),
            (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
          );
        },
      });
      tls.on('error', () => tls.destroy());
      tls.once('secure', () => {
        const host = sni ?? target.host;
        new ProxyConnection(tls, {
          id,
          peer: end.peer,
          limits: options.limits,
          mode: {
            kind: 'reverse',
            upstream: {
              host,
              port: target.port,
              tls: true,
              insecure: hostMatches(host, options.insecure),
            },
            host: null,
          },
          pool: options.pool,
          emit: options.emit,
          writeAhead: options.writeAhead,
          closed: (done) => options.forget?.(done.id),
          ...(options.responder !== undefined ? { responder: options.responder } : {}),
        });
      });
      tls.on('close', () => end.end());
    },
    () => end.end(),
  );
}
