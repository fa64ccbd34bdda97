import { lstat, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive } from '../state/process-identity.js';

/** `kms-demo-ddb-<pid>-XXXXXX`: the owner's pid is in the name (older builds: no pid). */
export const SOCKET_DIR_PREFIX = 'kms-demo-ddb-';

/**
 * Removes this user's socket dirs in the temp dir whose owner no longer runs: by the pid
 * in the name, or, for the older pid-less names, when nobody listens on the socket.
 */
export async function removeDeadSocketDirs(): Promise<void> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const base = tmpdir();
  const names = await readdir(base).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(SOCKET_DIR_PREFIX)) continue;
    const path = join(base, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    const pid = /^kms-demo-ddb-(\d+)-/.exec(name)?.[1];
    const dead =
      pid !== undefined
        ? !isProcessAlive(Number(pid))
        : !(await listening(join(path, 'dynalite.sock')));
    if (dead) await rm(path, { recursive: true, force: true }).catch(() => {});
  }
}

function listening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
