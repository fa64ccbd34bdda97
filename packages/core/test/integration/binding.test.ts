import { DisableKeyCommand, EnableKeyCommand } from '@aws-sdk/client-kms';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  itemContext,
  PARTITION_KEY,
  SECRET_ATTRIBUTE,
  type SecretStore,
  TABLE_NAME,
} from '../../src/index.js';
import { countingKms, type Emulator, startEmulator, text, utf8 } from '../support/emulator.js';

let emulator: Emulator;
let store: SecretStore;

beforeAll(async () => {
  emulator = await startEmulator();
  store = emulator.store();
});
afterAll(() => emulator?.close());

async function rawItem(appuser: string, tableName = TABLE_NAME): Promise<Record<string, unknown>> {
  const { Item } = await emulator.doc.send(
    new GetCommand({ TableName: tableName, Key: { [PARTITION_KEY]: appuser } }),
  );
  if (!Item) throw new Error(`no item ${appuser}`);
  return Item;
}

async function rawPut(item: Record<string, unknown>, tableName = TABLE_NAME): Promise<void> {
  await emulator.doc.send(new PutCommand({ TableName: tableName, Item: item }));
}

describe.each(['envelope', 'direct'] as const)(
  '%s ciphertexts are bound to their item',
  (scheme) => {
    it('swap attack: A’s ciphertext copied into B fails with INTEGRITY, never returns A’s secret', async () => {
      const a = await store.put(utf8(`secret of A (${scheme})`), { scheme });
      const b = await store.put(utf8(`secret of B (${scheme})`), { scheme });
      const itemB = await rawItem(b.appuser);
      await rawPut({ ...itemB, [SECRET_ATTRIBUTE]: (await rawItem(a.appuser))[SECRET_ATTRIBUTE] });

      const error = await store.get(b.appuser).catch((e) => e);
      expect(error).toMatchObject({ code: 'INTEGRITY' });
      expect(error.message).not.toContain('secret of A');
      // A itself is untouched.
      expect(text((await store.get(a.appuser)).secret)).toBe(`secret of A (${scheme})`);
    });

    it('an item moved to another table fails with INTEGRITY there', async () => {
      const otherTable = `other-${scheme}`;
      await emulator.createTable(otherTable);
      const a = await store.put(utf8('bound to demo-kms'), { scheme });
      await rawPut(await rawItem(a.appuser), otherTable);

      const other = emulator.store({ tableName: otherTable });
      await expect(other.get(a.appuser)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });

    it.each([
      ['the first byte', (_n: number) => 0],
      ['a middle byte', (n: number) => Math.floor(n / 2)],
      ['the last byte', (n: number) => n - 1],
    ])('flipping %s of the ciphertext fails with INTEGRITY', async (_where, position) => {
      const a = await store.put(utf8('do not tamper'), { scheme });
      const item = await rawItem(a.appuser);
      const bytes = new Uint8Array(item[SECRET_ATTRIBUTE] as Uint8Array);
      const at = position(bytes.length);
      bytes[at] = (bytes[at] ?? 0) ^ 0x01;
      await rawPut({ ...item, [SECRET_ATTRIBUTE]: bytes });
      await expect(store.get(a.appuser)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });

    it('removing the scheme marker does not downgrade the item to a legacy read', async () => {
      const a = await store.put(utf8('not legacy'), { scheme });
      const { [ATTRIBUTES.scheme]: _dropped, ...rest } = await rawItem(a.appuser);
      await rawPut(rest);
      await expect(store.get(a.appuser)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
  },
);

describe('keys', () => {
  it.each(['envelope', 'direct'] as const)(
    'a %s ciphertext made under another key, labelled with ours, fails with INTEGRITY',
    async (scheme) => {
      const otherKey = await emulator.createKey();
      const appuser = `planted-${scheme}`;
      // Right item, right table, wrong key: only the key differs from a genuine item.
      await emulator.store({ keyId: otherKey }).put(utf8('attacker'), { appuser, scheme });
      const planted = await rawItem(appuser);
      await rawPut({ ...planted, [ATTRIBUTES.keyArn]: emulator.aws.keyArn });
      const error = await store.get(appuser).catch((e) => e);
      expect(error).toMatchObject({ code: 'INTEGRITY' });
    },
  );

  it.each(['envelope', 'direct'] as const)(
    'a %s item stored under another key of the same account and region is read under that key',
    async (scheme) => {
      const otherKey = await emulator.createKey();
      const elsewhere = await emulator
        .store({ keyId: otherKey })
        .put(utf8('other key'), { scheme });
      const read = await store.get(elsewhere.appuser);
      expect(text(read.secret)).toBe('other key');
      expect(read.keyArn).toBe(otherKey);
      const migrated = await store.migrate(elsewhere.appuser);
      expect(migrated).toMatchObject({ changed: true, keyArn: emulator.aws.keyArn });
    },
  );

  it('an item naming a key in another region or account is KEY_UNAVAILABLE, naming that key', async () => {
    const otherKey = await emulator.createKey();
    const elsewhere = await emulator.store({ keyId: otherKey }).put(utf8('under another key'));
    const [arn, aws, kms, region, account, key] = otherKey.split(':');
    for (const foreign of [
      [arn, aws, kms, 'eu-west-3', account, key].join(':'),
      [arn, aws, kms, region, '999999999999', key].join(':'),
    ]) {
      await rawPut({ ...(await rawItem(elsewhere.appuser)), [ATTRIBUTES.keyArn]: foreign });
      const error = await store.get(elsewhere.appuser).catch((e) => e);
      expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE' });
      expect(error.message).toContain(foreign);
    }
  });

  it('a legacy item reports the configured key, which decrypted it', async () => {
    const { CiphertextBlob } = await emulator.kms.encrypt({
      KeyId: emulator.aws.keyArn,
      Plaintext: utf8('legacy'),
    });
    await rawPut({ [PARTITION_KEY]: '24680', [SECRET_ATTRIBUTE]: CiphertextBlob });
    expect((await store.get('24680', { allowLegacy: true })).keyArn).toBe(emulator.aws.keyArn);
  });

  it.each(['envelope', 'direct'] as const)(
    'a disabled key makes %s put and get KEY_UNAVAILABLE until it is enabled again',
    async (scheme) => {
      const keyArn = await emulator.createKey();
      const keyed = emulator.store({ keyId: keyArn });
      const { appuser } = await keyed.put(utf8('needs the key'), { scheme });
      await emulator.kms.send(new DisableKeyCommand({ KeyId: keyArn }));
      try {
        await expect(keyed.get(appuser)).rejects.toMatchObject({ code: 'KEY_UNAVAILABLE' });
        const error = await keyed.put(utf8('x'), { scheme }).catch((e) => e);
        expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE' });
        expect(error.message).toMatch(/disabled/);
        expect(error.cause?.name).toBe('DisabledException');
      } finally {
        await emulator.kms.send(new EnableKeyCommand({ KeyId: keyArn }));
      }
      expect(text((await keyed.get(appuser)).secret)).toBe('needs the key');
    },
  );
});

describe('describe', () => {
  it('shows the envelope header (context, suite, wrapping key) without calling Decrypt', async () => {
    const { kms, calls } = countingKms(emulator.kms);
    const counted = emulator.store({ kms });
    const { appuser } = await counted.put(utf8('describe me'));
    const before = { ...calls };
    const description = await counted.describe(appuser);
    expect(calls).toEqual(before);
    expect(calls.decrypt).toBe(0);
    expect(description).toMatchObject({
      appuser,
      scheme: 'envelope',
      legacy: false,
      formatVersion: 1,
      revision: 1,
      encryptionContext: itemContext(TABLE_NAME, appuser),
      algorithm: { id: 0x0478, hex: '0x0478', committing: true, signed: false },
      wrappingKeyArns: [emulator.aws.keyArn],
      contextMatchesItem: true,
    });
    expect(description.algorithm?.name).toBe('ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY');
    expect(description.ciphertextBytes).toBeGreaterThan(100);
    expect(description.ciphertextPrefix).toMatch(/^020478[0-9a-f]{26}$/);
  });

  it('flags a swapped envelope item as not matching its context', async () => {
    const a = await store.put(utf8('A'));
    const b = await store.put(utf8('B'));
    await rawPut({
      ...(await rawItem(b.appuser)),
      [SECRET_ATTRIBUTE]: (await rawItem(a.appuser))[SECRET_ATTRIBUTE],
    });
    const description = await store.describe(b.appuser);
    expect(description.contextMatchesItem).toBe(false);
    expect(description.encryptionContext?.appuser).toBe(a.appuser);
  });
});
