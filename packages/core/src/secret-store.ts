import { keyArnCache } from './crypto/key-arn.js';
import { assertSecret, assertSecretSize } from './crypto/limits.js';
import { open, seal } from './crypto/schemes.js';
import { describeItem } from './describe.js';
import { integrityError, isKmsDemoError, KmsDemoError } from './errors.js';
import { printable } from './printable.js';
import type { SecretStore, SecretStoreOptions } from './secret-store-api.js';
import { generateUserId, validateUserId } from './storage/ids.js';
import { infoOf, nextRevision, type StoredItem } from './storage/item.js';
import { toListedItem } from './storage/listing.js';
import { notFound, SecretTable } from './storage/table.js';

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
        `The item '${item.appuser}' is encrypted under KMS key ${printable(item.keyArn, 200)}, but this store uses ${keyArn}; configure that key to read it.`,
      );
    }
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
        const item = nextRevision(undefined, { appuser, ciphertext, keyArn, scheme });
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
      const item = nextRevision(existing, { appuser, ciphertext, keyArn, scheme });
      await table.overwrite(item, existing);
      return infoOf(item);
    },

    async get(appuser, { allowLegacy = false } = {}) {
      const item = await readExisting(appuser);
      if (item.scheme === 'legacy' && !allowLegacy) throw legacyRefused(appuser);
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
      for await (const record of table.scan(pageSize)) yield toListedItem(record);
    },

    async migrate(appuser, { toKeyId } = {}) {
      const item = await readExisting(appuser);
      const sourceArn = await resolveKeyArn();
      const targetArn = toKeyId === undefined ? sourceArn : await keyArnOf(toKeyId);
      const result = { appuser, from: item.scheme, to: 'envelope' as const, keyArn: targetArn };
      if (item.scheme === 'envelope' && item.keyArn === targetArn) {
        // Nothing to rewrite, but a message copied from another item is not "current".
        const { wrappingKeyArns: wrapping, contextMatchesItem } = describeItem(item, tableName);
        if (!contextMatchesItem) {
          throw integrityError(appuser, 'its encryption context names another item or table');
        }
        if (wrapping?.length === 1 && wrapping[0] === targetArn) {
          return { ...result, changed: false };
        }
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
        nextRevision(item, { appuser, ciphertext, keyArn: targetArn, scheme: 'envelope' }),
        item,
      );
      return { ...result, changed: true };
    },
  };
}

function legacyRefused(appuser: string): KmsDemoError {
  return new KmsDemoError(
    'LEGACY_REFUSED',
    `The item '${appuser}' is in the original demo's format: its ciphertext is not bound to the item, so anyone who can write the table could have put another user's secret there. It was not decrypted; read it only if you trust whoever writes the table, or migrate it to the current format.`,
  );
}
