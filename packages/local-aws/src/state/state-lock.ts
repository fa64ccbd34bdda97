import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import { createFileExclusive } from './state-dir.js';

const LOCK_FILE = 'server.lock';

export interface StateLock {
  release(): Promise<void>;
}

/**
 * Claims the state dir for this process: two servers on one state dir would corrupt the
 * table store and race on key material. The lock file holds our pid and appears
 * atomically and exclusively, so nobody ever reads a half-written lock. A lock whose pid
 * is no longer alive is stale (a crashed server) and is taken over.
 */
export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreateLock(path)) return { release: () => rm(path, { force: true }) };
    const holder = await readLockHolder(path);
    if (holder !== undefined && isProcessAlive(holder)) {
      throw new LocalAwsError(
        'STATE_DIR_IN_USE',
        `Another local endpoint (pid ${holder}) is already using ${stateDir}; stop it or choose another state dir.`,
      );
    }
    // Re-read just before removing so a lock that a racing process has just re-created
    // with a live pid is left alone.
    if ((await readLockHolder(path)) === holder) await rm(path, { force: true });
  }
  throw new LocalAwsError(
    'STATE_DIR_IN_USE',
    `Could not claim ${stateDir}: another process keeps creating ${LOCK_FILE}.`,
  );
}

async function tryCreateLock(path: string): Promise<boolean> {
  try {
    return await createFileExclusive(path, `${process.pid}\n`);
  } catch (error) {
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot create the lock file ${path}.`, {
      cause: error,
    });
  }
}

async function readLockHolder(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists, even one owned by another user (EPERM). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
