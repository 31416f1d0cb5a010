// The Firefox the real-browser tests start; where there is none (or no certutil to trust the CA
// with), the test is skipped with its reason printed.
import type { TestContext } from 'node:test';
import type { InterceptBrowser } from '../../src-main/protocol/types';
import { findBrowsers } from '../../src-main/host/intercept-launch';
import { skipBecause } from '../skip';

export function installedFirefoxOrSkip(t: TestContext): InterceptBrowser | null {
  const firefox = findBrowsers().find((b) => b.family === 'firefox');
  const why =
    firefox === undefined
      ? 'no Firefox is installed (Debian package firefox-esr)'
      : firefox.limitation !== null
        ? 'certutil is not installed (Debian package libnss3-tools)'
        : null;
  if (why === null) return firefox!;
  skipBecause(t, why);
  return null;
}
