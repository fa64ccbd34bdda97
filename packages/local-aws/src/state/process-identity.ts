import { readFile } from 'node:fs/promises';

/** True when a process with this pid exists, even one owned by another user (EPERM). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  // Field 2, the command name, is in parentheses and may itself hold spaces or ')'; the
  // fields after the last ')' start at field 3.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  const startTime = fields[22 - 3];
  return startTime && /^\d+$/.test(startTime) ? startTime : undefined;
}
