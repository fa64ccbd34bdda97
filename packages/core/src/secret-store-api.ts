import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KmsApi } from './crypto/kms-api.js';
import type { ItemDescription } from './describe.js';
import type { Scheme, StoredItemInfo, WritableScheme } from './storage/item.js';
import type { ListedItem } from './storage/listing.js';

/**
 * The facade's contract: what the CLI and other callers code against. Every method
 * throws KmsDemoError with a stable code; none logs or prints.
 */

export interface SecretStoreOptions {
  /** The aggregated `KMS` client from createAwsClients, or anything with the same four methods. */
  kms: KmsApi;
  dynamodb: DynamoDBClient;
  /** Key id, key ARN, alias name or alias ARN. */
  keyId: string;
  tableName: string;
}

export interface StoredSecret extends StoredItemInfo {
  /** The plaintext. The caller owns it: zero it (`secret.fill(0)`) after use. */
  secret: Uint8Array;
}

export interface MigrateResult {
  appuser: string;
  from: Scheme;
  to: 'envelope';
  keyArn: string;
  changed: boolean;
}

export interface SecretStore {
  /** Encrypts and stores a new item; never overwrites (CONFLICT if the id exists). */
  put(
    secret: Uint8Array,
    options?: { appuser?: string; scheme?: WritableScheme },
  ): Promise<StoredItemInfo>;
  /** Overwrites an existing item (NOT_FOUND if absent; CONFLICT if it changes meanwhile). */
  replace(
    appuser: string,
    secret: Uint8Array,
    options?: { scheme?: WritableScheme },
  ): Promise<StoredItemInfo>;
  /**
   * Decrypts an item; the caller zeroes `secret` after use. An item in the original
   * demo's format is bound to nothing (whoever can write the table could have put another
   * user's ciphertext there), so it is refused with LEGACY_REFUSED, before any KMS call,
   * unless `allowLegacy` is set. An item recorded under another key of the configured
   * key's account and region is read under that key; `keyArn` is the key that decrypted
   * it (the configured one for a legacy item).
   */
  get(appuser: string, options?: { allowLegacy?: boolean }): Promise<StoredSecret>;
  /** Everything knowable without decrypting: no KMS call. */
  describe(appuser: string): Promise<ItemDescription>;
  /**
   * The listing's view of one item (`list` for one id): never fails on the item's format
   * or id, only on its absence (NOT_FOUND). What `delete` shows before it removes.
   */
  inspect(appuser: string): Promise<ListedItem>;
  /** Removes an item without parsing it: any existing id, any content (NOT_FOUND if absent). */
  delete(appuser: string): Promise<void>;
  /**
   * Scans without reading ciphertexts, `pageSize` items per request (default 100). An item
   * that cannot be read is listed with `unreadable` set; it never ends the listing.
   */
  list(options?: { pageSize?: number }): AsyncIterable<ListedItem>;
  /**
   * Rewrites a legacy or direct item as envelope, or under `toKeyId`; optimistic
   * concurrency. Migrating is the explicit way to read a legacy item: it is decrypted
   * here without `allowLegacy` (the result's `from` says `legacy`).
   */
  migrate(appuser: string, options?: { toKeyId?: string }): Promise<MigrateResult>;
  /** The configured key's ARN (DescribeKey once, cached). */
  resolveKeyArn(): Promise<string>;
}
