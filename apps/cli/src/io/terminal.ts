import { closeSync, openSync } from 'node:fs';
import { isatty, WriteStream } from 'node:tty';

/**
 * The controlling terminal, for prompts: a question must reach the person typing even
 * when stderr is redirected (`kms-demo encrypt 2>/dev/null`), as sudo and ssh ask on
 * /dev/tty. Undefined when the process has none (a daemon, CI); callers then use stderr.
 */
export function openTerminal(): WriteStream | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'w');
  } catch {
    return undefined;
  }
  if (!isatty(fd)) {
    closeSync(fd);
    return undefined;
  }
  return new WriteStream(fd);
}
