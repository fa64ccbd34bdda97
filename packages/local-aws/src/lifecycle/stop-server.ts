import { LocalAwsError } from '../errors.js';
import { type RunningServer, readServerInfo, removeServerInfo } from '../state/discovery.js';
import { isProcessAlive } from '../state/process-identity.js';
import { serverStatus } from './server-status.js';
import { type StopRequestReason, writeStopRequest } from './stop-record.js';

/** How long a server gets to finish requests and flush after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 10_000;

export interface StopOptions {
  /** Stop it only if it is still this process. */
  onlyPid?: number;
  /** What its foreground will say it was stopped for. */
  reason?: StopRequestReason;
  graceMs?: number;
}

export interface StoppedServer {
  pid: number;
  endpoint: string | undefined;
  /** True when it did not end on SIGTERM within the grace period and was killed. */
  killed: boolean;
  /** True when it did not answer before the stop (suspended or hung). */
  wasUnresponsive: boolean;
}

/**
 * Stops the server of `stateDir`, answering or not: SIGTERM (it finishes the requests in
 * flight, flushes and removes its record), then, if it has not ended after the grace
 * period (a suspended or hung process), SIGKILL. LevelDB and kms/state.json are written
 * atomically, so a killed server loses no acknowledged write. Undefined when none runs.
 */
export async function stopServer(
  stateDir: string,
  options: StopOptions = {},
): Promise<StoppedServer | undefined> {
  const status = await serverStatus(stateDir);
  let target: { pid: number; server: RunningServer | undefined; unresponsive: boolean };
  if (status.state === 'running') {
    target = { pid: status.server.pid, server: status.server, unresponsive: false };
  } else if (status.state === 'unresponsive') {
    target = { pid: status.pid, server: status.server, unresponsive: true };
  } else {
    return undefined;
  }
  if (options.onlyPid !== undefined && target.pid !== options.onlyPid) return undefined;
  const result: StoppedServer = {
    pid: target.pid,
    endpoint: target.server?.endpoint,
    killed: false,
    wasUnresponsive: target.unresponsive,
  };
  await writeStopRequest(stateDir, target.pid, options.reason ?? 'stop');
  if (!signal(target.pid, 'SIGTERM')) return result;
  if (await exits(target.pid, options.graceMs ?? STOP_GRACE_MS)) return result;
  signal(target.pid, 'SIGKILL');
  result.killed = true;
  if (!(await exits(target.pid, 5_000))) {
    throw new LocalAwsError(
      'STOP_FAILED',
      `The local server (pid ${target.pid}) did not end even on SIGKILL; check it with 'ps ${target.pid}'.`,
    );
  }
  // A killed server cannot remove its own record.
  if ((await readServerInfo(stateDir))?.pid === target.pid) {
    await removeServerInfo(stateDir, target.pid);
  }
  return result;
}

/** False when the process is already gone. */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw new LocalAwsError('STOP_FAILED', `Cannot signal the local server (pid ${pid}).`, {
      cause: error,
    });
  }
}

/** Waits until the process has ended (a zombie counts as ended); false on timeout. */
async function exits(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
