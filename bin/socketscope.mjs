#!/usr/bin/env node
// Runs the built CLI (dist/main/cli.js); in a checkout without a build, runs the TypeScript
// source through tsx when it is installed.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'main', 'cli.js');

if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('socketscope: the CLI is not built. Run "npm run build" first.');
    process.exit(1);
  }
  register();
  await import(pathToFileURL(join(root, 'src-main', 'host', 'cli.ts')).href);
}
