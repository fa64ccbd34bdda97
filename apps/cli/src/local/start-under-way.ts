import { join } from 'node:path';
import { pidLockHeld, stateDirInUse } from '@kms-demo/local-aws/state';
import { START_LOCK_FILE } from './start-lock.js';

/**
 * True while some live process is bringing a server up for `stateDir` (or taking one
 * down): another command holds the start lock, or a server process holds the state dir
 * though no endpoint may answer for it yet.
 */
export async function startUnderWay(stateDir: string): Promise<boolean> {
  return (await pidLockHeld(join(stateDir, START_LOCK_FILE))) || (await stateDirInUse(stateDir));
}
