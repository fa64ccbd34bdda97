import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListResourceTagsCommand,
  RotateKeyOnDemandCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';
import { makeStateDir, removeStateDir, startTempServer } from './support/temp-server.js';

let stateDir: string;
beforeAll(async () => {
  stateDir = await makeStateDir();
});
afterAll(async () => {
  await removeStateDir(stateDir);
});

describe('KMS state across a restart', () => {
  it('keys, aliases, tags, rotation and every generation of material survive', async () => {
    const plaintext = 'persisted-secret-7f3a';
    const first = await startTempServer({ stateDir });
    let kms = kmsClient(first);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'survivor' }));
    const keyId = KeyMetadata?.KeyId as string;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/survivor', TargetKeyId: keyId }));
    await kms.send(
      new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'kept', TagValue: 'yes' }] }),
    );
    const context = { appuser: 'alice' };
    const beforeRotation = await kms.send(
      new EncryptCommand({
        KeyId: 'alias/survivor',
        Plaintext: utf8(plaintext),
        EncryptionContext: context,
      }),
    );
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 180 }));
    const afterRotation = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: utf8(plaintext) }),
    );
    await first.close();

    const second = await startTempServer({ stateDir });
    try {
      kms = kmsClient(second);
      const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/survivor' }));
      // Everything but the current material (rotated above) is as it was created.
      const { CurrentKeyMaterialId: createdMaterial, ...created } = KeyMetadata ?? {};
      const { CurrentKeyMaterialId: restoredMaterial, ...restored } = described.KeyMetadata ?? {};
      expect(restored).toEqual(created);
      expect(restoredMaterial).not.toBe(createdMaterial);
      for (const [blob, encryptionContext] of [
        [beforeRotation.CiphertextBlob, context],
        [afterRotation.CiphertextBlob, undefined],
      ] as const) {
        const decrypted = await kms.send(
          new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: encryptionContext }),
        );
        expect(text(decrypted.Plaintext)).toBe(plaintext);
      }
      const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
      expect(Tags).toEqual([{ TagKey: 'kept', TagValue: 'yes' }]);
      const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      expect(rotation).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 180 });
    } finally {
      await second.close();
    }

    // What is on disk: private modes, no plaintext in any form.
    const kmsDir = join(stateDir, 'kms');
    expect((await stat(kmsDir)).mode & 0o777).toBe(0o700);
    const files = await readdir(kmsDir);
    expect(files).toEqual(['state.json']);
    const stateFile = join(kmsDir, 'state.json');
    expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    const contents = await readFile(stateFile, 'utf8');
    for (const form of [
      plaintext,
      Buffer.from(plaintext).toString('base64'),
      Buffer.from(plaintext).toString('hex'),
    ]) {
      expect(contents).not.toContain(form);
    }
  });

  it('concurrent changes are all written: none is lost to a racing write', async () => {
    const server = await startTempServer({ stateDir });
    let kms = kmsClient(server);
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        kms.send(
          new CreateKeyCommand({
            Description: `concurrent ${index}`,
            Tags: [{ TagKey: 'n', TagValue: `${index}` }],
          }),
        ),
      ),
    );
    await Promise.all(
      created.map((result, index) =>
        kms.send(
          new CreateAliasCommand({
            AliasName: `alias/concurrent-${index}`,
            TargetKeyId: result.KeyMetadata?.KeyId,
          }),
        ),
      ),
    );
    await server.close();

    const restarted = await startTempServer({ stateDir });
    try {
      kms = kmsClient(restarted);
      await Promise.all(
        created.map(async (result, index) => {
          const { KeyMetadata } = await kms.send(
            new DescribeKeyCommand({ KeyId: `alias/concurrent-${index}` }),
          );
          expect(KeyMetadata?.KeyId).toBe(result.KeyMetadata?.KeyId);
          expect(KeyMetadata?.Description).toBe(`concurrent ${index}`);
        }),
      );
    } finally {
      await restarted.close();
    }
  });
});
