import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KEY_ALIAS,
  type ListedItem,
  PARTITION_KEY,
  SECRET_ATTRIBUTE,
  type SecretStore,
  TABLE_NAME,
} from '../../src/index.js';
import {
  countingKms,
  type Emulator,
  startEmulator,
  text,
  utf8,
  waitForTable,
} from '../support/emulator.js';

let emulator: Emulator;
let store: SecretStore;

beforeAll(async () => {
  emulator = await startEmulator();
  store = emulator.store();
});
afterAll(() => emulator?.close());

async function putLegacy(appuser: string, secret: string): Promise<void> {
  const { CiphertextBlob } = await emulator.kms.encrypt({
    KeyId: KEY_ALIAS,
    Plaintext: utf8(secret),
  });
  await emulator.doc.send(
    new PutCommand({
      TableName: TABLE_NAME,
      Item: { [PARTITION_KEY]: appuser, [SECRET_ATTRIBUTE]: CiphertextBlob },
    }),
  );
}

describe('concurrent puts', () => {
  it('100 concurrent puts all land, with distinct ids, each readable', async () => {
    const secrets = Array.from({ length: 100 }, (_, i) => `secret number ${i}`);
    const infos = await Promise.all(secrets.map((s) => store.put(utf8(s))));
    expect(new Set(infos.map((i) => i.appuser)).size).toBe(100);
    const read = await Promise.all(infos.map((i) => store.get(i.appuser)));
    expect(read.map((r) => text(r.secret))).toEqual(secrets);
  });
});

describe('migrate', () => {
  it('legacy → envelope keeps the secret readable and binds it', async () => {
    await putLegacy('54321', 'from the original demo');
    const result = await store.migrate('54321');
    expect(result).toEqual({
      appuser: '54321',
      from: 'legacy',
      to: 'envelope',
      keyArn: emulator.aws.keyArn,
      changed: true,
    });
    const got = await store.get('54321');
    expect(text(got.secret)).toBe('from the original demo');
    expect(got).toMatchObject({ scheme: 'envelope', legacy: false });
    expect((await store.describe('54321')).contextMatchesItem).toBe(true);
  });

  it('direct → envelope keeps the secret readable; a second migrate changes nothing', async () => {
    const { appuser } = await store.put(utf8('was direct'), { scheme: 'direct' });
    expect(await store.migrate(appuser)).toMatchObject({ from: 'direct', changed: true });
    expect(text((await store.get(appuser)).secret)).toBe('was direct');
    const { kms, calls } = countingKms(emulator.kms);
    expect(await emulator.store({ kms }).migrate(appuser)).toMatchObject({
      from: 'envelope',
      changed: false,
    });
    expect(calls.decrypt + calls.generateDataKey).toBe(0);
  });

  it('envelope → another key: readable with the new key, and by a store configured with the old one', async () => {
    const newKey = await emulator.createKey();
    const { appuser } = await store.put(utf8('moving keys'));
    const result = await store.migrate(appuser, { toKeyId: newKey });
    expect(result).toMatchObject({ from: 'envelope', keyArn: newKey, changed: true });
    expect(text((await emulator.store({ keyId: newKey }).get(appuser)).secret)).toBe('moving keys');
    // The item records its key, in the same account and region: read under that key.
    const read = await store.get(appuser);
    expect({ secret: text(read.secret), keyArn: read.keyArn }).toEqual({
      secret: 'moving keys',
      keyArn: newKey,
    });
  });

  it.each(['legacy', 'direct'] as const)(
    'a change made while a %s item is migrated makes migrate fail with CONFLICT, and the change survives',
    async (scheme) => {
      const appuser = scheme === 'legacy' ? '60606' : `racing-${scheme}`;
      if (scheme === 'legacy') await putLegacy(appuser, 'original');
      else await store.put(utf8('original'), { appuser, scheme });
      let raced = false;
      // Interleave a replace between migrate's read and its write: at its Decrypt call.
      const { kms } = countingKms(emulator.kms, async (operation) => {
        if (operation === 'decrypt' && !raced) {
          raced = true;
          await store.replace(appuser, utf8('changed concurrently'));
        }
      });
      const error = await emulator
        .store({ kms })
        .migrate(appuser)
        .catch((e) => e);
      expect(raced).toBe(true);
      expect(error).toMatchObject({ code: 'CONFLICT' });
      expect(text((await store.get(appuser)).secret)).toBe('changed concurrently');
    },
  );

  it('a concurrent replace of the same item: one wins, the other gets CONFLICT', async () => {
    const { appuser } = await store.put(utf8('v1'));
    const { kms } = countingKms(emulator.kms, async (operation) => {
      if (operation === 'generateDataKey') await new Promise((r) => setTimeout(r, 20));
    });
    const slow = emulator.store({ kms });
    const results = await Promise.allSettled([
      slow.replace(appuser, utf8('v2-a')),
      slow.replace(appuser, utf8('v2-b')),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
    expect(['v2-a', 'v2-b']).toContain(text((await store.get(appuser)).secret));
  });
});

describe('list', () => {
  const tableName = 'list-test';

  it('pages through every item with a page size smaller than the table, never decrypting', async () => {
    await emulator.createTable(tableName);
    const { kms, calls } = countingKms(emulator.kms);
    const listed = emulator.store({ kms, tableName });
    const written: string[] = [];
    for (let i = 0; i < 7; i++) {
      written.push(
        (await listed.put(utf8(`item ${i}`), { scheme: i % 2 ? 'direct' : 'envelope' })).appuser,
      );
    }
    const scans = { count: 0, projected: [] as string[] };
    emulator.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ScanCommand') {
          scans.count += 1;
          const input = args.input as { ExpressionAttributeNames?: Record<string, string> };
          scans.projected.push(...Object.values(input.ExpressionAttributeNames ?? {}));
        }
        return next(args);
      },
      { step: 'initialize', name: 'countScans' },
    );
    const before = { decrypt: calls.decrypt, encrypt: calls.encrypt };
    const items: ListedItem[] = [];
    try {
      for await (const item of listed.list({ pageSize: 3 })) items.push(item);
    } finally {
      emulator.dynamodb.middlewareStack.remove('countScans');
    }
    expect(items.map((i) => i.appuser).sort()).toEqual([...written].sort());
    expect(scans.count).toBeGreaterThanOrEqual(3);
    expect(scans.projected).toContain(PARTITION_KEY);
    // The ciphertext is read only to tell whether it is there; no item carries it out.
    expect(scans.projected).toContain(SECRET_ATTRIBUTE);
    expect({ decrypt: calls.decrypt, encrypt: calls.encrypt }).toEqual(before);
    for (const item of items) {
      expect(Object.keys(item)).not.toContain('secret');
      expect(Object.keys(item)).not.toContain('ciphertext');
      expect(item.legacy).toBe(false);
    }
  });

  it('reports legacy items as legacy', async () => {
    await putLegacy('11111', 'old');
    const found: ListedItem[] = [];
    for await (const item of store.list({ pageSize: 50 }))
      if (item.appuser === '11111') found.push(item);
    expect(found).toEqual([{ appuser: '11111', scheme: 'legacy', legacy: true }]);
  });

  it('flags an item without its ciphertext as unreadable (INTEGRITY)', async () => {
    await emulator.doc.send(
      new PutCommand({ TableName: TABLE_NAME, Item: { [PARTITION_KEY]: '22222' } }),
    );
    const found: ListedItem[] = [];
    for await (const item of store.list()) if (item.appuser === '22222') found.push(item);
    expect(found[0]?.unreadable?.code).toBe('INTEGRITY');
    expect(found[0]?.unreadable?.reason).toMatch(/userpasswd/);
  });

  it('refuses a table whose items have no appuser (another key schema), naming the table', async () => {
    await emulator.dynamodb.send(
      new CreateTableCommand({
        TableName: 'keyed-by-id',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // CreateTable answers while the table is still CREATING; writes need it ACTIVE.
    await waitForTable(emulator.dynamodb, 'keyed-by-id');
    await emulator.doc.send(new PutCommand({ TableName: 'keyed-by-id', Item: { id: 'x' } }));
    const other = emulator.store({ tableName: 'keyed-by-id' });
    const error = await (async () => {
      for await (const _ of other.list()) return undefined;
    })().catch((e) => e);
    expect(error).toMatchObject({ code: 'INTEGRITY' });
    expect(error.message).toMatch(/keyed-by-id/);
  });
});

describe('delete and inspect', () => {
  it('inspect and delete an item whatever its format or id', async () => {
    const odd = [
      { [PARTITION_KEY]: 'BadId/x', [SECRET_ATTRIBUTE]: new Uint8Array([1]) },
      { [PARTITION_KEY]: 'v99-item', formatVersion: 99, scheme: 'envelope' },
      { [PARTITION_KEY]: 'no-cipher', formatVersion: 1, scheme: 'envelope', revision: 1 },
    ];
    for (const item of odd) {
      await emulator.doc.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));
      const appuser = item[PARTITION_KEY] as string;
      expect((await store.inspect(appuser)).unreadable).toBeDefined();
      await store.delete(appuser);
      await expect(store.inspect(appuser)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    await expect(store.delete('BadId/x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.delete('')).rejects.toMatchObject({ code: 'INVALID_ID' });
  });
});
