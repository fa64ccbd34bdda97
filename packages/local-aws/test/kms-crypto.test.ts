import {
  CreateAliasCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { newKey, text, uniqueAlias, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';
import { sharedLocalAws } from './support/shared-server.js';

const kms = kmsClient();
const context = { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: 'alice' };

async function encrypt(
  keyId: string,
  plaintext = 'secret',
  encryptionContext?: Record<string, string>,
) {
  const result = await kms.send(
    new EncryptCommand({
      KeyId: keyId,
      Plaintext: utf8(plaintext),
      EncryptionContext: encryptionContext,
    }),
  );
  if (!result.CiphertextBlob) throw new Error('no ciphertext');
  return { ...result, blob: result.CiphertextBlob };
}

describe('Encrypt and Decrypt', () => {
  it('encrypts under every identifier form and decrypts without KeyId, returning the key ARN', async () => {
    const { keyId, arn } = await newKey(kms);
    const aliasName = uniqueAlias('crypto');
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    const aliasArn = `arn:aws:kms:${sharedLocalAws().region}:000000000000:${aliasName}`;
    for (const reference of [keyId, arn, aliasName, aliasArn]) {
      const encrypted = await encrypt(reference, `via ${reference}`);
      expect(encrypted.KeyId).toBe(arn);
      expect(encrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
      expect(Buffer.from(encrypted.blob).includes(Buffer.from(`via ${reference}`))).toBe(false);
      const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.blob }));
      expect(text(decrypted.Plaintext)).toBe(`via ${reference}`);
      expect(decrypted.KeyId).toBe(arn);
      expect(decrypted.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    }
  });

  it('Decrypt accepts a KeyId naming the right key in any form, and refuses another key', async () => {
    const { keyId, arn } = await newKey(kms);
    const other = await newKey(kms);
    const { blob } = await encrypt(keyId);
    for (const reference of [keyId, arn]) {
      const decrypted = await kms.send(
        new DecryptCommand({ CiphertextBlob: blob, KeyId: reference }),
      );
      expect(text(decrypted.Plaintext)).toBe('secret');
    }
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: other.keyId })),
    ).rejects.toMatchObject({
      name: 'IncorrectKeyException',
    });
  });

  it('takes plaintext of 1 to 4096 bytes; empty or longer is ValidationException', async () => {
    const { keyId } = await newKey(kms);
    const largest = Buffer.alloc(4096, 7);
    const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: largest }));
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob }),
    );
    expect(Buffer.from(decrypted.Plaintext as Uint8Array).equals(largest)).toBe(true);
    for (const plaintext of [Buffer.alloc(0), Buffer.alloc(4097)]) {
      await expect(
        kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
    }
  });

  it('an unknown key is NotFoundException; a key pending deletion is KMSInvalidStateException', async () => {
    await expect(encrypt('11111111-2222-3333-4444-555555555555')).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(encrypt('alias/no-such-alias')).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    const { keyId } = await newKey(kms);
    const { blob } = await encrypt(keyId);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    await expect(encrypt(keyId)).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: blob }))).rejects.toMatchObject({
      name: 'KMSInvalidStateException',
    });
  });
});

describe('DryRun', () => {
  it('reports DryRunOperationException when the call would have succeeded', async () => {
    const { keyId } = await newKey(kms);
    const { blob } = await encrypt(keyId);
    await expect(
      kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('x'), DryRun: true })),
    ).rejects.toMatchObject({ name: 'DryRunOperationException' });
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, DryRun: true })),
    ).rejects.toMatchObject({
      name: 'DryRunOperationException',
    });
  });
});

describe('encryption context', () => {
  it('must match exactly to decrypt; the order of pairs does not matter', async () => {
    const { keyId } = await newKey(kms);
    const { blob } = await encrypt(keyId, 'bound', context);
    const reordered = { appuser: 'alice', table: 'demo-kms', purpose: 'kms-demo/secret' };
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: reordered }),
    );
    expect(text(decrypted.Plaintext)).toBe('bound');

    const { appuser: _dropped, ...missing } = context;
    const wrong = [
      undefined,
      missing,
      { ...context, extra: 'x' },
      { ...context, appuser: 'bob' },
      { ...context, AppUser: 'alice' },
    ];
    for (const encryptionContext of wrong) {
      await expect(
        kms.send(
          new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: encryptionContext }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
  });

  it('cannot be shifted between keys and values (the encoding is unambiguous)', async () => {
    const { keyId } = await newKey(kms);
    const { blob } = await encrypt(keyId, 'bound', { ab: 'c' });
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'bc' } })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });
});

describe('ciphertext integrity', () => {
  it('any changed byte, a truncated blob or random bytes are InvalidCiphertextException', async () => {
    const { keyId } = await newKey(kms);
    const { blob } = await encrypt(keyId, 'tamper me', context);
    const original = Buffer.from(blob);
    const candidates: Buffer[] = [original.subarray(0, original.length - 1), Buffer.alloc(64, 1)];
    for (let index = 0; index < original.length; index += 1) {
      const tampered = Buffer.from(original);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      candidates.push(tampered);
    }
    for (const candidate of candidates) {
      await expect(
        kms.send(new DecryptCommand({ CiphertextBlob: candidate, EncryptionContext: context })),
      ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    }
  });
});

describe('ReEncrypt', () => {
  it('moves a ciphertext to another key and context without exposing the plaintext', async () => {
    const source = await newKey(kms);
    const destination = await newKey(kms);
    const { blob } = await encrypt(source.keyId, 'moving', context);
    const result = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: blob,
        SourceEncryptionContext: context,
        DestinationKeyId: destination.arn,
        DestinationEncryptionContext: { purpose: 'moved' },
      }),
    );
    expect(result).toMatchObject({
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(Object.keys(result)).not.toContain('Plaintext');
    const decrypted = await kms.send(
      new DecryptCommand({
        CiphertextBlob: result.CiphertextBlob,
        EncryptionContext: { purpose: 'moved' },
      }),
    );
    expect(text(decrypted.Plaintext)).toBe('moving');
    expect(decrypted.KeyId).toBe(destination.arn);
  });

  it('needs the source context and, if named, the right source key', async () => {
    const source = await newKey(kms);
    const destination = await newKey(kms);
    const { blob } = await encrypt(source.keyId, 'moving', context);
    await expect(
      kms.send(new ReEncryptCommand({ CiphertextBlob: blob, DestinationKeyId: destination.keyId })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(
      kms.send(
        new ReEncryptCommand({
          CiphertextBlob: blob,
          SourceEncryptionContext: context,
          SourceKeyId: destination.keyId,
          DestinationKeyId: destination.keyId,
        }),
      ),
    ).rejects.toMatchObject({ name: 'IncorrectKeyException' });
  });
});

describe('GenerateDataKey and GenerateDataKeyWithoutPlaintext', () => {
  it('returns a data key of the requested size whose ciphertext decrypts to it', async () => {
    const { keyId, arn } = await newKey(kms);
    const sizes = [
      [{ KeySpec: 'AES_256' as const }, 32],
      [{ KeySpec: 'AES_128' as const }, 16],
      [{ NumberOfBytes: 1 }, 1],
      [{ NumberOfBytes: 1024 }, 1024],
    ] as const;
    for (const [request, size] of sizes) {
      const result = await kms.send(
        new GenerateDataKeyCommand({ KeyId: keyId, EncryptionContext: context, ...request }),
      );
      expect(result.KeyId).toBe(arn);
      expect(result.Plaintext).toHaveLength(size);
      const decrypted = await kms.send(
        new DecryptCommand({ CiphertextBlob: result.CiphertextBlob, EncryptionContext: context }),
      );
      expect(
        Buffer.from(decrypted.Plaintext as Uint8Array).equals(
          Buffer.from(result.Plaintext as Uint8Array),
        ),
      ).toBe(true);
    }
  });

  it('needs exactly one of KeySpec and NumberOfBytes (1..1024), else ValidationException', async () => {
    const { keyId } = await newKey(kms);
    const invalid = [
      {},
      { KeySpec: 'AES_256' as const, NumberOfBytes: 32 },
      { NumberOfBytes: 0 },
      { NumberOfBytes: 1025 },
    ];
    for (const request of invalid) {
      await expect(
        kms.send(new GenerateDataKeyCommand({ KeyId: keyId, ...request })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
    }
  });

  it('without plaintext returns only a ciphertext that decrypts to a key of that size', async () => {
    const { keyId, arn } = await newKey(kms);
    const result = await kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256' }),
    );
    expect(result.KeyId).toBe(arn);
    expect(Object.keys(result)).not.toContain('Plaintext');
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: result.CiphertextBlob }));
    expect(decrypted.Plaintext).toHaveLength(32);
  });
});

describe('GenerateRandom', () => {
  it('returns 1..1024 random bytes; other counts are ValidationException', async () => {
    const first = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    const second = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    expect(first.Plaintext).toHaveLength(32);
    expect(
      Buffer.from(first.Plaintext as Uint8Array).equals(
        Buffer.from(second.Plaintext as Uint8Array),
      ),
    ).toBe(false);
    expect(
      (await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }))).Plaintext,
    ).toHaveLength(1024);
    for (const NumberOfBytes of [0, 1025, undefined]) {
      await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    }
  });
});
