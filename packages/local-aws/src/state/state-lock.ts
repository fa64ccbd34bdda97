import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import { fsErrorReason } from './fs-errors.js';
import { pidLockHeld, tryAcquirePidLock } from './pid-lock.js';

const LOCK_FILE = 'server.lock';

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Claims the state dir for this process: two servers on one state dir would corrupt the
 * table store and race on key material. A crashed server's lock is taken over (pid-lock.ts).
 */
export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  let attempt: Awaited<ReturnType<typeof tryAcquirePidLock>>;
  try {
    attempt = await tryAcquirePidLock(path);
  } catch (error) {
    const reason = fsErrorReason(error);
    throw new LocalAwsError(
      reason === 'no space left on device' ? 'NO_SPACE' : 'STATE_DIR_INVALID',
      `Cannot create the lock file ${path}${reason ? `: ${reason}` : ''}.`,
      { cause: error },
    );
  }
  if (attempt.acquired) return { release: attempt.release };
  if (attempt.owner) {
    throw new LocalAwsError(
      'STATE_DIR_IN_USE',
      `Another local endpoint (pid ${attempt.owner.pid}) is already using ${stateDir}; stop it or choose another state dir.`,
    );
  }
  throw new LocalAwsError(
    'STATE_DIR_IN_USE',
    `Could not claim ${stateDir}: another process keeps creating ${LOCK_FILE}.`,
  );
}

/** True while a live server process holds `stateDir`, whether or not it answers yet. */
export function stateDirInUse(stateDir: string): Promise<boolean> {
  return pidLockHeld(join(stateDir, LOCK_FILE));
}
