import { printable } from '../printable.js';
import { ENCRYPTION_CONTEXT_KEYS, ENCRYPTION_PURPOSE } from '../spec.js';
import type { EncryptionContext } from './kms-api.js';

/** The context pair that tells a `direct` ciphertext from an envelope's wrapped data key. */
export const DIRECT_SCHEME_PAIR = { scheme: 'direct' } as const;

/**
 * The encryption context binds a ciphertext to the one item it was written for: the
 * purpose, the table and the item's id. KMS authenticates it (and the app policy
 * conditions key use on its `table` pair); on read we rebuild it from the item being
 * read and demand an exact match.
 *
 * `direct` ciphertexts carry one more pair. Both schemes make KMS ciphertexts under the
 * same key for the same item: without it, an envelope item's wrapped data key, relabelled
 * as a `direct` item, would decrypt under the item's own context and hand the data key
 * out as if it were the secret.
 */
export function itemContext(
  tableName: string,
  appuser: string,
  scheme: 'envelope' | 'direct' = 'envelope',
): EncryptionContext {
  return {
    [ENCRYPTION_CONTEXT_KEYS.purpose]: ENCRYPTION_PURPOSE,
    [ENCRYPTION_CONTEXT_KEYS.table]: tableName,
    [ENCRYPTION_CONTEXT_KEYS.user]: appuser,
    ...(scheme === 'direct' ? DIRECT_SCHEME_PAIR : {}),
  };
}

/**
 * Exact equality: same keys, same values, nothing extra. A superset is not accepted,
 * because an extra pair would mean the ciphertext was made by something other than
 * this code.
 */
export function sameContext(
  actual: Readonly<EncryptionContext>,
  expected: Readonly<EncryptionContext>,
): boolean {
  const actualKeys = Object.keys(actual);
  const expectedKeys = Object.keys(expected);
  if (actualKeys.length !== expectedKeys.length) return false;
  return expectedKeys.every((key) => Object.hasOwn(actual, key) && actual[key] === expected[key]);
}

/** Names the first differing pair, for error messages (context values are not secret). */
export function describeContextMismatch(
  actual: Readonly<EncryptionContext>,
  expected: Readonly<EncryptionContext>,
): string {
  for (const key of Object.keys(expected)) {
    if (!Object.hasOwn(actual, key)) return `its encryption context lacks '${key}'`;
    if (actual[key] !== expected[key]) {
      return `its encryption context names ${key}='${printable(actual[key], 200)}', expected '${expected[key]}'`;
    }
  }
  const extra = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
  return `its encryption context has an unexpected pair '${printable(extra ?? '?')}'`;
}
