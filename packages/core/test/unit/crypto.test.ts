import { describe, expect, it } from 'vitest';
import { directDecrypt, directEncrypt } from '../../src/crypto/direct.js';
import { envelopeDecrypt, envelopeEncrypt } from '../../src/crypto/envelope.js';
import { legacyDecrypt } from '../../src/crypto/legacy.js';
import { readEnvelopeHeader } from '../../src/crypto/message-header.js';
import { open, seal } from '../../src/crypto/schemes.js';
import { itemContext } from '../../src/index.js';
import { awsError, FAKE_KEY_ARN, fakeKms, hasControlCharacters } from '../support/fake-kms.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const contextA = itemContext('demo-kms', 'alice');
const contextB = itemContext('demo-kms', 'bob');

describe('envelope with a fake KMS', () => {
  it('round-trips, writes suite 0x0478 and exactly the item context', async () => {
    const { kms, calls } = fakeKms();
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('s3cret'), contextA);
    expect(calls).toEqual(['generateDataKey']);
    const header = readEnvelopeHeader(ciphertext);
    expect(header).toMatchObject({ encryptionContext: contextA, keyArns: [FAKE_KEY_ARN] });
    expect(header?.algorithm.hex).toBe('0x0478');
    const plaintext = await envelopeDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextA, 'alice');
    expect(new TextDecoder().decode(plaintext)).toBe('s3cret');
  });

  it('refuses a message bound to another item before calling KMS', async () => {
    const { kms, calls } = fakeKms();
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('alice only'), contextA);
    const error = await envelopeDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextB, 'bob').catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'INTEGRITY', message: /appuser='alice'/ });
    expect(calls).not.toContain('decrypt');
  });

  it('names a mismatching context without the control characters it may hold', async () => {
    const { kms } = fakeKms();
    const hostile = itemContext('demo-kms', 'x\u001b[31m\u0007');
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('x'), hostile);
    const error = await envelopeDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextB, 'bob').catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'INTEGRITY', message: /appuser='x\?\[31m\?'/ });
    expect(hasControlCharacters(error.message)).toBe(false);
  });

  it('refuses a message whose data key another key wraps', async () => {
    const { kms } = fakeKms();
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('x'), contextA);
    const otherArn = FAKE_KEY_ARN.replace('1111-2222', '9999-8888');
    await expect(
      envelopeDecrypt(kms, otherArn, ciphertext, contextA, 'alice'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
      message: /wrapped by/,
    });
  });

  it('keeps the KMS error that the keyring would hide: a disabled key is KEY_UNAVAILABLE', async () => {
    const { kms } = fakeKms();
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('x'), contextA);
    const disabled = fakeKms({
      decrypt: async () => Promise.reject(awsError('DisabledException')),
    });
    const error = await envelopeDecrypt(
      disabled.kms,
      FAKE_KEY_ARN,
      ciphertext,
      contextA,
      'alice',
    ).catch((e) => e);
    expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE' });
    expect(error.cause?.name).toBe('DisabledException');
  });

  it('maps a failing GenerateDataKey on encrypt', async () => {
    const { kms } = fakeKms({
      generateDataKey: () => Promise.reject(awsError('AccessDeniedException')),
    });
    await expect(envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('x'), contextA)).rejects.toMatchObject({
      code: 'KEY_UNAVAILABLE',
    });
  });

  it('a flipped body byte is INTEGRITY, and the failure names no plaintext', async () => {
    const { kms } = fakeKms();
    const ciphertext = await envelopeEncrypt(kms, FAKE_KEY_ARN, utf8('visible?'), contextA);
    const at = ciphertext.length - 20;
    ciphertext[at] = (ciphertext[at] ?? 0) ^ 1;
    const error = await envelopeDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextA, 'alice').catch(
      (e) => e,
    );
    expect(error).toMatchObject({ code: 'INTEGRITY' });
    expect(String(error.message)).not.toContain('visible?');
  });

  it('garbage is INTEGRITY without calling KMS', async () => {
    const { kms, calls } = fakeKms();
    await expect(
      envelopeDecrypt(kms, FAKE_KEY_ARN, utf8('not a message'), contextA, 'alice'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    expect(calls).toEqual([]);
  });
});

describe('direct and legacy with a fake KMS', () => {
  it('direct passes the context and pins the key on decrypt', async () => {
    const { kms } = fakeKms();
    const ciphertext = await directEncrypt(kms, FAKE_KEY_ARN, utf8('d'), contextA);
    await expect(
      directDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextB, 'bob'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    const other = FAKE_KEY_ARN.replace('1111-2222', '9999-8888');
    await expect(directDecrypt(kms, other, ciphertext, contextA, 'alice')).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    expect(
      new TextDecoder().decode(
        await directDecrypt(kms, FAKE_KEY_ARN, ciphertext, contextA, 'alice'),
      ),
    ).toBe('d');
  });

  it('direct refuses a plaintext from KMS under an unexpected key', async () => {
    const plaintext = utf8('x');
    const { kms } = fakeKms({
      decrypt: async () => ({ Plaintext: plaintext, KeyId: 'arn:aws:kms:us-east-1:1:key/other' }),
    });
    await expect(
      directDecrypt(kms, FAKE_KEY_ARN, utf8('blob'), contextA, 'alice'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
    expect([...plaintext]).toEqual([0]);
  });

  it('legacy decrypts a context-free ciphertext, and a direct one fails as legacy', async () => {
    const { kms } = fakeKms();
    const legacy = await directEncrypt(kms, FAKE_KEY_ARN, utf8('old'), {});
    expect(new TextDecoder().decode(await legacyDecrypt(kms, FAKE_KEY_ARN, legacy, '12345'))).toBe(
      'old',
    );
    const bound = await directEncrypt(kms, FAKE_KEY_ARN, utf8('new'), contextA);
    await expect(legacyDecrypt(kms, FAKE_KEY_ARN, bound, 'alice')).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
  });
});

describe('seal and open', () => {
  it('check the secret before any KMS call', async () => {
    const { kms, calls } = fakeKms();
    const binding = { tableName: 'demo-kms', appuser: 'alice' };
    await expect(
      seal(kms, FAKE_KEY_ARN, binding, new Uint8Array(0), 'envelope'),
    ).rejects.toMatchObject({
      code: 'INVALID_SECRET',
    });
    await expect(
      seal(kms, FAKE_KEY_ARN, binding, new Uint8Array(4097), 'direct'),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    await expect(
      seal(kms, FAKE_KEY_ARN, binding, 'text' as unknown as Uint8Array, 'direct'),
    ).rejects.toMatchObject({
      code: 'INVALID_SECRET',
    });
    expect(calls).toEqual([]);
  });

  it('open rebuilds the context from where the ciphertext was found', async () => {
    const { kms } = fakeKms();
    const ciphertext = await seal(
      kms,
      FAKE_KEY_ARN,
      { tableName: 't1', appuser: 'alice' },
      utf8('x'),
      'direct',
    );
    await expect(
      open(kms, FAKE_KEY_ARN, { tableName: 't2', appuser: 'alice' }, ciphertext, 'direct'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY',
    });
  });
});
