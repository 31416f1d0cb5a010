// The proxy's own commands: `socketscope ca` (the local CA for HTTPS interception) and
// `socketscope browser` (a forward proxy with interception, and a Chromium-family browser with a
// fresh profile that goes through it).

import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalCa } from '../capture/ca';
import { findBrowser, launchBrowser } from './browser';
import { createCore } from './core';
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

export const BROWSER_HELP = `Usage: socketscope browser [URL] [--port P] [--session DIR] [--passthrough HOSTS] [--insecure-host HOSTS]

Starts a forward proxy with HTTPS interception and a Chromium, Chrome, Edge or Brave with a fresh
profile that sends everything through it (loopback included) and accepts the local CA's
certificates. Your own browser profile and the system trust store are not touched. Everything the
browser sends and gets is recorded in a session; open it in the app to look at it. Ends when the
browser closes, or on Ctrl-C.

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

export async function browserCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      session: { type: 'string' },
      passthrough: { type: 'string' },
      'insecure-host': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${BROWSER_HELP}\n`);
    return 0;
  }
  const executable = findBrowser();
  if (executable === null) {
    throw new Error(
      'No Chromium, Chrome, Edge or Brave was found. Install one, or name its executable in SOCKETSCOPE_BROWSER.',
    );
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port takes a port number, not ${values.port}.`);
  }
  const home = defaultHome();
  const ca = await LocalCa.open(caFolder(home));
  const core = await createCore({
    home,
    ...(values.session !== undefined ? { sessionDir: resolve(values.session) } : {}),
  });
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
  const { child, profileDir } = launchBrowser(executable, {
    proxy: `127.0.0.1:${state.port}`,
    spki: [ca.spki, await ca.leafSpki()],
    ...(positionals[0] !== undefined ? { url: positionals[0] } : {}),
  });
  process.stdout.write(
    `Proxy on 127.0.0.1:${state.port} (session ${core.sessionDir()})\nStarted ${executable} with a fresh profile in ${profileDir}.\nClose the browser or press Ctrl-C to stop.\n`,
  );
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (code: number): void => {
      if (stopping) return;
      stopping = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      // The profile was made for this run only.
      child.once('exit', () => rmSync(profileDir, { recursive: true, force: true }));
      if (child.exitCode !== null) rmSync(profileDir, { recursive: true, force: true });
      core.close().then(
        () => done(code),
        () => done(1),
      );
    };
    child.once('exit', () => stop(0));
    child.once('error', (error) => {
      process.stderr.write(`socketscope: the browser could not start: ${error.message}\n`);
      stop(1);
    });
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
  });
}
