import { findRunningServer, isProcessAlive, type RunningServer } from '@kms-demo/local-aws/state';
import { failedError } from '../errors.js';

const STOP_TIMEOUT_MS = 10_000;

/**
 * Stops the server recorded for `stateDir` with SIGTERM (it finishes the requests in
 * flight, flushes its state and removes its record) and waits for the process to end.
 * With `onlyPid`, stops it only if it is still that process. Returns what was stopped.
 */
export async function stopServer(
  stateDir: string,
  onlyPid?: number,
): Promise<RunningServer | undefined> {
  const server = await findRunningServer(stateDir);
  if (!server || (onlyPid !== undefined && server.pid !== onlyPid)) return undefined;
  try {
    process.kill(server.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return server;
    throw failedError(`cannot stop the local server (pid ${server.pid})`, error);
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  // An exited server is done even before its parent (often init) reaps it: a zombie
  // counts as dead, so stopping does not wait for the reaping.
  while (isProcessAlive(server.pid)) {
    if (Date.now() > deadline) {
      throw failedError(
        `the local server (pid ${server.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return server;
}
