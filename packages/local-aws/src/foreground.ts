import { describeInternalError } from './internal-error-line.js';
import { type StopRequestReason, takeStopRequest, writeLastStop } from './lifecycle/stop-record.js';
import { type LocalAws, startLocalAws } from './local-aws.js';
import type { LocalAwsOptions } from './options.js';
import { removeServerInfo, writeServerInfo } from './state/discovery.js';

export interface ForegroundOptions extends LocalAwsOptions {
  /** Called once the endpoint listens and is recorded; the CLI prints the endpoint here. */
  onReady?: (server: LocalAws) => void;
  /**
   * Recorded in server.json and returned by `findRunningServer` as `meta`, e.g. the id of
   * the build that started the server.
   */
  meta?: Record<string, string>;
}

/**
 * Why a foreground endpoint stopped: a signal (Ctrl-C, or a SIGTERM nobody explained),
 * a stop request left by the life-cycle API (`stop`, `reset`, `takeover`, `restart`), or
 * its idle timeout.
 */
export type ForegroundStop =
  | { reason: 'signal' }
  | { reason: StopRequestReason }
  | { reason: 'idle'; idleSeconds: number };

/**
 * Runs the endpoint until SIGINT or SIGTERM (or its idle timeout): records endpoint and
 * pid in `<stateDir>/server.json` (0600) so other processes can find it, and on stop
 * closes it with state flushed and removes the record. Resolves with why it stopped; a
 * store that failed for good (a full disk) rejects with that error, so the process can
 * exit non-zero. Either way the outcome is kept in last-stop.json for `local status`.
 * Internal errors and refused requests (AccessDeniedException, numbered) are one line
 * each on stderr (the CLI's server.log) unless the caller passes its own handlers.
 */
export async function runLocalAwsForeground(options: ForegroundOptions): Promise<ForegroundStop> {
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
  let outcome: ForegroundStop = { reason: 'signal' };
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
    await removeServerInfo(server.stateDir, process.pid).catch(() => {});
    const why = server.closeReason;
    const requested = await takeStopRequest(server.stateDir, process.pid);
    if (why?.kind === 'idle') outcome = { reason: 'idle', idleSeconds: why.idleMs / 1000 };
    else if (requested) outcome = { reason: requested };
    await writeLastStop(server.stateDir, {
      pid: process.pid,
      at: new Date().toISOString(),
      reason: why?.kind === 'failure' ? why.error.message : describeStop(outcome),
      failed: why?.kind === 'failure',
    });
    // A no-op when already closed; reports a failed close to the caller.
    await server.close();
  }
  const why = server.closeReason;
  if (why?.kind === 'failure') throw why.error;
  return outcome;
}

/** One line for a stop, as `local status` shows it afterwards. */
export function describeStop(stop: ForegroundStop): string {
  switch (stop.reason) {
    case 'idle':
      return `stopped after ${stop.idleSeconds} s without requests (its idle timeout)`;
    case 'stop':
      return "stopped by 'kms-demo local stop'";
    case 'reset':
      return "stopped by 'kms-demo local reset', which erased its data";
    case 'takeover':
      return "stopped to hand over to a 'kms-demo local start' on another port";
    case 'restart':
      return 'stopped to be restarted (its credentials file had been removed)';
    default:
      return 'stopped by a signal (Ctrl-C or SIGTERM)';
  }
}

function logInternalError(error: unknown, operation: string): void {
  process.stderr.write(`${describeInternalError(error, operation)}\n`);
}
