import type { GlobalOptions } from './global-options.js';
import type { Session } from './session.js';

/**
 * openSession for the commands whose start-up time counts (encrypt, decrypt, show,
 * delete, list): the target is resolved (config files, the local server's record and its
 * liveness probe) while core and the AWS SDK load, rather than after. Those waits are
 * I/O, the loading is CPU: done together, a command starts sooner.
 */
export async function startSession(argv: GlobalOptions): Promise<Session> {
  const { connectTarget } = await import('./connect-target.js');
  const target = connectTarget(argv);
  // Awaited by openSession below; until then this only keeps a failure from being
  // reported as an unhandled rejection while the modules load.
  target.catch(() => {});
  const { openSession } = await import('./session.js');
  return openSession(argv, { target });
}
