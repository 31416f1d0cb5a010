// electron-builder configuration (`npm run dist`). electron-builder loads .ts configs itself
// (through jiti) and takes the default export.

import type { Configuration } from 'electron-builder';

const config: Configuration = {
  appId: 'dev.socketscope.app',
  productName: 'Socketscope',
  copyright: 'Copyright © Socketscope contributors',
  directories: {
    output: 'release',
    buildResources: 'build',
  },
  // The main process, preload and renderer are bundled into dist/; assets/ holds the default
  // site's files (test.jpg, favicon) that the capture server answers with.
  files: ['dist/**', '!dist/**/*.map', 'assets/**', 'package.json'],
  asar: true,
  extraMetadata: { main: 'dist/main/main.js' },
  // Turn off what a packaged app never needs (see docs/security.md, "fuses").
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'build/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    icon: 'build/icon.icns',
  },
  dmg: {
    title: 'Socketscope',
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    icon: 'build/icon.png',
    maintainer: 'Socketscope contributors <socketscope@users.noreply.github.com>',
    synopsis: 'HTTP request inspector with a raw socket server',
    description:
      'A desktop HTTP request inspector: a raw TCP socket server with a hand-written HTTP/1.x engine, live capture, response editing and replay.',
  },
  deb: {
    priority: 'optional',
  },
};

export default config;
