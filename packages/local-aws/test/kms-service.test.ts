import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KmsError } from '../src/kms/errors.js';
import { createKmsService, type KmsService } from '../src/kms/service.js';

/**
 * The engine on its own, for what the endpoint cannot show quickly: operations the SDK
 * cannot send, and background work that depends on the passing of days.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const options = { region: 'eu-west-1', accountId: '123456789012' };
let stateDir: string;
let service: KmsService;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-kms-service-'));
  service = await createKmsService({ ...options, stateDir });
});
afterEach(async () => {
  vi.useRealTimers();
  await service.close();
  await rm(stateDir, { recursive: true, force: true });
});

async function createKey(): Promise<string> {
  const result = (await service.handle('CreateKey', {})) as { KeyMetadata: { KeyId: string } };
  return result.KeyMetadata.KeyId;
}

async function failure(call: Promise<unknown>): Promise<KmsError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof KmsError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a KmsError');
}

function encrypt(keyId: string, plaintext: string) {
  return service.handle('Encrypt', {
    KeyId: keyId,
    Plaintext: Buffer.from(plaintext).toString('base64'),
  }) as Promise<{
    CiphertextBlob: string;
  }>;
}

describe('the KMS service', () => {
  it('answers an operation it does not know with UnknownOperationException', async () => {
    await expect(service.handle('CreateGrant', {})).rejects.toMatchObject({
      type: 'UnknownOperationException',
    });
    await expect(service.handle('__proto__', {})).rejects.toMatchObject({
      type: 'UnknownOperationException',
    });
  });

  it('answers client errors with HTTP 400, as KMS does', async () => {
    const error = await failure(service.handle('DescribeKey', { KeyId: 'alias/missing' }));
    expect(error).toBeInstanceOf(KmsError);
    expect(error).toMatchObject({ type: 'NotFoundException', status: 400 });
    const validation = await failure(service.handle('GenerateRandom', { NumberOfBytes: 0 }));
    expect(validation).toMatchObject({ type: 'ValidationException', status: 400 });
    expect(validation.message).toBe(
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('never echoes plaintext in a validation error', async () => {
    const keyId = await createKey();
    const secret = 'x'.repeat(4097);
    const error = await failure(encrypt(keyId, secret));
    expect(error).toMatchObject({ type: 'ValidationException' });
    expect(error.message).not.toContain('xxxx');
    expect(error.message).not.toContain(Buffer.from(secret).toString('base64').slice(0, 16));
  });

  it('issues ARNs in its region and account and accepts no other', async () => {
    const keyId = await createKey();
    const arn = `arn:aws:kms:eu-west-1:123456789012:key/${keyId}`;
    await expect(service.handle('DescribeKey', { KeyId: arn })).resolves.toMatchObject({
      KeyMetadata: { Arn: arn },
    });
    await expect(
      service.handle('DescribeKey', { KeyId: `arn:aws:kms:us-east-1:123456789012:key/${keyId}` }),
    ).rejects.toMatchObject({ type: 'NotFoundException' });
  });

  it('ensureKeyWithAlias creates the key once and returns the same ARN after a restart', async () => {
    const arn = await service.ensureKeyWithAlias('alias/demo-kms', 'demo key');
    expect(arn).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\/[0-9a-f-]{36}$/);
    expect(await service.ensureKeyWithAlias('alias/demo-kms', 'demo key')).toBe(arn);
    await service.close();
    service = await createKmsService({ ...options, stateDir });
    expect(await service.ensureKeyWithAlias('alias/demo-kms', 'demo key')).toBe(arn);
    const listed = (await service.handle('ListKeys', {})) as { Keys: unknown[] };
    expect(listed.Keys).toHaveLength(1);
  });

  it('writes ciphertexts in the versioned format: version byte, key id, material version', async () => {
    const keyId = await createKey();
    const blob = Buffer.from((await encrypt(keyId, 'hello')).CiphertextBlob, 'base64');
    expect(blob[0]).toBe(1);
    expect(blob.subarray(1, 17).toString('hex')).toBe(keyId.replaceAll('-', ''));
    expect(blob.readUInt32BE(17)).toBe(1);
    // header 21 + IV 12 + plaintext 5 + tag 16
    expect(blob).toHaveLength(54);
  });
});

describe('background work that AWS does over days', () => {
  it('rotates automatically when the period has passed; old ciphertexts still decrypt', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const keyId = await createKey();
    await service.handle('EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 });
    const old = await encrypt(keyId, 'before');
    vi.setSystemTime(Date.now() + 91 * DAY_MS);
    const fresh = Buffer.from((await encrypt(keyId, 'after')).CiphertextBlob, 'base64');
    expect(fresh.readUInt32BE(17)).toBe(2);
    const status = (await service.handle('GetKeyRotationStatus', { KeyId: keyId })) as {
      NextRotationDate: number;
    };
    expect(status.NextRotationDate * 1000).toBeGreaterThan(Date.now());
    const decrypted = (await service.handle('Decrypt', { CiphertextBlob: old.CiphertextBlob })) as {
      Plaintext: string;
    };
    expect(Buffer.from(decrypted.Plaintext, 'base64').toString()).toBe('before');
  });

  it('does not rotate a disabled key, and rotates an overdue one once when re-enabled', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const keyId = await createKey();
    await service.handle('EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 });
    await service.handle('DisableKey', { KeyId: keyId });
    vi.setSystemTime(Date.now() + 200 * DAY_MS);
    await service.handle('DescribeKey', { KeyId: keyId });
    const stored = (await service.handle('GetKeyRotationStatus', { KeyId: keyId })) as {
      NextRotationDate: number;
    };
    expect(stored.NextRotationDate * 1000).toBeLessThan(Date.now());
    await service.handle('EnableKey', { KeyId: keyId });
    const blob = Buffer.from((await encrypt(keyId, 'x')).CiphertextBlob, 'base64');
    expect(blob.readUInt32BE(17)).toBe(2);
    const status = (await service.handle('GetKeyRotationStatus', { KeyId: keyId })) as {
      NextRotationDate: number;
    };
    expect(status.NextRotationDate * 1000).toBe(Date.now() + 90 * DAY_MS);
  });

  it('reports rotation off while pending deletion and restores it when deletion is cancelled', async () => {
    const keyId = await createKey();
    await service.handle('EnableKeyRotation', { KeyId: keyId });
    await service.handle('ScheduleKeyDeletion', { KeyId: keyId });
    await expect(service.handle('GetKeyRotationStatus', { KeyId: keyId })).resolves.toMatchObject({
      KeyRotationEnabled: false,
    });
    await service.handle('CancelKeyDeletion', { KeyId: keyId });
    await expect(service.handle('GetKeyRotationStatus', { KeyId: keyId })).resolves.toMatchObject({
      KeyRotationEnabled: true,
      RotationPeriodInDays: 365,
    });
  });

  it('deletes a key and its aliases when the waiting period ends', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const keyId = await createKey();
    await service.handle('CreateAlias', { AliasName: 'alias/doomed', TargetKeyId: keyId });
    const { CiphertextBlob } = await encrypt(keyId, 'gone');
    await service.handle('ScheduleKeyDeletion', { KeyId: keyId, PendingWindowInDays: 7 });
    vi.setSystemTime(Date.now() + 6 * DAY_MS);
    await expect(service.handle('DescribeKey', { KeyId: keyId })).resolves.toBeDefined();
    vi.setSystemTime(Date.now() + 2 * DAY_MS);
    await expect(service.handle('DescribeKey', { KeyId: keyId })).rejects.toMatchObject({
      type: 'NotFoundException',
    });
    await expect(service.handle('ListAliases', {})).resolves.toMatchObject({ Aliases: [] });
    await expect(service.handle('Decrypt', { CiphertextBlob })).rejects.toMatchObject({
      type: 'InvalidCiphertextException',
    });
  });
});
