import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keyArnCache } from './crypto/key-arn.js';
import type { KmsApi } from './crypto/kms-api.js';
import { assertSecret, assertSecretSize } from './crypto/limits.js';
import { readEnvelopeHeader } from './crypto/message-header.js';
import { open, seal } from './crypto/schemes.js';
import { describeItem, type ItemDescription } from './describe.js';
import { isKmsDemoError, KmsDemoError } from './errors.js';
import { generateUserId, validateUserId } from './storage/ids.js';
import {
  FORMAT_VERSION,
  infoOf,
  type Scheme,
  type StoredItem,
  type StoredItemInfo,
  type WritableScheme,
} from './storage/item.js';
import { notFound, SecretTable } from './storage/table.js';

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
  put(
    secret: Uint8Array,
    options?: { appuser?: string; scheme?: WritableScheme },
  ): Promise<StoredItemInfo>;
  replace(
    appuser: string,
    secret: Uint8Array,
    options?: { scheme?: WritableScheme },
  ): Promise<StoredItemInfo>;
  get(appuser: string): Promise<StoredSecret>;
  describe(appuser: string): Promise<ItemDescription>;
  delete(appuser: string): Promise<void>;
  list(options?: { pageSize?: number }): AsyncIterable<StoredItemInfo>;
  migrate(appuser: string, options?: { toKeyId?: string }): Promise<MigrateResult>;
  resolveKeyArn(): Promise<string>;
}

/** A generated id that collides is replaced by a fresh one this many times. */
const GENERATED_ID_ATTEMPTS = 3;
export const DEFAULT_PAGE_SIZE = 100;

export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const { kms, keyId, tableName } = options;
  if (!keyId) throw new TypeError('createSecretStore: keyId is required');
  if (!tableName) throw new TypeError('createSecretStore: tableName is required');
  const table = new SecretTable(options.dynamodb, tableName);
  const keyArnOf = keyArnCache(kms);
  const resolveKeyArn = () => keyArnOf(keyId);

  async function readExisting(appuser: string): Promise<StoredItem> {
    validateUserId(appuser);
    const item = await table.read(appuser);
    if (!item) throw notFound(appuser);
    return item;
  }

  /** Items record their key; reading one under another key could only fail later, less clearly. */
  function assertReadableWith(item: StoredItem, keyArn: string): void {
    if (item.keyArn !== undefined && item.keyArn !== keyArn) {
      throw new KmsDemoError(
        'KEY_UNAVAILABLE',
        `The item '${item.appuser}' is encrypted under KMS key ${item.keyArn}, but this store uses ${keyArn}; configure that key to read it.`,
      );
    }
  }

  function newRevision(
    base: StoredItem | undefined,
    fields: Pick<StoredItem, 'appuser' | 'ciphertext' | 'keyArn'> & { scheme: WritableScheme },
  ): StoredItem {
    const now = new Date().toISOString();
    return {
      ...fields,
      legacy: false,
      createdAt: base?.createdAt ?? now,
      updatedAt: now,
      formatVersion: FORMAT_VERSION,
      revision: (base?.revision ?? 0) + 1,
    };
  }

  return {
    resolveKeyArn,

    async put(secret, { appuser: chosen, scheme = 'envelope' } = {}) {
      assertSecret(secret);
      assertSecretSize(secret, scheme);
      if (chosen !== undefined) validateUserId(chosen);
      const keyArn = await resolveKeyArn();
      for (let attempt = 1; ; attempt++) {
        const appuser = chosen ?? generateUserId();
        const ciphertext = await seal(kms, keyArn, { tableName, appuser }, secret, scheme);
        const item = newRevision(undefined, { appuser, ciphertext, keyArn, scheme });
        try {
          await table.create(item);
          return infoOf(item);
        } catch (error) {
          const retry = chosen === undefined && attempt < GENERATED_ID_ATTEMPTS;
          if (!(retry && isKmsDemoError(error, 'CONFLICT'))) throw error;
        }
      }
    },

    async replace(appuser, secret, { scheme = 'envelope' } = {}) {
      assertSecret(secret);
      assertSecretSize(secret, scheme);
      const existing = await readExisting(appuser);
      const keyArn = await resolveKeyArn();
      const ciphertext = await seal(kms, keyArn, { tableName, appuser }, secret, scheme);
      const item = newRevision(existing, { appuser, ciphertext, keyArn, scheme });
      await table.overwrite(item, existing);
      return infoOf(item);
    },

    async get(appuser) {
      const item = await readExisting(appuser);
      const keyArn = await resolveKeyArn();
      assertReadableWith(item, keyArn);
      const secret = await open(kms, keyArn, { tableName, appuser }, item.ciphertext, item.scheme);
      return { ...infoOf(item), secret };
    },

    async describe(appuser) {
      return describeItem(await readExisting(appuser), tableName);
    },

    async delete(appuser) {
      validateUserId(appuser);
      await table.remove(appuser);
    },

    async *list({ pageSize = DEFAULT_PAGE_SIZE } = {}) {
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
        throw new RangeError('list: pageSize must be an integer from 1 to 1000');
      }
      for await (const item of table.scan(pageSize)) yield infoOf(item);
    },

    async migrate(appuser, { toKeyId } = {}) {
      const item = await readExisting(appuser);
      const sourceArn = await resolveKeyArn();
      const targetArn = toKeyId === undefined ? sourceArn : await keyArnOf(toKeyId);
      const result = { appuser, from: item.scheme, to: 'envelope' as const, keyArn: targetArn };
      if (item.scheme === 'envelope' && item.keyArn === targetArn) {
        const wrapping = readEnvelopeHeader(item.ciphertext)?.keyArns;
        if (wrapping?.length === 1 && wrapping[0] === targetArn)
          return { ...result, changed: false };
      }
      assertReadableWith(item, sourceArn);
      const plaintext = await open(
        kms,
        sourceArn,
        { tableName, appuser },
        item.ciphertext,
        item.scheme,
      );
      let ciphertext: Uint8Array;
      try {
        ciphertext = await seal(kms, targetArn, { tableName, appuser }, plaintext, 'envelope');
      } finally {
        plaintext.fill(0);
      }
      await table.overwrite(
        newRevision(item, { appuser, ciphertext, keyArn: targetArn, scheme: 'envelope' }),
        item,
      );
      return { ...result, changed: true };
    },
  };
}
