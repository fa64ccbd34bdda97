import { awsCall } from '../aws-errors.js';
import { KmsDemoError } from '../errors.js';
import type { KmsApi } from './kms-api.js';

/**
 * Turns a key id, alias name or alias ARN into the key ARN. The strict keyring needs the
 * ARN: Encryption SDK messages record the wrapping key by ARN, and decryption matches on it.
 */
export async function describeKeyArn(kms: KmsApi, keyId: string): Promise<string> {
  const { KeyMetadata } = await awsCall({ service: 'kms', resource: keyId }, () =>
    kms.describeKey({ KeyId: keyId }),
  );
  if (!KeyMetadata?.Arn) {
    throw new KmsDemoError(
      'KEY_UNAVAILABLE',
      `KMS did not describe key ${keyId}; check the key id.`,
    );
  }
  const { KeySpec, KeyUsage } = KeyMetadata;
  if (
    (KeySpec && KeySpec !== 'SYMMETRIC_DEFAULT') ||
    (KeyUsage && KeyUsage !== 'ENCRYPT_DECRYPT')
  ) {
    throw new KmsDemoError(
      'KEY_UNAVAILABLE',
      `KMS key ${keyId} is a ${KeySpec ?? '?'} ${KeyUsage ?? '?'} key; configure a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT).`,
    );
  }
  return KeyMetadata.Arn;
}

/** DescribeKey once per key id; a failure is not cached, so the next call tries again. */
export function keyArnCache(kms: KmsApi): (keyId: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (keyId) => {
    let arn = cache.get(keyId);
    if (!arn) {
      arn = describeKeyArn(kms, keyId);
      cache.set(keyId, arn);
      arn.catch(() => cache.delete(keyId));
    }
    return arn;
  };
}
