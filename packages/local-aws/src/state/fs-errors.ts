import { LocalAwsError } from '../errors.js';

/** What a file system error code means, in words a user can act on. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error (a failing disk?)',
  EMFILE: 'too many open files',
};

/** The errno code of `error` or of any error in its cause chain. */
export function fsErrorCode(error: unknown): string | undefined {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'string' && e.code in REASONS) return e.code;
    // LevelDB reports errno only in its message, e.g. "IO error: …: No space left on device".
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /no space left on device/i.test(message)) return 'ENOSPC';
    e = e.cause as typeof e;
  }
  return undefined;
}

/** "no space left on device" for ENOSPC and the like; undefined for anything else. */
export function fsErrorReason(error: unknown): string | undefined {
  const code = fsErrorCode(error);
  return code ? REASONS[code] : undefined;
}

/**
 * Runs a file system step; a failure for lack of space (or another reason above) becomes
 * a LocalAwsError naming the path and the reason, anything else is thrown as it is.
 */
export async function withPath<T>(path: string, doing: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const reason = fsErrorReason(error);
    if (!reason) throw error;
    throw new LocalAwsError(
      reason === REASONS.ENOSPC ? 'NO_SPACE' : 'STATE_DIR_INVALID',
      `Cannot ${doing} ${path}: ${reason}${reason === REASONS.ENOSPC ? '; free some space and try again' : ''}.`,
      { cause: error },
    );
  }
}
