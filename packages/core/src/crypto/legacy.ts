import { directDecrypt } from './direct.js';
import type { KmsApi } from './kms-api.js';

/**
 * Items written by the original demo: a raw KMS ciphertext made without an encryption
 * context. They can be read (KMS Decrypt without a context, pinned to the configured key)
 * but nothing binds them to their item, so the store only reads them and offers `migrate`.
 */
export function legacyDecrypt(
  kms: KmsApi,
  keyArn: string,
  ciphertext: Uint8Array,
  appuser: string,
): Promise<Uint8Array> {
  return directDecrypt(kms, keyArn, ciphertext, undefined, appuser);
}
