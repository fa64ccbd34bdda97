import { randomBytes } from 'node:crypto';
import { KmsError } from '../errors.js';
import {
  dryRunSucceeded,
  keyFromMember,
  type Operation,
  type OperationContext,
} from '../operation.js';
import { encryptWith, toBase64AndZero } from '../symmetric.js';
import {
  type Body,
  encryptionContext,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalStringList,
} from '../validation.js';

const KEY_SPEC_BYTES = { AES_128: 16, AES_256: 32 } as const;

/** A fresh data key and its ciphertext under the named key; the caller zeroes the plaintext. */
function generate(context: OperationContext, body: Body) {
  const encryption = encryptionContext(body, 'EncryptionContext');
  const numberOfBytes = optionalInteger(body, 'NumberOfBytes', 1, 1024);
  const keySpec = optionalEnum(body, 'KeySpec', ['AES_128', 'AES_256'] as const);
  optionalStringList(body, 'GrantTokens');
  if (body.Recipient !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      'The local KMS emulator does not support Recipient.',
    );
  }
  const dryRun = optionalBoolean(body, 'DryRun') ?? false;
  if ((numberOfBytes === undefined) === (keySpec === undefined)) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  const key = keyFromMember(context, body, 'KeyId', true);
  const plaintext = randomBytes(numberOfBytes ?? KEY_SPEC_BYTES[keySpec ?? 'AES_256']);
  try {
    const { blob, material } = encryptWith(context, key, plaintext, encryption);
    if (dryRun) throw dryRunSucceeded();
    return { key, blob, material, plaintext };
  } catch (error) {
    plaintext.fill(0);
    throw error;
  }
}

/** GenerateDataKey: KeySpec AES_128/AES_256 or NumberOfBytes 1..1024, exactly one. */
export const generateDataKey: Operation = (context, body) => {
  const { key, blob, material, plaintext } = generate(context, body);
  return {
    CiphertextBlob: blob.toString('base64'),
    Plaintext: toBase64AndZero(plaintext),
    KeyId: context.store.arn(key),
    KeyMaterialId: material.id,
  };
};

/** GenerateDataKeyWithoutPlaintext: as GenerateDataKey, returning only the ciphertext. */
export const generateDataKeyWithoutPlaintext: Operation = (context, body) => {
  const { key, blob, material, plaintext } = generate(context, body);
  plaintext.fill(0);
  return {
    CiphertextBlob: blob.toString('base64'),
    KeyId: context.store.arn(key),
    KeyMaterialId: material.id,
  };
};
