import { describeInternalError } from './internal-error-line.js';
import { type LocalAws, startLocalAws } from './local-aws.js';
import type { LocalAwsOptions } from './options.js';
import { removeServerInfo, writeServerInfo } from './state/discovery.js';

export interface ForegroundOptions extends LocalAwsOptions {
  /** Called once the endpoint listens and is recorded; the CLI prints the endpoint here. */
  onReady?: (server: LocalAws) => void;
  /**
   * Recorded in server.json and returned by `findRunningServer` as `meta`, e.g. the id of
   * the build that started the server, so a newer build can tell it is stale.
   */
  meta?: Record<string, string>;
}

/**
 * Runs the endpoint until SIGINT or SIGTERM (or its idle timeout): records endpoint and
 * pid in `<stateDir>/server.json` (0600) so other processes can find it, and on stop
 * closes it with state flushed and removes the record. Resolves once stopped.
 * Internal errors and refused requests (AccessDeniedException, numbered) are one line
 * each on stderr (the CLI's server.log) unless the caller passes its own handlers.
 */
export async function runLocalAwsForeground(options: ForegroundOptions): Promise<void> {
  // This process owns the state dir: everything it creates there, including the LevelDB
  // files dynalite writes with default modes, is for the owner only (0600 / 0700).
  process.umask(0o077);
  let denials = 0;
  const server = await startLocalAws({
    ...options,
    onInternalError: options.onInternalError ?? logInternalError,
    // One counted line per refusal in the server log: ARNs and actions, never a body.
    onAccessDenied:
      options.onAccessDenied ??
      ((denial) => {
        denials++;
        process.stderr.write(`kms-demo local: AccessDenied #${denials}: ${denial.message}\n`);
      }),
  });
  const stop = () => {
    void server.close().catch(() => {});
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await writeServerInfo(server.stateDir, {
      endpoint: server.endpoint,
      pid: process.pid,
      region: server.region,
      startedAt: new Date().toISOString(),
      ...(options.meta ? { meta: { ...options.meta } } : {}),
    });
    options.onReady?.(server);
    await server.closed;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await removeServerInfo(server.stateDir, process.pid);
    // A no-op when already closed; reports a failed close to the caller.
    await server.close();
  }
}

function logInternalError(error: unknown, operation: string): void {
  process.stderr.write(`${describeInternalError(error, operation)}\n`);
}
