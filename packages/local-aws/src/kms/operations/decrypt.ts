import { dryRunSucceeded, keyFromMember, type Operation } from '../operation.js';
import { decryptWith, readAlgorithm, toBase64AndZero } from '../symmetric.js';
import {
  encryptionContext,
  optionalBoolean,
  optionalStringList,
  present,
  requiredBlob,
} from '../validation.js';

/**
 * Decrypt: the blob names its key, so KeyId is optional; when given (any identifier
 * form) it must name that key. Returns the key ARN.
 */
export const decrypt: Operation = (context, body) => {
  const blob = requiredBlob(body, 'CiphertextBlob', { min: 1, max: 6144 });
  const encryption = encryptionContext(body, 'EncryptionContext');
  optionalStringList(body, 'GrantTokens');
  const algorithm = readAlgorithm(body, 'EncryptionAlgorithm');
  const dryRun = optionalBoolean(body, 'DryRun') ?? false;
  const expected = !present(body, 'KeyId')
    ? undefined
    : keyFromMember(context, body, 'KeyId', true);
  const { key, material, plaintext } = decryptWith(context, blob, encryption, expected);
  if (dryRun) {
    plaintext.fill(0);
    throw dryRunSucceeded();
  }
  return {
    KeyId: context.store.arn(key),
    Plaintext: toBase64AndZero(plaintext),
    EncryptionAlgorithm: algorithm,
    KeyMaterialId: material.id,
  };
};
