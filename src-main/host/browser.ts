// The Chromium family of intercepted browsers: where Chromium, Chrome, Edge and Brave are looked
// for, and the flags that start one with a fresh profile that sends everything through the proxy
// and accepts the local CA's certificates by their public key, so neither the user's own profile
// nor the system trust store is touched. intercept-launch.ts finds and starts them (and Firefox).

import { delimiter, join } from 'node:path';

/** Names on PATH, then fixed install locations, in order of preference. */
export function candidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(
      (root): root is string => typeof root === 'string' && root !== '',
    );
    const tails = [
      ['Google', 'Chrome', 'Application', 'chrome.exe'],
      ['Chromium', 'Application', 'chrome.exe'],
      ['Microsoft', 'Edge', 'Application', 'msedge.exe'],
      ['BraveSoftware', 'Brave-Browser', 'Application', 'brave.exe'],
    ];
    return roots.flatMap((root) => tails.map((tail) => join(root, ...tail)));
  }
  const names = [
    'chromium',
    'chromium-browser',
    'google-chrome',
    'google-chrome-stable',
    'microsoft-edge',
    'microsoft-edge-stable',
    'brave-browser',
  ];
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return names.flatMap((name) => dirs.map((dir) => join(dir, name)));
}

export interface BrowserLaunch {
  /** host:port of the proxy. */
  proxy: string;
  /** SPKI SHA-256 hashes (base64) whose certificates are accepted. */
  spki: string[];
  profileDir: string;
  url?: string;
  headless?: boolean;
}

/** The command-line flags of an intercepted browser. */
export function browserArgs(launch: BrowserLaunch): string[] {
  return [
    `--user-data-dir=${launch.profileDir}`,
    `--proxy-server=http://${launch.proxy}`,
    // Chromium bypasses the proxy for loopback by default; "<-loopback>" takes that away.
    '--proxy-bypass-list=<-loopback>',
    `--ignore-certificate-errors-spki-list=${launch.spki.join(',')}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    ...(launch.headless === true ? ['--headless=new'] : []),
    launch.url ?? 'about:blank',
  ];
}
