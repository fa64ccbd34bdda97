import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive, processStartTime } from '@kms-demo/local-aws';

export const START_LOCK_FILE = 'start.lock';

/** Who holds a lock file: a pid, and its start time where the platform tells us. */
export interface LockOwner {
  pid: number;
  startTime: string | undefined;
}

/**
 * An exclusive lock for starting the background server: a file created with O_EXCL that
 * holds the owner's pid and start time, as the emulator's server.lock does. A lock whose
 * owner no longer runs is stale and is taken over at once; that includes a crashed
 * owner's pid now reused by an unrelated process, told apart by its start time. Returns a
 * release function, or undefined when another live process holds the lock.
 */
export async function tryAcquireStartLock(
  stateDir: string,
): Promise<(() => Promise<void>) | undefined> {
  const path = join(stateDir, START_LOCK_FILE);
  const content = await lockContent();
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(path, content)) {
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const owner = parseLockOwner(text);
    if (owner ? await lockOwnerRuns(owner) : !(await olderThan(path, 5_000))) return undefined;
    // Re-read just before removing, so a lock that a racing process has just re-created
    // (with its own pid and start time) is left alone.
    if ((await readFile(path, 'utf8').catch(() => undefined)) === text) {
      await unlink(path).catch(() => undefined);
    }
  }
  return undefined;
}

/**
 * `<pid>\n<start time>\n`, or `<pid>\n` where the start time is unknown. The pid stays
 * the first line, so readers that only parse a leading pid still understand it.
 */
async function lockContent(): Promise<string> {
  const startTime = await processStartTime(process.pid);
  return startTime === undefined ? `${process.pid}\n` : `${process.pid}\n${startTime}\n`;
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

/** The owner named by a lock file's text: a pid-only file (older versions) has no start time. */
export function parseLockOwner(text: string): LockOwner | undefined {
  const [pidLine = '', startLine = ''] = text.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const startTime = /^\d+$/.test(startLine.trim()) ? startLine.trim() : undefined;
  return { pid, startTime };
}

/**
 * A pid-only lock is held while its pid is alive. With a start time it is held only by
 * that very process; if the start time cannot be read now, the pid alone decides, so a
 * live owner is never mistaken for a crashed one.
 */
export async function lockOwnerRuns(owner: LockOwner): Promise<boolean> {
  if (!isProcessAlive(owner.pid)) return false;
  if (owner.startTime === undefined) return true;
  const current = await processStartTime(owner.pid);
  return current === undefined || current === owner.startTime;
}

/** An empty lock file is one whose owner is between create and write, unless it is old. */
async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}
