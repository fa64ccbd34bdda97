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

/** DynamoDB's limit for a partition key value, in UTF-8 bytes. */
const MAX_KEY_BYTES = 2048;

/**
 * `inspect` and `delete` take any id an item can have, even one today's validation
 * refuses (another tool wrote it): only what DynamoDB itself would refuse is refused.
 */
function assertKeyValue(appuser: string): void {
  if (typeof appuser !== 'string' || appuser === '') validateUserId(appuser);
  if (Buffer.byteLength(appuser, 'utf8') > MAX_KEY_BYTES) {
    throw new KmsDemoError(
      'INVALID_ID',
      `The user id has more than ${MAX_KEY_BYTES} bytes; no item can have it.`,
    );
  }
}

/** arn:partition:kms:region:account:key/id: the same partition, region and account. */
function sameAccountAndRegion(a: string, b: string): boolean {
  const [pa, sa] = [a.split(':'), b.split(':')];
  return (
    pa.length >= 6 &&
    sa.length >= 6 &&
    pa[0] === 'arn' &&
    pa[2] === 'kms' &&
    [1, 2, 3, 4].every((i) => pa[i] === sa[i]) &&
    pa[3] !== '' &&
    pa[4] !== ''
  );
}

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

  /**
   * The key to read an item under. Items record their key: one moved to another key of
   * the same account and region (`migrate --to-key`) is read under that key, with the
   * same strict keyring (the message must name exactly that key). A key elsewhere is
   * refused here: this store's clients reach one account and region only.
   */
  function readingKeyFor(item: StoredItem, configuredArn: string): string {
    if (item.keyArn === undefined || item.keyArn === configuredArn) return configuredArn;
    if (sameAccountAndRegion(item.keyArn, configuredArn)) return item.keyArn;
    throw new KmsDemoError(
      'KEY_UNAVAILABLE',
      `The item '${printable(item.appuser)}' is encrypted under KMS key ${printable(item.keyArn, 200)}, in another account or region than this store's key ${configuredArn}; configure that key to read it.`,
    );
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
      validateUserId(appuser);
      // The key's ARN (DescribeKey) is looked up while the item is read, not after: one
      // round trip less per decrypt. The item's errors (not found, legacy) still come first;
      // a lookup that fails meanwhile is handled by keyArnCache, never left unhandled.
      const configuredArn = resolveKeyArn();
      const item = await readExisting(appuser);
      if (item.scheme === 'legacy' && !allowLegacy) throw legacyRefused(appuser);
      const keyArn = readingKeyFor(item, await configuredArn);
      const secret = await open(kms, keyArn, { tableName, appuser }, item.ciphertext, item.scheme);
      // A legacy item records no key: the one that decrypted it is the answer.
      return { ...infoOf(item), keyArn, secret };
    },

    async describe(appuser) {
      return describeItem(await readExisting(appuser), tableName);
    },

    async inspect(appuser) {
      assertKeyValue(appuser);
      const record = await table.readRecord(appuser);
      if (!record) throw notFound(appuser);
      return toListedItem(record, tableName);
    },

    async delete(appuser) {
      assertKeyValue(appuser);
      await table.remove(appuser);
    },

    async *list({ pageSize = DEFAULT_PAGE_SIZE } = {}) {
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
        throw new RangeError('list: pageSize must be an integer from 1 to 1000');
      }
      for await (const record of table.scan(pageSize)) yield toListedItem(record, tableName);
    },

    async migrate(appuser, { toKeyId } = {}) {
      const item = await readExisting(appuser);
      const configuredArn = await resolveKeyArn();
      const targetArn = toKeyId === undefined ? configuredArn : await keyArnOf(toKeyId);
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
      const sourceArn = readingKeyFor(item, configuredArn);
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
