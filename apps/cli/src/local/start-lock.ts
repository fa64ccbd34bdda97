import { join } from 'node:path';
import { tryAcquirePidLock } from '@kms-demo/local-aws/state';

export const START_LOCK_FILE = 'start.lock';

/**
 * An exclusive lock for starting the background server, of the same kind as the
 * emulator's server.lock (a stale one, from an owner that no longer runs, is taken over
 * at once). Returns a release function, or undefined when another live process holds it.
 */
export async function tryAcquireStartLock(
  stateDir: string,
): Promise<(() => Promise<void>) | undefined> {
  const attempt = await tryAcquirePidLock(join(stateDir, START_LOCK_FILE));
  return attempt.acquired ? attempt.release : undefined;
}
