import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRunningServer } from '@kms-demo/local-aws';
import { failedError } from '../errors.js';
import { displayPath } from '../io/output.js';
import { tryAcquireStartLock } from './start-lock.js';

/** An auto-started server stops itself after this long without requests. */
export const AUTO_SERVER_IDLE_SECONDS = 600;
export const SERVER_LOG_FILE = 'server.log';
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 40;

export interface LocalServer {
  endpoint: string;
  region: string;
  pid: number;
  /** True when this invocation started it. */
  started: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The local server for `stateDir`: the one already running (a `kms-demo local start`, or
 * one an earlier command started), or a new detached background server. Only one process
 * starts it (an exclusive lock file); the others wait for it, so concurrent invocations
 * never open the emulator's LevelDB twice.
 */
export async function ensureLocalServer(stateDir: string): Promise<LocalServer> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + START_TIMEOUT_MS;
  const log = join(stateDir, SERVER_LOG_FILE);
  while (Date.now() < deadline) {
    const running = await findRunningServer(stateDir);
    if (running) return { ...running, started: false };
    const release = await tryAcquireStartLock(stateDir);
    if (!release) {
      await sleep(POLL_MS);
      continue;
    }
    try {
      const again = await findRunningServer(stateDir);
      if (again) return { ...again, started: false };
      const exited = await spawnServer(stateDir, log);
      while (Date.now() < deadline) {
        const up = await findRunningServer(stateDir);
        if (up) return { ...up, started: true };
        if (exited.done) break;
        await sleep(POLL_MS);
      }
      const up = await findRunningServer(stateDir);
      if (up) return { ...up, started: true };
      throw failedError(
        `the local emulator did not start; see ${displayPath(log)}, or run 'kms-demo local start' to watch it`,
      );
    } finally {
      await release();
    }
  }
  throw failedError(
    `timed out waiting for the local emulator in ${displayPath(stateDir)}; see ${displayPath(log)}`,
  );
}

async function spawnServer(stateDir: string, log: string): Promise<{ done: boolean }> {
  const logFile = await open(log, 'w', 0o600);
  const entry = fileURLToPath(import.meta.url);
  const args = [
    entry,
    'local',
    'start',
    '--port',
    '0',
    '--idle-timeout',
    String(AUTO_SERVER_IDLE_SECONDS),
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
