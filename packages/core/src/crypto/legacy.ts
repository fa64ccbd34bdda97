import { KmsDemoError } from '../errors.js';
import { directDecrypt } from './direct.js';
import type { KmsApi } from './kms-api.js';

/** KMS ciphertexts are binary; one that is entirely base64 text was encoded once too often. */
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function looksLikeBase64Text(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 16 && BASE64_TEXT.test(Buffer.from(bytes).toString('latin1'));
}

/**
 * Items written by the original demo: a raw KMS ciphertext made without an encryption
 * context. They can be read (KMS Decrypt without a context, pinned to the configured key)
 * but nothing binds them to their item, so the store only reads them and offers `migrate`.
 */
export async function legacyDecrypt(
  kms: KmsApi,
  keyArn: string,
  ciphertext: Uint8Array,
  appuser: string,
): Promise<Uint8Array> {
  try {
    return await directDecrypt(kms, keyArn, ciphertext, undefined, appuser);
  } catch (error) {
    // A tool that stores the base64 text of the ciphertext instead of its bytes (the AWS
    // CLI v1 does, given a base64 "B" value) leaves an item KMS rightly refuses; say so,
    // rather than only calling it altered.
    if (
      error instanceof KmsDemoError &&
      error.code === 'INTEGRITY' &&
      looksLikeBase64Text(ciphertext)
    ) {
      throw new KmsDemoError(
        'INTEGRITY',
        `${error.message} Its stored bytes are base64 text rather than a KMS ciphertext: it was probably written by a tool that encoded the ciphertext twice; store the secret again.`,
        { cause: error.cause },
      );
    }
    throw error;
  }
}
