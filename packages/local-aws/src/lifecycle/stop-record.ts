import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/state-dir.js';

/**
 * Why a server was asked to stop, left for it by whoever sends the SIGTERM, so that its
 * foreground can say so ("stopped by 'kms-demo local reset'") instead of a generic line.
 */
export type StopRequestReason = 'stop' | 'reset' | 'takeover' | 'restart';

const REQUEST_FILE = 'stop-request.json';
const LAST_STOP_FILE = 'last-stop.json';

export async function writeStopRequest(stateDir: string, pid: number, reason: StopRequestReason) {
  // Best effort: on a full disk the stop still happens, only without its reason.
  await writeFileAtomic(join(stateDir, REQUEST_FILE), `${JSON.stringify({ pid, reason })}\n`).catch(
    () => {},
  );
}

/** The reason left for this pid, if any; the request is consumed. */
export async function takeStopRequest(
  stateDir: string,
  pid: number,
): Promise<StopRequestReason | undefined> {
  const path = join(stateDir, REQUEST_FILE);
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown; reason?: unknown };
    if (parsed.pid !== pid) return undefined;
    await rm(path, { force: true });
    return typeof parsed.reason === 'string' ? (parsed.reason as StopRequestReason) : undefined;
  } catch {
    return undefined;
  }
}

/** How the last server of a state dir ended, for `local status` after it is gone. */
export interface LastStop {
  pid: number;
  at: string;
  /** One line: why it stopped. */
  reason: string;
  /** True when it ended on an error (a full disk, a damaged store). */
  failed: boolean;
}

export async function writeLastStop(stateDir: string, stop: LastStop): Promise<void> {
  await writeFileAtomic(join(stateDir, LAST_STOP_FILE), `${JSON.stringify(stop)}\n`).catch(
    () => {},
  );
}

export async function readLastStop(stateDir: string): Promise<LastStop | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, LAST_STOP_FILE), 'utf8')) as LastStop;
    if (typeof parsed.pid === 'number' && typeof parsed.reason === 'string') return parsed;
  } catch {}
  return undefined;
}
