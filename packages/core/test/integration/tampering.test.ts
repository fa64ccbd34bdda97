import { NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import { ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  ENVELOPE_MAX_SECRET_BYTES,
  type ListedItem,
  PARTITION_KEY,
  SECRET_ATTRIBUTE,
  type SecretStore,
  TABLE_NAME,
} from '../../src/index.js';
import {
  countingKms,
  type Emulator,
  sameBytes,
  startEmulator,
  text,
  utf8,
} from '../support/emulator.js';

/**
 * Edits an attacker with write access to the table can make beyond the plain swap, and
 * table states the store must survive (binding.test.ts has the swap, the move, flips).
 */

let emulator: Emulator;
let store: SecretStore;

beforeAll(async () => {
  emulator = await startEmulator();
  store = emulator.store();
});
afterAll(() => emulator?.close());

async function rawItem(appuser: string): Promise<Record<string, unknown>> {
  const { Item } = await emulator.doc.send(
    new GetCommand({ TableName: TABLE_NAME, Key: { [PARTITION_KEY]: appuser } }),
  );
  if (!Item) throw new Error(`no item ${appuser}`);
  return Item;
}

async function rawPut(item: Record<string, unknown>, tableName = TABLE_NAME): Promise<void> {
  await emulator.doc.send(new PutCommand({ TableName: tableName, Item: item }));
}

/** The KMS ciphertext of the data key inside an Encryption SDK message. */
function wrappedDataKey(message: Uint8Array): Uint8Array {
  const toUtf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const { deserializeMessageHeader } = deserializeFactory(toUtf8, NodeAlgorithmSuite);
  const header = deserializeMessageHeader(message);
  const edk = header ? header.messageHeader.encryptedDataKeys[0] : undefined;
  if (!edk) throw new Error('no encrypted data key');
  return edk.encryptedDataKey;
}

describe('cross-scheme and downgrade edits', () => {
  it('an envelope item relabelled as direct, its wrapped data key as the ciphertext, is INTEGRITY', async () => {
    const { appuser } = await store.put(utf8('envelope secret'));
    const item = await rawItem(appuser);
    const edk = wrappedDataKey(item[SECRET_ATTRIBUTE] as Uint8Array);
    await rawPut({ ...item, [ATTRIBUTES.scheme]: 'direct', [SECRET_ATTRIBUTE]: edk });
    // Same key, same table, same item: only the scheme pair of the context tells them apart,
    // without which get would return the 32-byte data key as the "secret".
    const error = await store.get(appuser).catch((e) => e);
    expect(error).toMatchObject({ code: 'INTEGRITY' });
    expect(error.cause?.name).toBe('InvalidCiphertextException');
  });

  it('a direct ciphertext relabelled as envelope is INTEGRITY without a KMS call', async () => {
    const { appuser } = await store.put(utf8('direct secret'), { scheme: 'direct' });
    await rawPut({ ...(await rawItem(appuser)), [ATTRIBUTES.scheme]: 'envelope' });
    const { kms, calls } = countingKms(emulator.kms);
    await expect(emulator.store({ kms }).get(appuser)).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    expect(calls.decrypt).toBe(0);
  });

  it.each(['envelope', 'direct'] as const)(
    'a %s item stripped to the legacy shape is refused: LEGACY_REFUSED, and INTEGRITY (from KMS) when legacy reads are allowed',
    async (scheme) => {
      const { appuser } = await store.put(utf8('bound'), { scheme });
      const item = await rawItem(appuser);
      await rawPut({ [PARTITION_KEY]: appuser, [SECRET_ATTRIBUTE]: item[SECRET_ATTRIBUTE] });
      await expect(store.get(appuser)).rejects.toMatchObject({ code: 'LEGACY_REFUSED' });
      await expect(store.get(appuser, { allowLegacy: true })).rejects.toMatchObject({
        code: 'INTEGRITY',
      });
    },
  );

  it('migrate of an envelope item holding another item’s message is INTEGRITY, not "current"', async () => {
    const a = await store.put(utf8('A'));
    const b = await store.put(utf8('B'));
    await rawPut({
      ...(await rawItem(b.appuser)),
      [SECRET_ATTRIBUTE]: (await rawItem(a.appuser))[SECRET_ATTRIBUTE],
    });
    await expect(store.migrate(b.appuser)).rejects.toMatchObject({ code: 'INTEGRITY' });
  });
});

describe('optimistic concurrency', () => {
  it('an item deleted and put again while replace runs is not overwritten: CONFLICT', async () => {
    const appuser = 'reborn';
    await store.put(utf8('first life'), { appuser });
    let raced = false;
    const { kms } = countingKms(emulator.kms, async (operation) => {
      if (operation !== 'generateDataKey' || raced) return;
      raced = true;
      // Same id, revision 1 again: only the write time tells the two items apart.
      await emulator.doc.send(
        new DeleteCommand({ TableName: TABLE_NAME, Key: { [PARTITION_KEY]: appuser } }),
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.put(utf8('second life'), { appuser });
    });
    const error = await emulator
      .store({ kms })
      .replace(appuser, utf8('stale replace'))
      .catch((e) => e);
    expect(raced).toBe(true);
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect(text((await store.get(appuser)).secret)).toBe('second life');
  });
});

describe('limits and key states', () => {
  it('the documented envelope maximum really fits in one DynamoDB item', async () => {
    const secret = new Uint8Array(ENVELOPE_MAX_SECRET_BYTES).fill(0x5a);
    const { appuser } = await store.put(secret);
    expect(sameBytes((await store.get(appuser)).secret, secret)).toBe(true);
  });

  it('a key pending deletion makes put and get KEY_UNAVAILABLE, saying so', async () => {
    const keyArn = await emulator.createKey();
    const keyed = emulator.store({ keyId: keyArn });
    const { appuser } = await keyed.put(utf8('doomed key'));
    await emulator.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: 7 }),
    );
    for (const attempt of [() => keyed.get(appuser), () => keyed.put(utf8('x'))]) {
      const error = await attempt().catch((e) => e);
      expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE', message: /pending deletion/ });
      expect(error.cause?.name).toBe('KMSInvalidStateException');
    }
  });
});

describe('list never fails because of one odd item', () => {
  it('lists unreadable items with the reason and carries on across pages', async () => {
    const tableName = 'odd-items';
    await emulator.createTable(tableName);
    const listed = emulator.store({ tableName });
    const good = [];
    for (let i = 0; i < 3; i++) good.push((await listed.put(utf8(`ok ${i}`))).appuser);
    const template = { [SECRET_ATTRIBUTE]: Uint8Array.of(1), [ATTRIBUTES.keyArn]: 'k' };
    await rawPut(
      {
        ...template,
        [PARTITION_KEY]: 'newer',
        [ATTRIBUTES.formatVersion]: 2,
        [ATTRIBUTES.revision]: 1,
        [ATTRIBUTES.scheme]: 'envelope',
      },
      tableName,
    );
    await rawPut(
      { ...template, [PARTITION_KEY]: 'half', [ATTRIBUTES.scheme]: 'direct' },
      tableName,
    );
    await rawPut(
      { [PARTITION_KEY]: 'Upper Case', [SECRET_ATTRIBUTE]: Uint8Array.of(1) },
      tableName,
    );

    const rows: ListedItem[] = [];
    for await (const row of listed.list({ pageSize: 2 })) rows.push(row);
    const byId = new Map(rows.map((row) => [row.appuser, row]));
    expect([...byId.keys()].sort()).toEqual([...good, 'Upper Case', 'half', 'newer'].sort());
    for (const id of good) expect(byId.get(id)?.unreadable).toBeUndefined();
    expect(byId.get('newer')).toMatchObject({
      scheme: 'unknown',
      unreadable: { code: 'INTEGRITY', reason: /formatVersion 2/ },
    });
    expect(byId.get('half')).toMatchObject({
      scheme: 'unknown',
      unreadable: { code: 'INTEGRITY' },
    });
    expect(byId.get('Upper Case')).toMatchObject({
      scheme: 'legacy',
      unreadable: { code: 'INVALID_ID' },
    });
  });
});
