import type { Scheme, WritableScheme } from '../storage/item.js';
import { itemContext } from './context.js';
import { directDecrypt, directEncrypt } from './direct.js';
import { envelopeDecrypt, envelopeEncrypt } from './envelope.js';
import type { KmsApi } from './kms-api.js';
import { legacyDecrypt } from './legacy.js';
import { assertSecret, assertSecretSize } from './limits.js';

/** Where a ciphertext lives: what its encryption context must name. */
export interface Binding {
  tableName: string;
  appuser: string;
}

export async function seal(
  kms: KmsApi,
  keyArn: string,
  binding: Binding,
  secret: Uint8Array,
  scheme: WritableScheme,
): Promise<Uint8Array> {
  assertSecret(secret);
  assertSecretSize(secret, scheme);
  const context = itemContext(binding.tableName, binding.appuser, scheme);
  return scheme === 'envelope'
    ? envelopeEncrypt(kms, keyArn, secret, context)
    : directEncrypt(kms, keyArn, secret, context);
}

/** The context is rebuilt from where the ciphertext was found, never read from the item. */
export async function open(
  kms: KmsApi,
  keyArn: string,
  binding: Binding,
  ciphertext: Uint8Array,
  scheme: Scheme,
): Promise<Uint8Array> {
  const { tableName, appuser } = binding;
  switch (scheme) {
    case 'envelope':
      return envelopeDecrypt(kms, keyArn, ciphertext, itemContext(tableName, appuser), appuser);
    case 'direct': {
      const context = itemContext(tableName, appuser, 'direct');
      return directDecrypt(kms, keyArn, ciphertext, context, appuser);
    }
    case 'legacy':
      return legacyDecrypt(kms, keyArn, ciphertext, binding.appuser);
  }
}

/**
 * Sealing and opening with a given KMS client: `schemeCipher` does it in this thread; a
 * caller may pass another (a pool of worker threads) that does the same work elsewhere.
 */
export interface Cipher {
  seal: typeof seal;
  open: typeof open;
}

export const schemeCipher: Cipher = { seal, open };
