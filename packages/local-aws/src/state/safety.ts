import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';

/**
 * The files of a state dir that hold secrets or decide where requests go: whoever can
 * write them can redirect the CLI to their own endpoint, whoever can read them can use
 * the endpoint or decrypt its keys.
 */
export const SECRET_FILES = ['credentials.json', 'server.json', 'manifest.json', 'kms/state.json'];
/** Directories inside the state dir that must be owner-only as well. */
const PRIVATE_SUBDIRS = ['kms', 'dynamodb', 'credentials'];

const currentUid = () => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/**
 * Checks, before anything in it is read or trusted, that `stateDir` and its secret files
 * belong to the current user and nobody else can read or write them: owned by this uid,
 * the dir and its subdirs 0700, the files 0600, none a symbolic link. Anything else is a
 * STATE_DIR_UNSAFE error naming the path and the fix; nothing is repaired silently, since
 * a loosened mode or a foreign owner means another user may have read or swapped a file.
 * An empty directory (nothing trusted yet, e.g. made by `mkdir`) is accepted: the caller
 * tightens it. Does nothing where uids do not exist (Windows).
 *
 * The calls are synchronous: a dozen lstat calls on a local directory take microseconds
 * each, where going through the thread pool and back took ~0.2 ms apiece on every command.
 */
export async function checkStateDirSafety(stateDir: string): Promise<void> {
  const uid = currentUid();
  if (uid === undefined) return;
  const dir = lstatOrUndefined(stateDir);
  if (!dir) return;
  if (dir.isSymbolicLink()) {
    const target = realpathOr(stateDir, 'a missing target');
    throw unsafe(
      stateDir,
      `is a symbolic link (to ${target}); a state dir must be a real directory, since whoever controls the link controls the credentials`,
      'check who owns the target, then point KMS_DEMO_HOME at it directly',
    );
  }
  if (!dir.isDirectory()) return;
  const entries = readdirOrEmpty(stateDir);
  if (dir.uid !== uid) {
    throw unsafe(
      stateDir,
      `is owned by uid ${dir.uid}, not by you (uid ${uid}); that user can read the secrets and redirect this tool`,
      'use a state dir of your own (KMS_DEMO_HOME), or have an administrator check and chown it',
    );
  }
  if ((dir.mode & 0o077) !== 0 && entries.length > 0) {
    throw unsafe(
      stateDir,
      `has mode ${octal(dir.mode)}, open to other users; its files may have been read or swapped`,
      `check its contents, then run: chmod 700 '${stateDir}'`,
    );
  }
  for (const sub of PRIVATE_SUBDIRS) {
    const path = join(stateDir, sub);
    const info = lstatOrUndefined(path);
    if (!info) continue;
    if (info.isSymbolicLink() || !info.isDirectory()) {
      throw unsafe(
        path,
        'is not a plain directory (a symbolic link?)',
        `move it aside and restore the real directory`,
      );
    }
    if (info.uid !== uid) {
      throw unsafe(
        path,
        `is owned by uid ${info.uid}, not by you (uid ${uid})`,
        `check it, then: chown -R $(id -u) '${path}'`,
      );
    }
    if ((info.mode & 0o077) !== 0) {
      throw unsafe(
        path,
        `has mode ${octal(info.mode)}, open to other users`,
        `check it, then run: chmod 700 '${path}'`,
      );
    }
  }
  for (const name of SECRET_FILES) checkSecretFile(join(stateDir, name), uid);
  // One credentials file per principal.
  const credentials = readdirOrEmpty(join(stateDir, 'credentials'));
  for (const name of credentials) checkSecretFile(join(stateDir, 'credentials', name), uid);
}

/** A secret file must be a regular file of ours, mode 0600 (or tighter). */
function checkSecretFile(path: string, uid: number): void {
  const info = lstatOrUndefined(path);
  if (!info) return;
  if (info.isSymbolicLink() || !info.isFile()) {
    throw unsafe(
      path,
      'is not a regular file (a symbolic link?); it must not point elsewhere',
      'remove the link and restore the file',
    );
  }
  if (info.uid !== uid) {
    throw unsafe(
      path,
      `is owned by uid ${info.uid}, not by you (uid ${uid}); it may have been swapped`,
      `check it, then: chown $(id -u) '${path}'`,
    );
  }
  if ((info.mode & 0o077) !== 0) {
    throw unsafe(
      path,
      `has mode ${octal(info.mode)}, readable or writable by other users; treat its secrets as exposed`,
      `check it, then run: chmod 600 '${path}'`,
    );
  }
}

function unsafe(path: string, what: string, fix: string): LocalAwsError {
  return new LocalAwsError('STATE_DIR_UNSAFE', `${path} ${what}; ${fix}.`);
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    // Not there (or under a file): nothing to trust yet; the caller reports the path.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot inspect ${path}.`, { cause: error });
  }
}

function readdirOrEmpty(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function realpathOr(path: string, fallback: string): string {
  try {
    return realpathSync(path);
  } catch {
    return fallback;
  }
}
