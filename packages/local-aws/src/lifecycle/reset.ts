import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStateDirSafety } from '../state/safety.js';
import { type StoppedServer, stopServer } from './stop-server.js';

/**
 * Everything the endpoint and its callers keep in a state dir. Only these are removed, so
 * a state dir that also holds other files never loses them.
 */
export const STATE_ENTRIES = [
  'kms',
  'dynamodb',
  'dynamodb.before-open',
  'credentials',
  'credentials.json',
  'cloudtrail',
  'manifest.json',
  'server.json',
  'server.lock',
  'server.log',
  'start.lock',
  'stop-request.json',
  'last-stop.json',
];

/** The state entries present in `stateDir`; empty when there is nothing to reset. */
export async function stateEntries(stateDir: string): Promise<string[]> {
  const present = await readdir(stateDir).catch(() => [] as string[]);
  return STATE_ENTRIES.filter((entry) => present.includes(entry));
}

/**
 * Erases the state: stops its server first (its foreground then says it was reset), then
 * removes the entries above, and the directory itself when nothing else is left in it.
 * This is the knowing way to start over from damaged state; it removes the key material,
 * so every stored secret becomes undecryptable.
 */
export async function resetState(
  stateDir: string,
): Promise<{ stopped: StoppedServer | undefined; removed: string[] }> {
  await checkStateDirSafety(stateDir);
  const stopped = await stopServer(stateDir, { reason: 'reset' });
  const removed = await stateEntries(stateDir);
  for (const entry of removed) await rm(join(stateDir, entry), { recursive: true, force: true });
  await rmdir(stateDir).catch(() => undefined);
  return { stopped, removed };
}
