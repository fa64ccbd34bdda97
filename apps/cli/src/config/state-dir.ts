import { access, constants, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { configError } from '../errors.js';
import type { Resolved } from './types.js';

/**
 * Paths refused before anything touches them, with the true reason: /proc and /sys are
 * kernel file systems (a recursive mkdir under /proc never returns); /dev holds device
 * files. /dev/shm is the exception: an ordinary writable tmpfs.
 */
const REFUSED_ROOTS: Array<[string, string]> = [
  ['/proc', 'is on a kernel file system (/proc), where nothing can be stored'],
  ['/sys', 'is on a kernel file system (/sys), where nothing can be stored'],
  ['/dev', 'is under /dev, which holds device files, not data (/dev/shm is fine)'],
];
const ALLOWED_UNDER_DEV = '/dev/shm';

const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

/**
 * The embedded local default keeps its state (emulator data, credentials, server.json)
 * under KMS_DEMO_HOME, else the XDG state directory, as the XDG Base Directory spec asks.
 */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): Resolved {
  let dir: Resolved;
  if (env.KMS_DEMO_HOME) {
    dir = { value: resolve(env.KMS_DEMO_HOME), source: 'env KMS_DEMO_HOME' };
  } else if (env.XDG_STATE_HOME) {
    dir = { value: join(resolve(env.XDG_STATE_HOME), 'kms-demo'), source: 'env XDG_STATE_HOME' };
  } else {
    dir = { value: join(homedir(), '.local', 'state', 'kms-demo'), source: 'default' };
  }
  const refused = REFUSED_ROOTS.find(([root]) => under(dir.value, root));
  if (refused && !under(dir.value, ALLOWED_UNDER_DEV)) {
    throw stateDirError(dir, refused[1]);
  }
  return dir;
}

/** File system errors that mean "this directory cannot hold the state", whoever asks. */
const UNUSABLE: Record<string, string> = {
  EACCES: 'is not writable (permission denied)',
  EPERM: 'is not writable (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOTDIR: 'is under a file, not a directory',
  EEXIST: 'is a file, not a directory',
  ELOOP: 'is a symbolic link loop',
  ENAMETOOLONG: 'is too long a path',
};

/**
 * Creates the state directory when needed and checks it can be written, so an unusable
 * setting is one configuration line naming the variable, before any server is started.
 */
export async function prepareStateDir(dir: Resolved): Promise<void> {
  try {
    await mkdir(dir.value, { recursive: true, mode: 0o700 });
    await access(dir.value, constants.W_OK | constants.X_OK);
  } catch (error) {
    const why = UNUSABLE[(error as NodeJS.ErrnoException).code ?? ''];
    if (why) throw stateDirError(dir, why, error);
    throw error;
  }
}

function stateDirError(dir: Resolved, why: string, cause?: unknown) {
  const setting =
    dir.source === 'env KMS_DEMO_HOME'
      ? `KMS_DEMO_HOME (${dir.value})`
      : dir.source === 'env XDG_STATE_HOME'
        ? `the state directory ${dir.value} (from XDG_STATE_HOME)`
        : `the state directory ${dir.value}`;
  return configError(`${setting} ${why}; set KMS_DEMO_HOME to a directory you can write`, cause);
}
