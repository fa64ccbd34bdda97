import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * True when a process with this pid runs, even one owned by another user (EPERM). A
 * process that has exited but is not yet reaped (a zombie) still answers signal 0; it
 * holds no lock and serves nothing, so on Linux its /proc state (Z or X) counts as dead.
 * A server killed with SIGKILL stays a zombie until its parent, often init, reaps it.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = processState(pid);
  return state !== 'Z' && state !== 'X';
}

/** The one-letter state of field 3 of /proc/<pid>/stat, or undefined off Linux or when hidden. */
export function processState(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return statFields(stat)[0];
}

/**
 * When the process with this pid started, as an opaque token, or undefined where that is
 * not known. A pid alone is reused once its process exits; pid plus start time names one
 * process for the life of the machine. On Linux it is field 22 of /proc/<pid>/stat (clock
 * ticks since boot); elsewhere, or when /proc hides the process, undefined.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const startTime = statFields(stat)[22 - 3];
  return startTime && /^\d+$/.test(startTime) ? startTime : undefined;
}

/**
 * The fields of a /proc/<pid>/stat line from field 3 on. Field 2, the command name, is in
 * parentheses and may itself hold spaces or ')', so the split starts after the last ')'.
 */
export function statFields(stat: string): string[] {
  const close = stat.lastIndexOf(')');
  if (close < 0) return [];
  return stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
}

/**
 * Whether the process runs this project's code, judged by its command line: true when it
 * names kms-demo or local-aws, false when it does not, undefined where the command line
 * cannot be read (off Linux, or hidden), so callers can stay conservative.
 */
export async function looksLikeOurProcess(pid: number): Promise<boolean | undefined> {
  if (process.platform !== 'linux') return undefined;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
  if (cmdline === '') return undefined;
  return /kms-demo|local-aws/.test(cmdline);
}
