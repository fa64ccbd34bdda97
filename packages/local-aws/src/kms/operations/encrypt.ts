import { dryRunSucceeded, keyFromMember, type Operation } from '../operation.js';
import { encryptWith, readAlgorithm } from '../symmetric.js';
import {
  encryptionContext,
  optionalBoolean,
  optionalStringList,
  requiredBlob,
} from '../validation.js';

/** Encrypt: up to 4096 bytes under a symmetric key named by any of the four identifier forms. */
export const encrypt: Operation = (context, body) => {
  const plaintext = requiredBlob(body, 'Plaintext', { min: 1, max: 4096 });
  try {
    const encryption = encryptionContext(body, 'EncryptionContext');
    optionalStringList(body, 'GrantTokens');
    const algorithm = readAlgorithm(body, 'EncryptionAlgorithm');
    const dryRun = optionalBoolean(body, 'DryRun') ?? false;
    const key = keyFromMember(context, body, 'KeyId', true);
    const { blob } = encryptWith(context, key, plaintext, encryption);
    if (dryRun) throw dryRunSucceeded();
    return {
      CiphertextBlob: blob.toString('base64'),
      KeyId: context.store.arn(key),
      EncryptionAlgorithm: algorithm,
    };
  } finally {
    plaintext.fill(0);
  }
};
