import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { awsCall } from '../aws-errors.js';
import { keyArnCache } from '../crypto/key-arn.js';
import type { KmsApi } from '../crypto/kms-api.js';
import { assertSecret, assertSecretSize } from '../crypto/limits.js';
import { type Cipher, schemeCipher } from '../crypto/schemes.js';
import { isKmsDemoError, KmsDemoError } from '../errors.js';
import { validateUserId } from '../storage/ids.js';
import {
  ATTRIBUTES,
  fromRecord,
  nextRevision,
  type StoredItem,
  toRecord,
  type WritableScheme,
} from '../storage/item.js';
import { type BackupRecord, restoreRecord, toBackupRecord } from './backup-record.js';
import { type CreateOutcome, createMany, MAX_BATCH_ITEMS } from './create-many.js';

export interface BulkStoreOptions {
  kms: KmsApi;
  dynamodb: DynamoDBClient;
  keyId: string;
  tableName: string;
  /** Who encrypts and decrypts (with `kms`); this thread by default. */
  cipher?: Cipher;
}

/** One scanned item: parsed, or the reason it could not be (never ends a scan). */
export type ScannedItem =
  | { ok: true; item: StoredItem }
  | { ok: false; appuser: string; error: KmsDemoError };

/**
 * Many secrets at once, for import and export: the steps of `put` and `get` taken apart
 * so a caller can seal many secrets concurrently, write them in transactions, and record
 * each step (a journal) in between. Every write is conditional: nothing is overwritten.
 */
export interface BulkStore {
  readonly tableName: string;
  resolveKeyArn(): Promise<string>;
  /** Encrypts one secret for `appuser` (validated); nothing is written. */
  seal(appuser: string, secret: Uint8Array, scheme?: WritableScheme): Promise<StoredItem>;
  /** Writes up to 100 sealed items as new items; one outcome per item, in order. */
  createMany(items: StoredItem[]): Promise<CreateOutcome[]>;
  /** Writes up to 100 backup records (as `export --encrypted` made them) as new items. */
  restoreMany(records: Record<string, unknown>[]): Promise<CreateOutcome[]>;
  /** The stored item, strongly consistent; undefined if absent. */
  read(appuser: string): Promise<StoredItem | undefined>;
  /** Decrypts a stored item, checking its binding; the caller zeroes the result. */
  open(item: StoredItem): Promise<Uint8Array>;
  /** Every item with its ciphertext, page by page (Scan). */
  scan(pageSize?: number): AsyncIterable<ScannedItem>;
  toBackupRecord(item: StoredItem): BackupRecord;
  /** Checks a backup line and returns the record to restore (INTEGRITY for another table). */
  restoreRecord(value: unknown): Record<string, unknown>;
}

export { type CreateOutcome, MAX_BATCH_ITEMS };

export function createBulkStore(options: BulkStoreOptions): BulkStore {
  const { kms, dynamodb, keyId, tableName, cipher = schemeCipher } = options;
  const resolveKeyArn = (() => {
    const cache = keyArnCache(kms);
    return () => cache(keyId);
  })();
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const scope = { service: 'dynamodb' as const, resource: tableName };

  return {
    tableName,
    resolveKeyArn,

    async seal(appuser, secret, scheme = 'envelope') {
      validateUserId(appuser);
      assertSecret(secret);
      assertSecretSize(secret, scheme);
      const keyArn = await resolveKeyArn();
      const ciphertext = await cipher.seal(kms, keyArn, { tableName, appuser }, secret, scheme);
      return nextRevision(undefined, { appuser, ciphertext, keyArn, scheme });
    },

    createMany: (items) => createMany(dynamodb, tableName, items.map(toRecord)),

    restoreMany: (records) => createMany(dynamodb, tableName, records),

    async read(appuser) {
      const { Item } = await awsCall(scope, () =>
        doc.send(
          new GetCommand({
            TableName: tableName,
            Key: { [ATTRIBUTES.appuser]: appuser },
            ConsistentRead: true,
          }),
        ),
      );
      return Item ? fromRecord(Item) : undefined;
    },

    async open(item) {
      const keyArn = await resolveKeyArn();
      if (item.keyArn !== undefined && item.keyArn !== keyArn) {
        throw new KmsDemoError(
          'KEY_UNAVAILABLE',
          `The item '${item.appuser}' is encrypted under another KMS key than ${keyArn}; configure that key to read it.`,
        );
      }
      if (item.scheme !== 'legacy') validateUserId(item.appuser);
      return cipher.open(
        kms,
        keyArn,
        { tableName, appuser: item.appuser },
        item.ciphertext,
        item.scheme,
      );
    },

    async *scan(pageSize = MAX_BATCH_ITEMS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await awsCall(scope, () =>
          doc.send(
            new ScanCommand({ TableName: tableName, Limit: pageSize, ExclusiveStartKey: startKey }),
          ),
        );
        for (const record of page.Items ?? []) {
          try {
            yield { ok: true, item: fromRecord(record) };
          } catch (error) {
            if (!isKmsDemoError(error)) throw error;
            yield { ok: false, appuser: String(record[ATTRIBUTES.appuser]), error };
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },

    toBackupRecord: (item) => toBackupRecord(item, tableName),
    restoreRecord: (value) => restoreRecord(value, tableName),
  };
}
