import type { GlobalOptions } from './global-options.js';
import type { Session } from './session.js';

/**
 * openSession for the commands whose start-up time counts (encrypt, decrypt, show,
 * delete, list): the target's resolution (config files, the local server's record and its
 * liveness probe) starts before core and the AWS SDK are imported, so that its first
 * asynchronous steps are under way while they load. On Node >= 22 an import of
 * already-bundled chunks loads and evaluates them in one go, so little overlaps there; the
 * order costs nothing either way.
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
