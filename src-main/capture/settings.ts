// Default server settings and how partial settings combine with them.

import type { ServerLimits, ServerSettings } from '../protocol/types';

export const DEFAULT_LIMITS: ServerLimits = {
  maxHeadBytes: 64 * 1024,
  maxTargetLength: 8 * 1024,
  maxBodyBytes: 10 * 1024 * 1024,
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  // Sized for a desktop machine; idle connections make room for new ones at the limit.
  maxConnections: 4096,
  minBytesPerSecond: 500,
  maxBodyInMemoryBytes: 1024 * 1024,
};

export const DEFAULT_SETTINGS: ServerSettings = {
  host: '127.0.0.1',
  port: 8080,
  tutorialExact: false,
  limits: DEFAULT_LIMITS,
};

export type SettingsPatch = Partial<Omit<ServerSettings, 'limits'>> & {
  limits?: Partial<ServerLimits>;
};

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : fallback;
}

/** Applies `patch` over `base`, ignoring values of the wrong type or out of range. */
export function mergeSettings(base: ServerSettings, patch: SettingsPatch = {}): ServerSettings {
  const limits = patch.limits ?? {};
  const port =
    typeof patch.port === 'number' &&
    Number.isInteger(patch.port) &&
    patch.port >= 0 &&
    patch.port <= 65535
      ? patch.port
      : base.port;
  return {
    host: typeof patch.host === 'string' && patch.host.length > 0 ? patch.host : base.host,
    port,
    tutorialExact:
      typeof patch.tutorialExact === 'boolean' ? patch.tutorialExact : base.tutorialExact,
    ...proxySettings(base, patch),
    limits: {
      maxHeadBytes: positiveInteger(limits.maxHeadBytes, base.limits.maxHeadBytes),
      maxTargetLength: positiveInteger(limits.maxTargetLength, base.limits.maxTargetLength),
      maxBodyBytes: positiveInteger(limits.maxBodyBytes, base.limits.maxBodyBytes),
      headerTimeoutMs: positiveInteger(limits.headerTimeoutMs, base.limits.headerTimeoutMs),
      idleTimeoutMs: positiveInteger(limits.idleTimeoutMs, base.limits.idleTimeoutMs),
      maxConnections: positiveInteger(limits.maxConnections, base.limits.maxConnections),
      minBytesPerSecond: positiveInteger(limits.minBytesPerSecond, base.limits.minBytesPerSecond),
      maxBodyInMemoryBytes: positiveInteger(
        limits.maxBodyInMemoryBytes,
        base.limits.maxBodyInMemoryBytes,
      ),
    },
  };
}

/** The proxy fields: an empty upstream string turns the reverse proxy off. */
function proxySettings(base: ServerSettings, patch: SettingsPatch): ProxyFields {
  const out: ProxyFields = {};
  const upstream = typeof patch.upstream === 'string' ? patch.upstream.trim() : base.upstream;
  if (upstream !== undefined && upstream !== '') out.upstream = upstream;
  const rewriteHost = typeof patch.rewriteHost === 'boolean' ? patch.rewriteHost : base.rewriteHost;
  if (rewriteHost === true) out.rewriteHost = true;
  const proxy = typeof patch.proxy === 'boolean' ? patch.proxy : base.proxy;
  if (proxy === true) out.proxy = true;
  const intercept = typeof patch.intercept === 'boolean' ? patch.intercept : base.intercept;
  if (intercept === true) out.intercept = true;
  const passthrough = hostList(patch.passthroughHosts) ?? base.passthroughHosts;
  if (passthrough !== undefined && passthrough.length > 0) out.passthroughHosts = passthrough;
  const insecure = hostList(patch.insecureHosts) ?? base.insecureHosts;
  if (insecure !== undefined && insecure.length > 0) out.insecureHosts = insecure;
  return out;
}

type ProxyFields = Pick<
  ServerSettings,
  'upstream' | 'rewriteHost' | 'proxy' | 'intercept' | 'passthroughHosts' | 'insecureHosts'
>;

function hostList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
}
