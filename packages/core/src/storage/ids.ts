import { randomBytes } from 'node:crypto';
import { KmsDemoError } from '../errors.js';
import { printable } from '../printable.js';

/**
 * Item ids. Generated ids are 10 characters of Crockford's base32 alphabet in lower case
 * (no i, l, o, u: nothing to confuse when read aloud or typed): 50 bits from the crypto
 * RNG, so a collision is unlikely before tens of millions of items, and a collision is a
 * CONFLICT, never an overwrite. The original demo's 5-digit ids stay valid.
 */

export const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const GENERATED_ID_LENGTH = 10;
export const ID_MIN_LENGTH = 3;
export const ID_MAX_LENGTH = 64;

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const LEGACY_ID_PATTERN = /^\d{5}$/;

export function generateUserId(): string {
  // 32 symbols: the low 5 bits of each random byte pick one without modulo bias.
  const bytes = randomBytes(GENERATED_ID_LENGTH);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte & 31];
  bytes.fill(0);
  return id;
}

export function isLegacyUserId(id: string): boolean {
  return LEGACY_ID_PATTERN.test(id);
}

/**
 * Caller-chosen ids: 3 to 64 characters, lower-case letters, digits, '.', '_' and '-',
 * starting with a letter or digit. Upper case is refused rather than folded, so that one
 * id never names two items.
 */
export function validateUserId(id: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new KmsDemoError(
      'INVALID_ID',
      'The user id is empty; pass the id that was printed when the secret was stored.',
    );
  }
  if (id.length < ID_MIN_LENGTH || id.length > ID_MAX_LENGTH) {
    throw new KmsDemoError(
      'INVALID_ID',
      `The user id '${printable(id)}' has ${id.length} characters; ids have ${ID_MIN_LENGTH} to ${ID_MAX_LENGTH}.`,
    );
  }
  if (!ID_PATTERN.test(id)) {
    const hint = /[A-Z]/.test(id) ? ' (ids are lower case)' : '';
    throw new KmsDemoError(
      'INVALID_ID',
      `The user id '${printable(id)}' is not valid${hint}: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.`,
    );
  }
}
