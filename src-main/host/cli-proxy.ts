// The proxy's own commands: `socketscope ca` (the local CA for HTTPS interception) and
// `socketscope browser` (a forward proxy with interception, and a browser started through it by
// the Intercept tab's launcher, with a fresh profile).

import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandResult, InterceptBrowser, Message, ServerState } from '../protocol/types';
import { CA_CERT_FILE, LocalCa } from '../capture/ca';
import { createCore } from './core';
import { checkKind, checkUrl, findBrowsers, pickBrowser } from './intercept-launch';
import { caFolder, defaultHome } from './paths';
import { proxyUrl, terminalLines } from './terminal-env';

export const CA_HELP = `Usage: socketscope ca [--path | --spki | --regenerate | --env [--port P] [--powershell]]

The local certificate authority that signs the certificates of intercepted HTTPS sites. It is
made on first use in the data folder (ca/ca-cert.pem; its key ca/ca-key.pem is readable by you
only) and never added to any trust store by Socketscope.

  --path        print the CA certificate's path (for curl --cacert, NODE_EXTRA_CA_CERTS, …)
  --spki        print the SHA-256 of its public key in base64, which Chromium's
                --ignore-certificate-errors-spki-list takes
  --regenerate  make a new CA (certificates trusted through the old one stop being accepted)
  --env         the lines that send a terminal's programs through the proxy on 127.0.0.1:P
                (default 8080) and make them trust the CA: eval "$(socketscope ca --env)";
                with --powershell, as PowerShell lines

Without an option: the path and the SPKI hash.`;

export const BROWSER_HELP = `Usage: socketscope browser [URL] [--browser KIND] [--headless] [--port P] [--session DIR] [--passthrough HOSTS] [--insecure-host HOSTS]

Starts a forward proxy with HTTPS interception and a browser with a fresh, throwaway profile that
sends everything through it (loopback included) and trusts the local CA: Chromium, Chrome, Edge
and Brave by the CA's key (--ignore-certificate-errors-spki-list), Firefox through its profile's
own certificate store (written with NSS's certutil, Debian package libnss3-tools; without it
Firefox still starts, and its HTTPS pages show a certificate error). Your own browser profile and
the system trust store are not touched. Everything the browser sends and gets is recorded in a
session; open it in the app to look at it. Ends when the browser closes, or on Ctrl-C (which
closes the browser and removes its profile). The same browsers as the app's Intercept tab.

  URL                    the page to open (a bare host gets https://; default a blank page)
  --browser KIND         chromium, chrome, edge, brave or firefox (default: SOCKETSCOPE_BROWSER
                         when set, else the first of the Chromium family found, else Firefox)
  --headless             start the browser without a window (no display, scripts)
  --port P               the proxy's port (default: a free one)
  --session DIR          record into this session folder (default: a new one)
  --passthrough HOSTS    hosts (comma-separated, *.example.com for a domain) tunnelled untouched
  --insecure-host HOSTS  hosts whose certificate is not verified (self-signed dev servers)

SOCKETSCOPE_BROWSER names the browser's executable when it is not found.`;

/** A comma-separated host list, as the options take it. */
export function hostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
}

export async function caCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      path: { type: 'boolean' },
      spki: { type: 'boolean' },
      regenerate: { type: 'boolean' },
      env: { type: 'boolean' },
      port: { type: 'string' },
      powershell: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${CA_HELP}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port takes a port number from 1 to 65535, not ${values.port}.`);
  }
  const ca = await LocalCa.open(caFolder(defaultHome()), values.regenerate === true);
  if (values.env) {
    const shell = values.powershell === true ? 'powershell' : 'posix';
    process.stdout.write(terminalLines(proxyUrl('127.0.0.1', port), ca.certPath, shell));
  } else if (values.path) process.stdout.write(`${ca.certPath}\n`);
  else if (values.spki) process.stdout.write(`${ca.spki}\n`);
  else process.stdout.write(`${ca.certPath}\nSPKI SHA-256: ${ca.spki}\n`);
  return 0;
}

export interface ServeMode {
  /** `--upstream`: a reverse proxy to this URL ('' for none). */
  upstream: string;
  rewriteHost: boolean;
  /** `--proxy`: a forward proxy. */
  proxy: boolean;
  intercept: boolean;
}

/** Where `serve` keeps the local CA's certificate (made on first use). */
export function caCertificatePath(): string {
  return join(caFolder(defaultHome()), CA_CERT_FILE);
}

/**
 * What `serve` says under "Listening on …" in a proxy mode: what happens to a request and how to
 * point a client at it; '' for the plain server.
 */
export function proxyBanner(
  kind: ServerState['proxy'],
  mode: ServeMode,
  port: number,
  caPath: string,
): string {
  if (kind === 'reverse') {
    const host = mode.rewriteHost ? "its Host set to the upstream's" : 'its Host kept';
    return `Reverse proxy: each request goes on to ${mode.upstream}, ${host}.\n`;
  }
  if (kind === null) return '';
  const lines = [
    `Forward proxy: send clients through ${proxyUrl('127.0.0.1', port)} (HTTP_PROXY, HTTPS_PROXY, a browser's proxy setting).`,
    mode.intercept
      ? `HTTPS is decrypted and recorded, with certificates signed by the local CA ${caPath}; to send a terminal's programs through it and trust the CA: eval "$(socketscope ca --env --port ${port})"`
      : 'HTTPS passes through as tunnels, recorded as bytes each way (--intercept decrypts it).',
  ];
  return `${lines.join('\n')}\n`;
}

/** A mistake in how the command was called: one sentence, exit code 2. */
export class UsageError extends Error {}

function browserOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        browser: { type: 'string' },
        headless: { type: 'boolean' },
        port: { type: 'string' },
        session: { type: 'string' },
        passthrough: { type: 'string' },
        'insecure-host': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)} (see "socketscope browser --help").`,
    );
  }
}

export async function browserCommand(args: string[]): Promise<number> {
  const { values, positionals } = browserOptions(args);
  if (values.help) {
    process.stdout.write(`${BROWSER_HELP}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Give one URL, not ${positionals.length} (see "socketscope browser --help").`,
    );
  }
  const kind = values.browser === undefined ? undefined : checkKind(values.browser);
  if (typeof kind === 'object') throw new UsageError(kind.message.text);
  const url = checkUrl(positionals[0]);
  if (typeof url !== 'string') throw new UsageError(url.message.text);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port takes a port number, not ${values.port}.`);
  }
  // The same search as the Intercept tab's, before anything starts.
  const browser = pickBrowser(findBrowsers(), kind);
  if ('message' in browser) throw new Error(browser.message.text);

  let ended: (failure: Message | null) => void = () => {};
  const end = new Promise<Message | null>((resolve) => (ended = resolve));
  const core = await createCore({
    home: defaultHome(),
    ...(values.session !== undefined ? { sessionDir: resolve(values.session) } : {}),
    intercept: {
      headless: values.headless === true,
      onEnded: (_launched, failure) => ended(failure),
    },
  });
  const stopped = (code: number): Promise<number> =>
    core.close().then(
      () => code,
      () => 1,
    );
  const state = await core.call('server.start', {
    host: '127.0.0.1',
    port,
    upstream: '',
    proxy: true,
    intercept: true,
    passthroughHosts: hostList(values.passthrough),
    insecureHosts: hostList(values['insecure-host']),
  });
  if (state.status !== 'listening') {
    await core.close();
    throw new Error(state.message?.text ?? `The proxy could not start (${state.status}).`);
  }
  let result: CommandResult<'intercept.launch'>;
  try {
    result = await core.call('intercept.launch', { browserId: browser.id, url });
  } catch (error) {
    await stopped(1);
    throw error;
  }
  if (result.launched === null) {
    const why =
      result.message?.key === 'intercept.noDisplay'
        ? noDisplay()
        : (result.message ?? {
            key: 'intercept.launchFailed',
            text: `${browser.name} could not start: no reason was given.`,
            params: { browser: browser.name, detail: 'no reason was given.' },
          });
    process.stderr.write(`socketscope: ${why.text}\n`);
    return stopped(1);
  }
  const launched = result.launched;
  // A taken --port fell back to a free one: say so.
  if (state.message) process.stderr.write(`socketscope: ${state.message.text}\n`);
  process.stdout.write(say(proxyListening(state.port, core.sessionDir())));
  process.stdout.write(say(browserStarted(browser, launched.profileDir)));
  // Started, with a limit (a Firefox whose store could not be given the CA).
  if (result.message) process.stderr.write(`socketscope: ${result.message.text}\n`);
  process.stdout.write(say(howToStop()));

  let onSignal = (): void => {};
  const signalled = new Promise<null>((resolve) => (onSignal = () => resolve(null)));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const failure = await Promise.race([end, signalled]);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (failure) process.stderr.write(`socketscope: ${failure.text}\n`);
  // Closing the Core closes the browser (its process group) and removes its profile.
  return stopped(failure ? 1 : 0);
}

function say(message: Message): string {
  return `${message.text}\n`;
}

function proxyListening(port: number, session: string): Message {
  return {
    key: 'intercept.cliProxy',
    text: `Proxy on 127.0.0.1:${port} (session ${session})`,
    params: { port, session },
  };
}

function browserStarted(browser: InterceptBrowser, profile: string): Message {
  return {
    key: 'intercept.cliStarted',
    text: `Started ${browser.name} (${browser.path}) with a fresh profile in ${profile}.`,
    params: { browser: browser.name, path: browser.path, profile },
  };
}

function noDisplay(): Message {
  return {
    key: 'intercept.cliNoDisplay',
    text: 'There is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so a browser window cannot open: run this in your desktop session, or add --headless.',
  };
}

function howToStop(): Message {
  return {
    key: 'intercept.cliStop',
    text: 'Close the browser or press Ctrl-C to stop.',
  };
}
