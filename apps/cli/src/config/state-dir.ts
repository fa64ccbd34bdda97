import { accessSync, chmodSync, constants, mkdirSync, readdirSync } from 'node:fs';
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
 * Synchronous calls: every command makes them, and each is microseconds on a local dir.
 */
export async function prepareStateDir(dir: Resolved): Promise<void> {
  await checkStateDir(dir);
  try {
    mkdirSync(dir.value, { recursive: true, mode: 0o700 });
    accessSync(dir.value, constants.W_OK | constants.X_OK);
    // An empty directory made by hand (e.g. mkdir, 0755) holds nothing to trust yet: it
    // is made owner-only here. One with files in it was refused above if it was open.
    if (readdirSync(dir.value).length === 0) chmodSync(dir.value, 0o700);
  } catch (error) {
    const why = UNUSABLE[(error as NodeJS.ErrnoException).code ?? ''];
    if (why) throw stateDirError(dir, why, error);
    throw error;
  }
}

/**
 * Owner and modes of the state dir and its secret files, checked on every use before any
 * of them is read or trusted (local-aws's checkStateDirSafety): a foreign owner, a mode
 * open to others or a symbolic link is a configuration error (exit 2) naming the path
 * and the fix.
 */
export async function checkStateDir(dir: Resolved): Promise<void> {
  const { checkStateDirSafety } = await import('@kms-demo/local-aws/state');
  try {
    await checkStateDirSafety(dir.value);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e.code === 'STATE_DIR_UNSAFE' && typeof e.message === 'string') {
      throw configError(`unsafe local state: ${e.message.replace(/\.$/, '')}`, error);
    }
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
