// The connected Core client, set once by the app shell and used by every panel.
import type { CoreClient } from './transport';

let client: CoreClient | null = null;

export function setCore(core: CoreClient): void {
  client = core;
}

export function core(): CoreClient {
  if (!client) throw new Error('Core not connected');
  return client;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
