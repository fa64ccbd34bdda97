import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createAwsClients,
  KEY_ALIAS,
  PARTITION_KEY,
  SECRET_ATTRIBUTE,
  type SecretStore,
  TABLE_NAME,
} from '../../src/index.js';
import { type Emulator, sameBytes, startEmulator, text, utf8 } from '../support/emulator.js';

let emulator: Emulator;
let store: SecretStore;

beforeAll(async () => {
  emulator = await startEmulator();
  store = emulator.store();
});
afterAll(() => emulator?.close());

describe.each(['envelope', 'direct'] as const)('%s scheme round trip', (scheme) => {
  it.each([
    ['an ASCII password', utf8('mySuperSecretPasswd')],
    ['unicode text', utf8('pässwörd 🔑 密码 пароль')],
    ['a single byte', Uint8Array.of(0x2a)],
    ['binary with NUL and 0xff bytes', Uint8Array.from([0, 255, 0, 1, 254, 0, 0])],
    ['random binary', new Uint8Array(randomBytes(1024))],
  ])('stores and returns %s byte for byte', async (_label, secret) => {
    const info = await store.put(secret, { scheme });
    expect(info).toMatchObject({ scheme, legacy: false, keyArn: emulator.aws.keyArn });
    const got = await store.get(info.appuser);
    expect(got.secret).toEqual(secret);
    expect(got).toMatchObject({ appuser: info.appuser, scheme, legacy: false });
  });

  it('rejects an empty secret with INVALID_SECRET before any write', async () => {
    await expect(store.put(new Uint8Array(0), { scheme })).rejects.toMatchObject({
      code: 'INVALID_SECRET',
    });
  });
});

describe('size limits', () => {
  it('direct takes exactly 4096 bytes', async () => {
    const secret = new Uint8Array(randomBytes(4096));
    const info = await store.put(secret, { scheme: 'direct' });
    expect((await store.get(info.appuser)).secret).toEqual(secret);
  });

  it('direct refuses 4097 bytes with TOO_LARGE pointing to envelope', async () => {
    const error = await store.put(new Uint8Array(4097), { scheme: 'direct' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'TOO_LARGE' });
    expect(error.message).toMatch(/envelope/);
  });

  it('envelope round-trips a 300 KB secret', async () => {
    const secret = new Uint8Array(randomBytes(300 * 1024));
    const info = await store.put(secret);
    expect(info.scheme).toBe('envelope');
    expect(sameBytes((await store.get(info.appuser)).secret, secret)).toBe(true);
  });

  it('envelope refuses a secret that cannot fit in a DynamoDB item', async () => {
    await expect(store.put(new Uint8Array(400 * 1024))).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
  });
});

describe('ids and item lifecycle', () => {
  it('generates readable 10-character ids', async () => {
    const info = await store.put(utf8('x'));
    expect(info.appuser).toMatch(/^[0-9a-hjkmnp-tv-z]{10}$/);
  });

  it('accepts a chosen id and never overwrites it: a second put is CONFLICT', async () => {
    await store.put(utf8('first'), { appuser: 'alice' });
    await expect(store.put(utf8('second'), { appuser: 'alice' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(text((await store.get('alice')).secret)).toBe('first');
  });

  it('replace overwrites an existing item and can switch scheme', async () => {
    await store.put(utf8('old'), { appuser: 'bob', scheme: 'direct' });
    const info = await store.replace('bob', utf8('new'));
    expect(info.scheme).toBe('envelope');
    expect(text((await store.get('bob')).secret)).toBe('new');
  });

  it('replace of a missing id is NOT_FOUND and creates nothing', async () => {
    await expect(store.replace('nobody-here', utf8('x'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(store.get('nobody-here')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('delete removes the item; deleting again is NOT_FOUND', async () => {
    const { appuser } = await store.put(utf8('bye'));
    await store.delete(appuser);
    await expect(store.get(appuser)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.delete(appuser)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects malformed ids with INVALID_ID', async () => {
    await expect(store.get('Alice')).rejects.toMatchObject({ code: 'INVALID_ID' });
    await expect(store.put(utf8('x'), { appuser: 'a b' })).rejects.toMatchObject({
      code: 'INVALID_ID',
    });
  });

  it('a table that does not exist is TABLE_NOT_FOUND', async () => {
    const missing = emulator.store({ tableName: 'no-such-table' });
    await expect(missing.get('alice')).rejects.toMatchObject({ code: 'TABLE_NOT_FOUND' });
  });

  // get() looks the key up while it reads the item: the item's own error still wins.
  it('get of a missing id under a key that does not exist is NOT_FOUND, not a key error', async () => {
    const noKey = emulator.store({ keyId: 'alias/no-such-key' });
    await expect(noKey.get('nobody-here')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('get of a stored id under a key that does not exist is that key error', async () => {
    const { appuser } = await store.put(utf8('kept'));
    const noKey = emulator.store({ keyId: 'alias/no-such-key' });
    const error = await noKey.get(appuser).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE' });
    expect((await store.get(appuser)).secret).toEqual(utf8('kept'));
  });
});

describe('legacy items written by the original demo', () => {
  it('are refused (LEGACY_REFUSED) unless the caller allows them, and the refusal holds no secret', async () => {
    const { CiphertextBlob } = await emulator.kms.encrypt({
      KeyId: KEY_ALIAS,
      Plaintext: utf8('someone elses secret'),
    });
    const envelope = await store.put(utf8('mine'));
    // The swap: another user's context-free ciphertext put into this user's item.
    await emulator.doc.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { [PARTITION_KEY]: envelope.appuser, [SECRET_ATTRIBUTE]: CiphertextBlob },
      }),
    );
    const error = await store.get(envelope.appuser).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LEGACY_REFUSED' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('someone');
  });

  it('decrypts a raw KMS ciphertext without context and reports it as legacy', async () => {
    // What encrypt-passwd.py does: KMS Encrypt on the alias, no context, raw PutItem.
    const { CiphertextBlob } = await emulator.kms.encrypt({
      KeyId: KEY_ALIAS,
      Plaintext: utf8('mySuperSecretPasswd'),
    });
    await emulator.doc.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { [PARTITION_KEY]: '12345', [SECRET_ATTRIBUTE]: CiphertextBlob },
      }),
    );
    const got = await store.get('12345', { allowLegacy: true });
    expect(text(got.secret)).toBe('mySuperSecretPasswd');
    expect(got).toMatchObject({ appuser: '12345', scheme: 'legacy', legacy: true });
    expect(await store.describe('12345')).toMatchObject({ scheme: 'legacy', legacy: true });
  });

  it('says a legacy ciphertext stored as its base64 text was encoded twice, not only altered', async () => {
    const { CiphertextBlob } = await emulator.kms.encrypt({
      KeyId: KEY_ALIAS,
      Plaintext: utf8('mySuperSecretPasswd'),
    });
    const base64Text = utf8(Buffer.from(CiphertextBlob as Uint8Array).toString('base64'));
    await emulator.doc.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { [PARTITION_KEY]: '23456', [SECRET_ATTRIBUTE]: base64Text },
      }),
    );
    const error = await store.get('23456', { allowLegacy: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTEGRITY' });
    expect((error as Error).message).toMatch(/base64 text .* encoded the ciphertext twice/);
    expect((error as Error).message).not.toContain('mySuperSecretPasswd');
  });
});

describe('the SDK clients', () => {
  it("send the SDK's own warnings to the logger given, never to the console", async () => {
    // Both a profile and keys in the environment: the SDK's credential chain warns that
    // several sources were found (once per process), then goes with the profile, which
    // does not exist here, so the call itself fails.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_PROFILE: 'some-profile',
      AWS_ACCESS_KEY_ID: emulator.aws.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emulator.aws.credentials.secretAccessKey,
    });
    const warnings: string[] = [];
    const consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { kms } = createAwsClients({
        endpoint: emulator.aws.endpoint,
        region: emulator.aws.region,
        logger: {
          debug() {},
          info() {},
          warn: (...content: unknown[]) => warnings.push(content.join(' ')),
          error() {},
        },
      });
      await expect(kms.describeKey({ KeyId: KEY_ALIAS })).rejects.toThrow();
      expect(warnings.join('\n')).toMatch(/Multiple credential sources detected/);
      expect(consoleWarn).not.toHaveBeenCalled();
    } finally {
      consoleWarn.mockRestore();
      process.env = saved;
    }
  });
});
