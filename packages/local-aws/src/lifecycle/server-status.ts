import { join } from 'node:path';
import { findRunningServer, type RunningServer, readServerInfo } from '../state/discovery.js';
import { pidLockHeld } from '../state/pid-lock.js';
import { isProcessAlive, processState } from '../state/process-identity.js';
import { stateDirInUse } from '../state/state-lock.js';
import { type LastStop, readLastStop } from './stop-record.js';

export const START_LOCK_FILE = 'start.lock';

/**
 * `running`: it answers. `unresponsive`: its process holds the state dir but does not
 * answer (`suspended` when the OS says it is stopped, e.g. by SIGSTOP or Ctrl-Z).
 * `starting`: a process is bringing one up. `stopped`: none, with how the last one ended.
 */
export type ServerStatus =
  | { state: 'running'; server: RunningServer }
  | { state: 'unresponsive'; pid: number; suspended: boolean; server: RunningServer | undefined }
  | { state: 'starting' }
  | { state: 'stopped'; lastStop: LastStop | undefined };

export async function serverStatus(stateDir: string): Promise<ServerStatus> {
  const server = await findRunningServer(stateDir);
  if (server) return { state: 'running', server };
  const recorded = await readServerInfo(stateDir);
  if (recorded && isProcessAlive(recorded.pid) && (await stateDirInUse(stateDir))) {
    return {
      state: 'unresponsive',
      pid: recorded.pid,
      suspended: processState(recorded.pid) === 'T',
      server: recorded,
    };
  }
  if ((await pidLockHeld(join(stateDir, START_LOCK_FILE))) || (await stateDirInUse(stateDir))) {
    return { state: 'starting' };
  }
  return { state: 'stopped', lastStop: await readLastStop(stateDir) };
}
