import { randomBytes } from 'node:crypto';
import { chmod, type FileHandle, link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LocalAwsError } from '../errors.js';

/** Owner-only permissions for everything the endpoint keeps on disk. */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the state directory if needed and makes it owner-only. It holds the credentials,
 * key material and the table data, so another local user must not be able to read it.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new LocalAwsError(
        'STATE_DIR_INVALID',
        `State dir ${dir} exists but is not a directory.`,
      );
    }
    await chmod(dir, PRIVATE_DIR_MODE);
  } catch (error) {
    if (error instanceof LocalAwsError) throw error;
    throw new LocalAwsError(
      'STATE_DIR_INVALID',
      `Cannot use ${dir} as the local endpoint's state dir; choose a directory you own.`,
      { cause: error },
    );
  }
}

/**
 * Writes a file with mode 0600 so that readers see either the old or the new content, even
 * after a crash or power loss: a temp file next to it, flushed, renamed over it, and then
 * the directory flushed so that the rename itself is on disk. A failed write leaves no
 * temp file behind.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = tempPathBeside(path);
  try {
    await writeSynced(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

function tempPathBeside(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Creates a fresh file with mode 0600 and flushes its content to disk before anyone can
 * see it under its real name. 'wx': the name is fresh, so a failure to create it leaves
 * nothing of ours to remove; any later failure leaves the file for the caller to remove.
 */
async function writeSynced(path: string, data: string): Promise<void> {
  const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a directory's entries (a rename in it) to disk. Some platforms cannot open or
 * fsync a directory (EISDIR, EINVAL); there the rename is as durable as the OS makes it.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Creates a file with mode 0600 only if it does not exist yet, returning false if it does.
 * The content is written aside, flushed, and hard-linked into place, so the file appears
 * complete or not at all, and of two racing creators exactly one wins. The directory is
 * flushed afterwards, so after a power loss the file is there with its content, never
 * empty: a caller that saw it created (credentials handed out) can rely on it.
 */
export async function createFileExclusive(path: string, data: string): Promise<boolean> {
  const temp = tempPathBeside(path);
  try {
    await writeSynced(temp, data);
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
  await syncDirectory(dirname(path));
  return true;
}
