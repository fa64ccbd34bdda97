import { readFileSync, readlinkSync } from 'node:fs';

const O_ACCMODE = 0o3;
const O_RDWR = 0o2;

/**
 * True when the shell closed stdout (`kms-demo encrypt >&-`). Node cannot see that
 * directly: at start-up it reopens a closed fd 0-2 as /dev/null, read-write, so writes
 * "succeed" into nothing and an id or secret is silently lost. A stdout the user sent to
 * /dev/null (`>/dev/null`) is write-only; read-write /dev/null is what Node's reopening
 * leaves. A parent that discards output by opening /dev/null read-write (Node's
 * `stdio: 'ignore'`, Python's subprocess.DEVNULL) looks the same, and is told the same:
 * the output was not delivered. Linux only (it reads /proc); elsewhere the answer is false.
 */
export function stdoutClosed(): boolean {
  try {
    if (readlinkSync('/proc/self/fd/1') !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    return flags?.[1] !== undefined && (Number.parseInt(flags[1], 8) & O_ACCMODE) === O_RDWR;
  } catch {
    return false;
  }
}
