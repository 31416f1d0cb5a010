// The Firefox the real-browser tests start, or why they cannot (printed with the skip).
import type { InterceptBrowser } from '../../src-main/protocol/types';
import { findBrowsers } from '../../src-main/host/intercept-launch';

export function installedFirefox(): { firefox: InterceptBrowser } | { skip: string } {
  const firefox = findBrowsers().find((b) => b.family === 'firefox');
  if (firefox === undefined)
    return { skip: 'no Firefox is installed (Debian package firefox-esr)' };
  if (firefox.limitation !== null) {
    return { skip: 'certutil is not installed (Debian package libnss3-tools)' };
  }
  return { firefox };
}
