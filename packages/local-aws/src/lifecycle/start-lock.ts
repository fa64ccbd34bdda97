import { join } from 'node:path';
import { tryAcquirePidLock } from '../state/pid-lock.js';
import { START_LOCK_FILE } from './server-status.js';

/**
 * An exclusive lock for starting the background server, of the same kind as server.lock
 * (a stale one, from an owner that no longer runs, is taken over at once). Held from the
 * decision to start until the server answers, so concurrent commands wait for that one
 * server instead of each starting its own. Returns a release function, or undefined when
 * another live process holds it.
 */
export async function tryAcquireStartLock(
  stateDir: string,
): Promise<(() => Promise<void>) | undefined> {
  const attempt = await tryAcquirePidLock(join(stateDir, START_LOCK_FILE));
  return attempt.acquired ? attempt.release : undefined;
}
