import {
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { newKey, text, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';

const kms = kmsClient();
const DAY_MS = 24 * 60 * 60 * 1000;

async function currentMaterial(keyId: string) {
  const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  return KeyMetadata?.CurrentKeyMaterialId;
}

describe('automatic rotation settings', () => {
  it('is off for a new key', async () => {
    const { keyId, arn } = await newKey(kms);
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: false, KeyId: arn });
    expect(status.NextRotationDate).toBeUndefined();
  });

  it('EnableKeyRotation defaults to 365 days and reports the next rotation date', async () => {
    const { keyId } = await newKey(kms);
    const before = Date.now();
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    const next = status.NextRotationDate?.getTime() ?? 0;
    expect(next).toBeGreaterThanOrEqual(before + 365 * DAY_MS - 1000);
    expect(next).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS + 1000);
  });

  it('takes RotationPeriodInDays 90..2560 and rejects values outside', async () => {
    const { keyId } = await newKey(kms);
    for (const days of [89, 2561]) {
      await expect(
        kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: days })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    }
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status.RotationPeriodInDays).toBe(90);
  });

  it('DisableKeyRotation turns it off', async () => {
    const { keyId } = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status.KeyRotationEnabled).toBe(false);
  });

  it('a disabled key is DisabledException, a key pending deletion KMSInvalidStateException', async () => {
    const disabled = await newKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    const pending = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId }));
    const cases = [
      [disabled.keyId, 'DisabledException'],
      [pending.keyId, 'KMSInvalidStateException'],
    ] as const;
    for (const [keyId, name] of cases) {
      for (const command of [
        new EnableKeyRotationCommand({ KeyId: keyId }),
        new DisableKeyRotationCommand({ KeyId: keyId }),
        new RotateKeyOnDemandCommand({ KeyId: keyId }),
      ]) {
        await expect(kms.send(command as never)).rejects.toMatchObject({ name });
      }
      // The status can still be read in either state.
      await expect(
        kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId })),
      ).resolves.toBeDefined();
    }
  });

  it('takes key id or key ARN only: an alias is NotFoundException', async () => {
    await expect(
      kms.send(new GetKeyRotationStatusCommand({ KeyId: 'alias/demo-kms' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('RotateKeyOnDemand', () => {
  it('adds key material: new encryptions use it and old ciphertexts still decrypt', async () => {
    const { keyId, arn } = await newKey(kms);
    const firstMaterial = await currentMaterial(keyId);
    const old = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: utf8('before rotation') }),
    );

    const rotated = await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    expect(rotated.KeyId).toBe(arn);
    const secondMaterial = await currentMaterial(keyId);
    expect(secondMaterial).toBeDefined();
    expect(secondMaterial).not.toBe(firstMaterial);

    const fresh = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: utf8('after rotation') }),
    );
    const oldPlain = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob }));
    const freshPlain = await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }));
    expect(text(oldPlain.Plaintext)).toBe('before rotation');
    expect(oldPlain.KeyMaterialId).toBe(firstMaterial);
    expect(text(freshPlain.Plaintext)).toBe('after rotation');
    expect(freshPlain.KeyMaterialId).toBe(secondMaterial);
  });

  it('allows 25 on-demand rotations per key, then LimitExceededException', async () => {
    const { keyId } = await newKey(kms);
    const first = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('gen 1') }));
    for (let rotation = 0; rotation < 25; rotation += 1) {
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    }
    await expect(kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: first.CiphertextBlob }));
    expect(text(decrypted.Plaintext)).toBe('gen 1');
  });
});
