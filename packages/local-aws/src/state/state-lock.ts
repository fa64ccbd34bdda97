import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import { isProcessAlive, processStartTime } from './process-identity.js';
import { createFileExclusive } from './state-dir.js';

const LOCK_FILE = 'server.lock';

export interface StateLock {
  release(): Promise<void>;
}

/** Who holds the lock: a pid, and its start time where the platform tells us. */
interface LockHolder {
  pid: number;
  startTime: string | undefined;
}

/**
 * Claims the state dir for this process: two servers on one state dir would corrupt the
 * table store and race on key material. The lock file holds our pid and start time and
 * appears atomically and exclusively, so nobody ever reads a half-written lock. A lock
 * whose process no longer runs is stale (a crashed server) and is taken over; that includes
 * a pid now reused by another process, told apart by its start time.
 */
export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  const content = await lockContent();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreateLock(path, content)) return { release: () => rm(path, { force: true }) };
    const text = await readLockText(path);
    const holder = text === undefined ? undefined : parseLock(text);
    if (holder && (await holderRuns(holder))) {
      throw new LocalAwsError(
        'STATE_DIR_IN_USE',
        `Another local endpoint (pid ${holder.pid}) is already using ${stateDir}; stop it or choose another state dir.`,
      );
    }
    // Re-read just before removing so a lock that a racing process has just re-created
    // is left alone.
    if ((await readLockText(path)) === text) await rm(path, { force: true });
  }
  throw new LocalAwsError(
    'STATE_DIR_IN_USE',
    `Could not claim ${stateDir}: another process keeps creating ${LOCK_FILE}.`,
  );
}

/**
 * `<pid>\n<start time>\n`, or `<pid>\n` where the start time is unknown. The pid stays
 * the first line, so readers that only parse a leading pid still understand it.
 */
async function lockContent(): Promise<string> {
  const startTime = await processStartTime(process.pid);
  return startTime === undefined ? `${process.pid}\n` : `${process.pid}\n${startTime}\n`;
}

function parseLock(text: string): LockHolder | undefined {
  const [pidLine = '', startLine = ''] = text.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const startTime = /^\d+$/.test(startLine.trim()) ? startLine.trim() : undefined;
  return { pid, startTime };
}

/**
 * A plain-pid lock (older versions, other platforms) is held while its pid is alive. With
 * a start time it is held only by that very process; if the start time cannot be read
 * now, the pid alone decides, so a running server is never mistaken for a crashed one.
 */
async function holderRuns(holder: LockHolder): Promise<boolean> {
  if (!isProcessAlive(holder.pid)) return false;
  if (holder.startTime === undefined) return true;
  const current = await processStartTime(holder.pid);
  return current === undefined || current === holder.startTime;
}

async function tryCreateLock(path: string, content: string): Promise<boolean> {
  try {
    return await createFileExclusive(path, content);
  } catch (error) {
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot create the lock file ${path}.`, {
      cause: error,
    });
  }
}

async function readLockText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
