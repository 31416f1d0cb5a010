// Where Socketscope keeps its data: SOCKETSCOPE_HOME, else the platform's app-data folder.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const explicit = env.SOCKETSCOPE_HOME;
  if (explicit && explicit.trim() !== '') return explicit;
  return join(appDataFolder(env, platform), 'Socketscope');
}

function appDataFolder(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'win32') return env.APPDATA ?? join(homedir(), 'AppData', 'Roaming');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== ''
    ? env.XDG_CONFIG_HOME
    : join(homedir(), '.config');
}

export function sessionsFolder(home: string): string {
  return join(home, 'sessions');
}

export function rulesFile(home: string): string {
  return join(home, 'rules.json');
}

export function settingsFile(home: string): string {
  return join(home, 'settings.json');
}

/** The local certificate authority for HTTPS interception (capture/ca.ts). */
export function caFolder(home: string): string {
  return join(home, 'ca');
}
