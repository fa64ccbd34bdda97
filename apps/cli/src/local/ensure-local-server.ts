import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRunningServer, type RunningServer, stateDirInUse } from '@kms-demo/local-aws/state';
import { failedError } from '../errors.js';
import { displayPath } from '../io/output.js';
import { type ServerOrigin, serverOrigin } from './server-meta.js';
import { tryAcquireStartLock } from './start-lock.js';
import { stopServer } from './stop-server.js';

/** An auto-started server stops itself after this long without requests. */
export const AUTO_SERVER_IDLE_SECONDS = 600;
export const SERVER_LOG_FILE = 'server.log';
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 40;
/** Early exits of a spawned server, with nobody else holding the state dir, before giving up. */
const MAX_FAILED_STARTS = 3;
const RETRY_MAX_MS = 1000;

export interface LocalServer {
  endpoint: string;
  region: string;
  pid: number;
  /** True when this invocation started it. */
  started: boolean;
  /** How the server relates to this build (see server-meta.ts). */
  origin: ServerOrigin;
  /** The pid of a stale background server this invocation stopped to start this one. */
  replacedPid?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running server this build can use: anything but a background server of another build. */
function usable(server: RunningServer | undefined): LocalServer | undefined {
  if (!server) return undefined;
  const origin = serverOrigin(server.meta);
  return origin === 'stale-background' ? undefined : { ...server, started: false, origin };
}

/**
 * The local server for `stateDir`: the one already running (a `kms-demo local start`, or
 * one an earlier command of this build started), or a new detached background server.
 * Only one process starts it (an exclusive lock file); the others wait for it, so
 * concurrent invocations never open the emulator's LevelDB twice. A background server of
 * another build runs other code than this CLI: the lock holder stops it (it finishes
 * the requests in flight and flushes its state) and starts a fresh one on the same data.
 * `stateDir` exists already (the caller prepared and checked it: config/state-dir.ts).
 */
export async function ensureLocalServer(stateDir: string): Promise<LocalServer> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  const log = join(stateDir, SERVER_LOG_FILE);
  let failedStarts = 0;
  while (Date.now() < deadline) {
    const running = usable(await findRunningServer(stateDir));
    if (running) return running;
    const release = await tryAcquireStartLock(stateDir);
    if (!release) {
      await sleep(POLL_MS);
      continue;
    }
    let outcome: LocalServer | 'exited';
    try {
      outcome = await startUnderLock(stateDir, log, deadline);
    } finally {
      await release();
    }
    if (outcome !== 'exited') return outcome;
    // The server exited before answering. While another process still holds the state
    // dir (a server finishing its shutdown, or one just starting) that is only a matter
    // of time: try again until the deadline. Any other early exit is retried a few
    // times, since the cause may be as passing, then reported with the log.
    if (!(await stateDirInUse(stateDir)) && ++failedStarts >= MAX_FAILED_STARTS) {
      throw failedError(
        `the local emulator did not start; see ${displayPath(log)}, or run 'kms-demo local start' to watch it`,
      );
    }
    await sleep(Math.min(RETRY_MAX_MS, POLL_MS * 2 ** failedStarts));
  }
  throw failedError(
    `timed out waiting for the local emulator in ${displayPath(stateDir)}; see ${displayPath(log)}`,
  );
}

/**
 * With the start lock held: the server that is running after all, or a new one, or
 * 'exited' when the new one ended before answering.
 */
async function startUnderLock(
  stateDir: string,
  log: string,
  deadline: number,
): Promise<LocalServer | 'exited'> {
  const again = await findRunningServer(stateDir);
  const use = usable(again);
  if (use) return use;
  const replaced = again ? await stopServer(stateDir, again.pid) : undefined;
  const started = (up: RunningServer): LocalServer => ({
    ...up,
    started: true,
    origin: 'current',
    ...(replaced ? { replacedPid: replaced.pid } : {}),
  });
  const exited = await spawnServer(stateDir, log);
  while (Date.now() < deadline) {
    const up = await findRunningServer(stateDir);
    if (up) return started(up);
    if (exited.done) break;
    await sleep(POLL_MS);
  }
  const up = await findRunningServer(stateDir);
  if (up) return started(up);
  if (exited.done) return 'exited';
  throw failedError(
    `timed out waiting for the local emulator in ${displayPath(stateDir)}; see ${displayPath(log)}`,
  );
}

async function spawnServer(stateDir: string, log: string): Promise<{ done: boolean }> {
  const logFile = await open(log, 'w', 0o600);
  // The script node runs, not this module's file: the bundle may be split into chunks.
  const entry = process.argv[1] ?? fileURLToPath(import.meta.url);
  const args = [
    entry,
    'local',
    'start',
    '--port',
    '0',
    '--idle-timeout',
    String(AUTO_SERVER_IDLE_SECONDS),
    '--background',
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'ignore', logFile.fd],
    env: { ...serverEnv(), KMS_DEMO_HOME: stateDir },
  });
  await logFile.close();
  const state = { done: false };
  child.once('exit', () => {
    state.done = true;
  });
  child.once('error', () => {
    state.done = true;
  });
  child.unref();
  return state;
}

/** The server needs no AWS settings of the user's, and outlives the command: leave them out. */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
}
