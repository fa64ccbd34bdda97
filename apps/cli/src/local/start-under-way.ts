import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LockOwner, lockOwnerRuns, parseLockOwner, START_LOCK_FILE } from './start-lock.js';

/**
 * The emulator's claim on a state dir (see local-aws state-lock.ts): the same
 * `<pid>\n<start time>\n` shape as the start lock, read by the same rule.
 */
const SERVER_LOCK_FILE = 'server.lock';

/**
 * True while some live process is bringing a server up for `stateDir` (or taking one
 * down): another command holds the start lock, or a server process holds the state dir
 * though no endpoint may answer for it yet.
 */
export async function startUnderWay(stateDir: string): Promise<boolean> {
  const starter = await lockOwner(join(stateDir, START_LOCK_FILE));
  if (starter !== undefined && starter.pid !== process.pid && (await lockOwnerRuns(starter))) {
    return true;
  }
  return serverLockHeld(stateDir);
}

/** True while a live server process holds the state dir's lock, answering or not. */
export async function serverLockHeld(stateDir: string): Promise<boolean> {
  const holder = await lockOwner(join(stateDir, SERVER_LOCK_FILE));
  return holder !== undefined && (await lockOwnerRuns(holder));
}

async function lockOwner(path: string): Promise<LockOwner | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseLockOwner(text);
}
