import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_PRINCIPALS } from '@kms-demo/spec';
import { LocalAwsError } from '../errors.js';
import { findRunningServer, type RunningServer } from '../state/discovery.js';
import { withPath } from '../state/fs-errors.js';
import { stateDirInUse } from '../state/state-lock.js';
import { credentialsFileExists } from './credentials.js';
import { ServerRecordWatch } from './record-watch.js';
import { START_LOCK_FILE, serverStatus } from './server-status.js';
import { tryAcquireStartLock } from './start-lock.js';
import { stopServer } from './stop-server.js';

export const SERVER_LOG_FILE = 'server.log';

export interface EnsureServerOptions {
  /**
   * How to run a server in the background: a process that runs the endpoint for the state
   * dir in the foreground (runLocalAwsForeground) and records itself; `KMS_DEMO_HOME` is set
   * to the state dir in its environment. Its stderr goes to server.log.
   */
  command: { execPath: string; args: string[]; env: NodeJS.ProcessEnv };
  /** A running server this caller may restart when it must (its credentials file is gone). */
  restartable?: (server: RunningServer) => boolean;
  timeoutMs?: number;
}

export interface EnsuredServer extends RunningServer {
  /** True when this call started it. */
  started: boolean;
  /** The pid of a server this call stopped to start this one, and why. */
  replaced?: { pid: number; why: 'credentials-missing' };
}

const START_TIMEOUT_MS = 20_000;
/** A server that holds the state dir but does not answer for this long is reported hung. */
const UNRESPONSIVE_MS = 5_000;
const POLL_MS = 40;
const MAX_FAILED_STARTS = 3;
const RETRY_MAX_MS = 1000;
/** The exit code of a server that refused its state dir (the CLI's configuration code). */
const REFUSED_EXIT_CODE = 2;
type Exited = { exitCode: number | null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server for `stateDir`: the one already running, whichever build started it (it
 * speaks the same AWS APIs; replacing it would fail the other build's commands in
 * flight), or a new detached background server. Only one process starts it (the start
 * lock); the others wait for it, so concurrent callers never open LevelDB twice. A
 * suspended or hung server is reported (SERVER_HUNG), not waited on.
 */
export async function ensureServer(
  stateDir: string,
  options: EnsureServerOptions,
): Promise<EnsuredServer> {
  const deadline = Date.now() + (options.timeoutMs ?? START_TIMEOUT_MS);
  const log = join(stateDir, SERVER_LOG_FILE);
  let failedStarts = 0;
  let unresponsiveSince: number | undefined;
  let waiting: ServerRecordWatch | undefined;
  try {
    while (Date.now() < deadline) {
      const status = await serverStatus(stateDir);
      if (status.state === 'running') {
        const usable = await usableOrRestart(stateDir, status.server, options);
        if (usable) return usable;
      }
      if (status.state === 'unresponsive') {
        unresponsiveSince ??= Date.now();
        if (status.suspended || Date.now() - unresponsiveSince > UNRESPONSIVE_MS) {
          throw hung(status.pid, status.suspended);
        }
        await sleep(POLL_MS);
        continue;
      }
      unresponsiveSince = undefined;
      const release = await withPath(join(stateDir, START_LOCK_FILE), 'create', () =>
        tryAcquireStartLock(stateDir),
      );
      if (!release) {
        // Another process is starting it: looked at again once it records itself.
        waiting ??= new ServerRecordWatch(stateDir);
        await waiting.next(POLL_MS);
        continue;
      }
      let outcome: EnsuredServer | Exited;
      try {
        outcome = await startUnderLock(stateDir, log, deadline, options);
      } finally {
        await release();
      }
      if (!('exitCode' in outcome)) return outcome;
      // Exit code 2: the server refused the state dir (damaged, unsafe); trying again
      // cannot help.
      if (outcome.exitCode === REFUSED_EXIT_CODE) {
        const why = await lastLogLine(log);
        throw new LocalAwsError(
          'SERVER_START_REFUSED',
          `The local server did not start: ${why ?? `it refused the state dir; see ${log}`}`,
        );
      }
      // The server exited before answering. While another process still holds the state
      // dir (a server finishing its shutdown) that is a matter of time; any other early
      // exit is retried a few times, then reported with the log's last line.
      if (!(await stateDirInUse(stateDir)) && ++failedStarts >= MAX_FAILED_STARTS) {
        const why = await lastLogLine(log);
        throw new LocalAwsError(
          'SERVER_START_FAILED',
          why
            ? `The local server did not start: ${why}`
            : `The local server did not start; see ${log}, or run 'kms-demo local start' to watch it.`,
        );
      }
      await sleep(Math.min(RETRY_MAX_MS, POLL_MS * 2 ** failedStarts));
    }
  } finally {
    waiting?.close();
  }
  throw new LocalAwsError(
    'SERVER_START_FAILED',
    `Timed out waiting for the local server of ${stateDir}; see ${log}.`,
  );
}

export function hung(pid: number, suspended: boolean): LocalAwsError {
  return new LocalAwsError(
    'SERVER_HUNG',
    suspended
      ? `The local server (pid ${pid}) is suspended (SIGSTOP or Ctrl-Z) and does not answer; resume it with 'kill -CONT ${pid}', or end it with 'kms-demo local stop'.`
      : `The local server (pid ${pid}) holds the state dir but has not answered for ${UNRESPONSIVE_MS / 1000} s; end it with 'kms-demo local stop'.`,
  );
}

/**
 * A running server whose credentials file is gone cannot be used: clients would have no
 * credentials it knows. A restartable one is restarted (it makes new ones); otherwise the
 * caller's credentials read reports it.
 */
async function usableOrRestart(
  stateDir: string,
  server: RunningServer,
  options: EnsureServerOptions,
): Promise<EnsuredServer | undefined> {
  const hasCredentials = LOCAL_PRINCIPALS.every((name) => credentialsFileExists(stateDir, name));
  if (hasCredentials || !options.restartable?.(server)) return { ...server, started: false };
  const release = await tryAcquireStartLock(stateDir);
  if (!release) return undefined;
  try {
    await stopServer(stateDir, { onlyPid: server.pid, reason: 'restart' });
    const log = join(stateDir, SERVER_LOG_FILE);
    const outcome = await startUnderLock(stateDir, log, Date.now() + START_TIMEOUT_MS, options);
    if ('exitCode' in outcome) return undefined;
    return { ...outcome, replaced: { pid: server.pid, why: 'credentials-missing' } };
  } finally {
    await release();
  }
}

/** With the start lock held: a server that runs after all, a new one, or 'exited'. */
async function startUnderLock(
  stateDir: string,
  log: string,
  deadline: number,
  options: EnsureServerOptions,
): Promise<EnsuredServer | Exited> {
  const again = await findRunningServer(stateDir);
  if (again) return { ...again, started: false };
  // Watched from before the spawn, so that the server's record is not missed.
  const record = new ServerRecordWatch(stateDir);
  try {
    const exited = await spawnServer(stateDir, log, options.command);
    while (Date.now() < deadline) {
      const up = await findRunningServer(stateDir);
      if (up) return { ...up, started: true };
      if (exited.done) break;
      // Looks again as soon as the server records itself, or exits.
      await Promise.race([record.next(POLL_MS), exited.ended]);
    }
    const up = await findRunningServer(stateDir);
    if (up) return { ...up, started: true };
    if (exited.done) return { exitCode: exited.code };
    throw new LocalAwsError(
      'SERVER_START_FAILED',
      `Timed out waiting for the local server of ${stateDir}; see ${log}.`,
    );
  } finally {
    record.close();
  }
}

async function spawnServer(
  stateDir: string,
  log: string,
  command: EnsureServerOptions['command'],
): Promise<{ done: boolean; code: number | null; ended: Promise<void> }> {
  // Loaded only to start a server, not by every client that finds one running.
  const { spawn } = await import('node:child_process');
  const logFile = await withPath(log, 'create', () => open(log, 'w', 0o600));
  const child = spawn(command.execPath, command.args, {
    detached: true,
    stdio: ['ignore', 'ignore', logFile.fd],
    env: { ...command.env, KMS_DEMO_HOME: stateDir },
  });
  await logFile.close();
  let end: () => void = () => {};
  const state = {
    done: false,
    code: null as number | null,
    ended: new Promise<void>((resolve) => {
      end = resolve;
    }),
  };
  child.once('exit', (code) => {
    state.code = code;
    state.done = true;
    end();
  });
  child.once('error', () => {
    state.done = true;
    end();
  });
  child.unref();
  return state;
}

/** The last line the server wrote to its log, without the CLI's prefix. */
async function lastLogLine(log: string): Promise<string | undefined> {
  const text = await readFile(log, 'utf8').catch(() => '');
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return line?.replace(/^kms-demo: /, '');
}
