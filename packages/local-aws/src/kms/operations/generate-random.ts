import { randomBytes } from 'node:crypto';
import { KmsError, validationError } from '../errors.js';
import type { Operation } from '../operation.js';
import { toBase64AndZero } from '../symmetric.js';
import { optionalInteger, optionalString } from '../validation.js';

/** GenerateRandom: 1..1024 cryptographically secure random bytes. */
export const generateRandom: Operation = (_context, body) => {
  const numberOfBytes = optionalInteger(body, 'NumberOfBytes', 1, 1024);
  if (optionalString(body, 'CustomKeyStoreId', { min: 1, max: 64 }) !== undefined) {
    throw new KmsError(
      'CustomKeyStoreNotFoundException',
      'The local KMS emulator has no custom key stores.',
    );
  }
  if (body.Recipient !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      'The local KMS emulator does not support Recipient.',
    );
  }
  if (numberOfBytes === undefined)
    throw validationError('numberOfBytes', 'Member must not be null');
  return { Plaintext: toBase64AndZero(randomBytes(numberOfBytes)) };
};
