import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '@kms-demo/local-aws';

export const START_LOCK_FILE = 'start.lock';

/**
 * An exclusive lock for starting the background server: a file created with O_EXCL that
 * holds the owner's pid. A lock whose owner has died is stale and is broken. Returns a
 * release function, or undefined when another live process holds the lock.
 */
export async function tryAcquireStartLock(
  stateDir: string,
): Promise<(() => Promise<void>) | undefined> {
  const path = join(stateDir, START_LOCK_FILE);
  try {
    const handle = await open(path, 'wx', 0o600);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return async () => {
      await unlink(path).catch(() => undefined);
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  if (
    Number.isInteger(owner) && owner > 0 ? !isProcessAlive(owner) : await olderThan(path, 5_000)
  ) {
    await unlink(path).catch(() => undefined);
  }
  return undefined;
}

/** An empty lock file is one whose owner is between create and write, unless it is old. */
async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}
