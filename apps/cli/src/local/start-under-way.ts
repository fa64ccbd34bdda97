import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '@kms-demo/local-aws';
import { START_LOCK_FILE } from './start-lock.js';

/** The emulator's claim on a state dir (see local-aws state-lock.ts); its pid comes first. */
const SERVER_LOCK_FILE = 'server.lock';

/**
 * True while some live process is bringing a server up for `stateDir` (or taking one
 * down): another command holds the start lock, or a server process holds the state dir
 * though no endpoint may answer for it yet.
 */
export async function startUnderWay(stateDir: string): Promise<boolean> {
  const starter = await ownerPid(join(stateDir, START_LOCK_FILE));
  if (starter !== undefined && starter !== process.pid && isProcessAlive(starter)) return true;
  return serverLockHeld(stateDir);
}

/** True while a live server process holds the state dir's lock, answering or not. */
export async function serverLockHeld(stateDir: string): Promise<boolean> {
  const holder = await ownerPid(join(stateDir, SERVER_LOCK_FILE));
  return holder !== undefined && isProcessAlive(holder);
}

/** The pid on the first line of a lock file, if it holds one. */
async function ownerPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
