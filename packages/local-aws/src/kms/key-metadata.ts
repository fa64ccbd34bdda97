import type { KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { epochSeconds } from './operation.js';

/** KeyMetadata as CreateKey and DescribeKey return it for a symmetric encryption key. */
export function keyMetadata(store: KeyStore, key: KeyRecord): Record<string, unknown> {
  return {
    AWSAccountId: store.scope.accountId,
    KeyId: key.keyId,
    Arn: store.arn(key),
    CreationDate: epochSeconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.state,
    ...(key.state === 'PendingDeletion' && key.deletionAt !== undefined
      ? { DeletionDate: epochSeconds(key.deletionAt) }
      : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    CurrentKeyMaterialId: store.currentMaterial(key).id,
  };
}
