import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { newKey, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';
import { sharedLocalAws } from './support/shared-server.js';

const kms = kmsClient();
const DAY_SECONDS = 24 * 60 * 60;

describe('CreateKey and DescribeKey', () => {
  it('creates an enabled symmetric key and describes it with the fields AWS returns', async () => {
    const before = Date.now();
    const { keyId, arn, metadata } = await newKey(kms, 'described');
    const { region } = sharedLocalAws();
    expect(arn).toBe(`arn:aws:kms:${region}:000000000000:key/${keyId}`);
    expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(metadata).toMatchObject({
      AWSAccountId: '000000000000',
      Enabled: true,
      Description: 'described',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    });
    expect(metadata.DeletionDate).toBeUndefined();
    // The SDK parses CreationDate from epoch seconds, which proves the wire format.
    expect(metadata.CreationDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
    expect(described.KeyMetadata).toEqual(metadata);
  });

  it('describes a key by key id and key ARN', async () => {
    const { keyId, arn } = await newKey(kms);
    for (const reference of [keyId, arn]) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: reference }));
      expect(KeyMetadata?.Arn).toBe(arn);
    }
  });

  it('reports an unknown key id, key ARN or alias as NotFoundException', async () => {
    const { region } = sharedLocalAws();
    const missing = '11111111-2222-3333-4444-555555555555';
    for (const reference of [
      missing,
      `arn:aws:kms:${region}:000000000000:key/${missing}`,
      'alias/does-not-exist',
      `arn:aws:kms:${region}:000000000000:alias/does-not-exist`,
      'not-a-key-id',
    ]) {
      await expect(kms.send(new DescribeKeyCommand({ KeyId: reference }))).rejects.toMatchObject({
        name: 'NotFoundException',
      });
    }
  });

  it('rejects a malformed ARN with InvalidArnException', async () => {
    await expect(
      kms.send(new DescribeKeyCommand({ KeyId: 'arn:aws:kms:nonsense' })),
    ).rejects.toMatchObject({
      name: 'InvalidArnException',
    });
  });

  it('refuses key specs it cannot emulate and invalid enum values', async () => {
    await expect(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048' }))).rejects.toMatchObject({
      name: 'UnsupportedOperationException',
    });
    await expect(
      kms.send(new CreateKeyCommand({ KeySpec: 'AES_999' as never })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      kms.send(new CreateKeyCommand({ Description: 'x'.repeat(8193) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('ListKeys', () => {
  it('pages with Limit, NextMarker and Truncated until every key was seen once', async () => {
    const created = await Promise.all([newKey(kms), newKey(kms), newKey(kms)]);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      expect(page.Keys?.length).toBeLessThanOrEqual(2);
      for (const entry of page.Keys ?? []) {
        expect(entry.KeyArn).toMatch(new RegExp(`:key/${entry.KeyId}$`));
        seen.push(entry.KeyId as string);
      }
      expect(page.Truncated).toBe(page.NextMarker !== undefined);
      marker = page.NextMarker;
    } while (marker);
    for (const { keyId } of created) expect(seen.filter((id) => id === keyId)).toHaveLength(1);
  });

  it('rejects a marker it did not issue and a Limit outside 1..1000', async () => {
    await expect(kms.send(new ListKeysCommand({ Marker: 'bogus' }))).rejects.toMatchObject({
      name: 'InvalidMarkerException',
    });
    await expect(kms.send(new ListKeysCommand({ Limit: 1001 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('EnableKey and DisableKey', () => {
  it('a disabled key refuses Encrypt with DisabledException until enabled again', async () => {
    const { keyId } = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    await expect(
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('x') })),
    ).rejects.toMatchObject({
      name: 'DisabledException',
    });
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    await expect(
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('x') })),
    ).resolves.toBeDefined();
  });

  it('takes key id or key ARN only: an alias is NotFoundException', async () => {
    await expect(
      kms.send(new DisableKeyCommand({ KeyId: 'alias/demo-kms' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});

describe('ScheduleKeyDeletion and CancelKeyDeletion', () => {
  it('schedules deletion 30 days out by default and returns the key ARN', async () => {
    const { keyId, arn } = await newKey(kms);
    const before = Date.now() / 1000;
    const result = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    expect(result).toMatchObject({
      KeyId: arn,
      KeyState: 'PendingDeletion',
      PendingWindowInDays: 30,
    });
    const deletion = (result.DeletionDate?.getTime() ?? 0) / 1000;
    expect(deletion - before).toBeGreaterThanOrEqual(30 * DAY_SECONDS - 5);
    expect(deletion - before).toBeLessThanOrEqual(30 * DAY_SECONDS + 5);
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false });
    expect(KeyMetadata?.DeletionDate).toEqual(result.DeletionDate);
  });

  it('accepts PendingWindowInDays 7..30 and rejects values outside', async () => {
    const { keyId } = await newKey(kms);
    for (const days of [6, 31]) {
      await expect(
        kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    }
    const result = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }),
    );
    expect(result.PendingWindowInDays).toBe(7);
  });

  it('a key pending deletion refuses use and state changes with KMSInvalidStateException', async () => {
    const { keyId } = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const refused = [
      new EncryptCommand({ KeyId: keyId, Plaintext: utf8('x') }),
      new EnableKeyCommand({ KeyId: keyId }),
      new DisableKeyCommand({ KeyId: keyId }),
      new ScheduleKeyDeletionCommand({ KeyId: keyId }),
    ];
    for (const command of refused) {
      await expect(kms.send(command as never)).rejects.toMatchObject({
        name: 'KMSInvalidStateException',
      });
    }
  });

  it('cancelling returns the key ARN and leaves the key Disabled, as AWS does', async () => {
    const { keyId, arn } = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    const result = await kms.send(new CancelKeyDeletionCommand({ KeyId: arn }));
    expect(result.KeyId).toBe(arn);
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(KeyMetadata?.DeletionDate).toBeUndefined();
  });

  it('cancelling a key that is not pending deletion is KMSInvalidStateException', async () => {
    const { keyId } = await newKey(kms);
    await expect(kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }))).rejects.toMatchObject({
      name: 'KMSInvalidStateException',
    });
  });
});
