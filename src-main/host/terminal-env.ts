// The lines that send a terminal program through the proxy and make it trust the local CA: one
// source for the Intercept panel and `socketscope ca --env`.

/** The variables, in order, and what reads them. */
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'] as const;
const CA_VARIABLES = [
  'NODE_EXTRA_CA_CERTS', // Node (added to its own store)
  'SSL_CERT_FILE', // OpenSSL-based tools, Ruby, Go on Linux
  'REQUESTS_CA_BUNDLE', // Python requests
  'CURL_CA_BUNDLE', // curl
] as const;

export type Shell = 'posix' | 'powershell';

export interface TerminalLines {
  posix: string;
  powershell: string;
}

/** `host:port` as a proxy URL's authority (an IPv6 address in brackets). */
export function proxyUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function posixQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function powershellQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One `name=value` pair per line, proxy first (curl reads only the lower-case `http_proxy`, so
 * both cases are set), then the CA file for each kind of program.
 */
export function terminalPairs(proxy: string, caPath: string): [string, string][] {
  return [
    ...PROXY_VARIABLES.map((name): [string, string] => [name, proxy]),
    ...CA_VARIABLES.map((name): [string, string] => [name, caPath]),
  ];
}

/** The lines to paste in a shell, for `proxy` (a URL) and the CA certificate at `caPath`. */
export function terminalLines(proxy: string, caPath: string, shell: Shell): string {
  const pairs = terminalPairs(proxy, caPath);
  // PowerShell's environment names are not case-sensitive on Windows: one of each is enough.
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const [name, value] of pairs) {
    if (shell === 'posix') {
      lines.push(`export ${name}=${posixQuote(value)}`);
      continue;
    }
    if (seen.has(name.toUpperCase())) continue;
    seen.add(name.toUpperCase());
    lines.push(`$env:${name} = ${powershellQuote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function allTerminalLines(proxy: string, caPath: string): TerminalLines {
  return {
    posix: terminalLines(proxy, caPath, 'posix'),
    powershell: terminalLines(proxy, caPath, 'powershell'),
  };
}
