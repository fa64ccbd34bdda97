import { awsCall } from '../aws-errors.js';
import { integrityError, KmsDemoError } from '../errors.js';
import type { EncryptionContext, KmsApi } from './kms-api.js';

/**
 * The original demo's way, made safe: KMS encrypts the secret itself (at most 4096
 * bytes), under the same encryption context as envelope items, so KMS refuses to decrypt
 * a ciphertext read from another item or table.
 */

export async function directEncrypt(
  kms: KmsApi,
  keyArn: string,
  plaintext: Uint8Array,
  context: EncryptionContext,
): Promise<Uint8Array> {
  const response = await awsCall({ service: 'kms', resource: keyArn }, () =>
    kms.encrypt({ KeyId: keyArn, Plaintext: plaintext, EncryptionContext: context }),
  );
  if (!response.CiphertextBlob || response.CiphertextBlob.byteLength === 0) {
    throw new KmsDemoError('AWS_ERROR', 'KMS Encrypt returned no ciphertext; nothing was stored.');
  }
  return response.CiphertextBlob;
}

/**
 * KeyId pins the key: KMS answers IncorrectKeyException for a ciphertext made under any
 * other key, so a planted ciphertext under a key the attacker controls is refused.
 */
export async function directDecrypt(
  kms: KmsApi,
  keyArn: string,
  ciphertext: Uint8Array,
  context: EncryptionContext | undefined,
  appuser: string,
): Promise<Uint8Array> {
  const response = await awsCall({ service: 'kms', resource: keyArn, appuser }, () =>
    kms.decrypt({
      CiphertextBlob: ciphertext,
      KeyId: keyArn,
      ...(context ? { EncryptionContext: context } : {}),
    }),
  );
  if (response.KeyId !== undefined && response.KeyId !== keyArn) {
    response.Plaintext?.fill(0);
    throw integrityError(appuser, `KMS decrypted it with ${response.KeyId}, not ${keyArn}`);
  }
  if (!response.Plaintext)
    throw new KmsDemoError('AWS_ERROR', 'KMS Decrypt returned no plaintext.');
  // The SDK's base64 decoding may leave the bytes in a shared, pooled ArrayBuffer: hand
  // out a copy of our own and zero the original.
  const plaintext = new Uint8Array(response.Plaintext);
  response.Plaintext.fill(0);
  return plaintext;
}
