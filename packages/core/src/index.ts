export { fromAwsError } from './aws-errors.js';
export type { BackupRecord } from './bulk/backup-record.js';
export { BULK_MAX_ATTEMPTS } from './bulk/bulk-retry-strategy.js';
export {
  type BulkStore,
  type BulkStoreOptions,
  type CreateOutcome,
  createBulkStore,
  MAX_BATCH_ITEMS,
  type ScannedItem,
} from './bulk/bulk-store.js';
export {
  type AwsClientOptions,
  type AwsClients,
  type AwsLogger,
  createAwsClients,
  DEFAULT_MAX_ATTEMPTS,
  quietLogger,
} from './clients.js';
export { itemContext, sameContext } from './crypto/context.js';
export { ENVELOPE_SUITE } from './crypto/envelope.js';
export type { EncryptionContext, KmsApi } from './crypto/kms-api.js';
export { DIRECT_MAX_SECRET_BYTES, ENVELOPE_MAX_SECRET_BYTES } from './crypto/limits.js';
export type { AlgorithmInfo } from './crypto/message-header.js';
export { type Binding, type Cipher, schemeCipher } from './crypto/schemes.js';
export type { ItemDescription } from './describe.js';
export { ERROR_CODES, type ErrorCode, isKmsDemoError, KmsDemoError } from './errors.js';
export { KmsApiClient, type KmsCallOptions } from './kms-api-client.js';
export { createSecretStore, DEFAULT_PAGE_SIZE } from './secret-store.js';
export type {
  MigrateResult,
  SecretStore,
  SecretStoreOptions,
  StoredSecret,
} from './secret-store-api.js';
export * from './spec.js';
export {
  GENERATED_ID_LENGTH,
  generateUserId,
  ID_ALPHABET,
  ID_MAX_LENGTH,
  ID_MIN_LENGTH,
  isLegacyUserId,
  validateUserId,
} from './storage/ids.js';
export {
  ATTRIBUTES,
  FORMAT_VERSION,
  type Scheme,
  type StoredItem,
  type StoredItemInfo,
  type WritableScheme,
} from './storage/item.js';
export type { ListedItem } from './storage/listing.js';
