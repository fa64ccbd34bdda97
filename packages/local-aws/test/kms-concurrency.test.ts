import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { newKey, text, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';

const CALLS = 200;

it(`${CALLS} concurrent Encrypt calls and then ${CALLS} concurrent Decrypt calls all succeed`, async () => {
  const kms = kmsClient();
  const { keyId, arn } = await newKey(kms);
  const messages = Array.from({ length: CALLS }, (_, index) => `message ${index}`);
  const encrypted = await Promise.all(
    messages.map((message, index) =>
      kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: utf8(message),
          EncryptionContext: { index: `${index}` },
        }),
      ),
    ),
  );
  const decrypted = await Promise.all(
    encrypted.map((result, index) =>
      kms.send(
        new DecryptCommand({
          CiphertextBlob: result.CiphertextBlob,
          EncryptionContext: { index: `${index}` },
        }),
      ),
    ),
  );
  expect(decrypted.map((result) => text(result.Plaintext))).toEqual(messages);
  expect(new Set(decrypted.map((result) => result.KeyId))).toEqual(new Set([arn]));
});

it(`${CALLS} concurrent mixed Encrypt and Decrypt calls all succeed`, async () => {
  const kms = kmsClient();
  const { keyId } = await newKey(kms);
  const seed = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('seed') }));
  const results = await Promise.all(
    Array.from({ length: CALLS }, async (_, index) => {
      if (index % 2 === 0) {
        const result = await kms.send(new DecryptCommand({ CiphertextBlob: seed.CiphertextBlob }));
        return text(result.Plaintext);
      }
      const result = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: utf8(`m${index}`) }),
      );
      const back = await kms.send(new DecryptCommand({ CiphertextBlob: result.CiphertextBlob }));
      return text(back.Plaintext);
    }),
  );
  results.forEach((value, index) => {
    expect(value).toBe(index % 2 === 0 ? 'seed' : `m${index}`);
  });
});
