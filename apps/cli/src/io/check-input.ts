import { usageError } from '../errors.js';

/**
 * Input checks that run before anything is resolved or contacted, so a mistyped id or an
 * oversized secret is one usage line (exit 2) and nothing else: no local-emulator notice,
 * no story, no request. The store checks the same again; these only answer sooner.
 */

/** Throws core's INVALID_ID error (exit 2) for an id the store would refuse. */
export async function checkUserId(id: string): Promise<void> {
  const { validateUserId } = await import('@kms-demo/core/input');
  validateUserId(id);
}

/** Throws a usage error when `secret` is larger than `scheme` can store. */
export async function checkSecretSize(
  secret: Uint8Array,
  scheme: 'envelope' | 'direct',
): Promise<void> {
  const { DIRECT_MAX_SECRET_BYTES, ENVELOPE_MAX_SECRET_BYTES } = await import(
    '@kms-demo/core/input'
  );
  const limit = scheme === 'direct' ? DIRECT_MAX_SECRET_BYTES : ENVELOPE_MAX_SECRET_BYTES;
  if (secret.byteLength <= limit) return;
  const advice =
    scheme === 'direct'
      ? '; drop --scheme direct (envelope takes more)'
      : '; store large data elsewhere and keep only its key here';
  throw usageError(
    `the secret is ${secret.byteLength} bytes; the ${scheme} scheme takes at most ${limit}${advice}`,
  );
}

/** Throws a usage error unless `n` is a whole number of requests from 1 to 256. */
export async function checkConcurrency(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw usageError('--concurrency must be a whole number from 1 to 256');
  }
}
