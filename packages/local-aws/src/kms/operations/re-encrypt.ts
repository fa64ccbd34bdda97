import { dryRunSucceeded, keyFromMember, type Operation } from '../operation.js';
import { decryptWith, encryptWith, readAlgorithm } from '../symmetric.js';
import {
  encryptionContext,
  optionalBoolean,
  optionalStringList,
  present,
  requiredBlob,
} from '../validation.js';

/** ReEncrypt: decrypts under the source key and encrypts under the destination key, in one step. */
export const reEncrypt: Operation = (context, body) => {
  const blob = requiredBlob(body, 'CiphertextBlob', { min: 1, max: 6144 });
  const sourceContext = encryptionContext(body, 'SourceEncryptionContext');
  const destinationContext = encryptionContext(body, 'DestinationEncryptionContext');
  const sourceAlgorithm = readAlgorithm(body, 'SourceEncryptionAlgorithm');
  const destinationAlgorithm = readAlgorithm(body, 'DestinationEncryptionAlgorithm');
  optionalStringList(body, 'GrantTokens');
  const dryRun = optionalBoolean(body, 'DryRun') ?? false;
  const destination = keyFromMember(context, body, 'DestinationKeyId', true);
  const expected = !present(body, 'SourceKeyId')
    ? undefined
    : keyFromMember(context, body, 'SourceKeyId', true);
  const source = decryptWith(context, blob, sourceContext, expected);
  try {
    const result = encryptWith(context, destination, source.plaintext, destinationContext);
    if (dryRun) throw dryRunSucceeded();
    return {
      CiphertextBlob: result.blob.toString('base64'),
      SourceKeyId: context.store.arn(source.key),
      KeyId: context.store.arn(destination),
      SourceEncryptionAlgorithm: sourceAlgorithm,
      DestinationEncryptionAlgorithm: destinationAlgorithm,
      SourceKeyMaterialId: source.material.id,
      DestinationKeyMaterialId: result.material.id,
    };
  } finally {
    source.plaintext.fill(0);
  }
};
