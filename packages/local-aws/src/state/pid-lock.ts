import { readFile, rm } from 'node:fs/promises';
import { isProcessAlive, looksLikeOurProcess, processStartTime } from './process-identity.js';
import { createFileExclusive } from './state-dir.js';

/** Who holds a lock file: a pid, and its start time where the platform tells us. */
export interface LockOwner {
  pid: number;
  startTime: string | undefined;
}

export type PidLockAttempt =
  | { acquired: true; release: () => Promise<void> }
  | { acquired: false; owner: LockOwner | undefined };

/**
 * An exclusive lock file holding its owner's pid and start time, created atomically (so
 * nobody ever reads a half-written one). A lock whose owner no longer runs is stale and
 * is taken over at once; that includes a crashed owner's pid now reused by another
 * process, told apart by its start time. Used for the state dir's server.lock and the
 * CLI's start lock. Errors creating the file are thrown as they are.
 */
export async function tryAcquirePidLock(path: string): Promise<PidLockAttempt> {
  const content = await lockContent();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createFileExclusive(path, content)) {
      return { acquired: true, release: () => rm(path, { force: true }) };
    }
    const text = await readLockText(path);
    const owner = text === undefined ? undefined : parseLockOwner(text);
    if (owner && (await lockOwnerRuns(owner))) return { acquired: false, owner };
    // Re-read just before removing so a lock that a racing process has just re-created
    // is left alone.
    if ((await readLockText(path)) === text) await rm(path, { force: true });
  }
  return { acquired: false, owner: undefined };
}

/** True while a live process holds the lock file at `path`. */
export async function pidLockHeld(path: string): Promise<boolean> {
  const text = await readLockText(path);
  const owner = text === undefined ? undefined : parseLockOwner(text);
  return owner !== undefined && (await lockOwnerRuns(owner));
}

/**
 * `<pid>\n<start time>\n`, or `<pid>\n` where the start time is unknown. The pid stays
 * the first line, so readers that only parse a leading pid still understand it.
 */
async function lockContent(): Promise<string> {
  const startTime = await processStartTime(process.pid);
  return startTime === undefined ? `${process.pid}\n` : `${process.pid}\n${startTime}\n`;
}

function parseLockOwner(text: string): LockOwner | undefined {
  const [pidLine = '', startLine = ''] = text.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const startTime = /^\d+$/.test(startLine.trim()) ? startLine.trim() : undefined;
  return { pid, startTime };
}

/**
 * A pid-only lock (older versions, other platforms) is held while its pid is alive. With
 * a start time it is held only by that very process; if the start time cannot be read
 * now, the pid alone decides, so a live owner is never mistaken for a crashed one.
 */
async function lockOwnerRuns(owner: LockOwner): Promise<boolean> {
  if (!isProcessAlive(owner.pid)) return false;
  // An old pid-only lock names a live process only by pid: unless that process is one of
  // ours (a kms-demo or local-aws process), the pid was reused and the lock is stale.
  if (owner.startTime === undefined) return (await looksLikeOurProcess(owner.pid)) !== false;
  const current = await processStartTime(owner.pid);
  return current === undefined || current === owner.startTime;
}

async function readLockText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
