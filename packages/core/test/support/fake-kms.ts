import { randomBytes, randomUUID } from 'node:crypto';
import type { EncryptionContext, KmsApi } from '../../src/index.js';
import { sameContext } from '../../src/index.js';

export const FAKE_KEY_ARN =
  'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';

/** An error shaped like the SDK's service exceptions: the name is the AWS error code. */
export function awsError(name: string, message = `${name} from the fake`): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * An in-memory KMS for unit tests: ciphertexts are opaque handles, and Decrypt enforces
 * the key and the exact encryption context the way KMS does.
 */
export function fakeKms(overrides: Partial<KmsApi> = {}) {
  const blobs = new Map<
    string,
    { keyArn: string; plaintext: Uint8Array; context: EncryptionContext }
  >();
  const calls: string[] = [];
  const seal = (keyArn: string, plaintext: Uint8Array, context: EncryptionContext = {}) => {
    const handle = randomUUID();
    blobs.set(handle, { keyArn, plaintext: new Uint8Array(plaintext), context: { ...context } });
    return new TextEncoder().encode(handle);
  };
  const kms: KmsApi = {
    async describeKey({ KeyId }) {
      calls.push('describeKey');
      if (KeyId !== FAKE_KEY_ARN && KeyId !== 'alias/demo-kms') throw awsError('NotFoundException');
      return {
        KeyMetadata: {
          Arn: FAKE_KEY_ARN,
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
        },
      };
    },
    async encrypt({ KeyId, Plaintext, EncryptionContext }) {
      calls.push('encrypt');
      return { CiphertextBlob: seal(KeyId, Plaintext, EncryptionContext), KeyId };
    },
    async generateDataKey({ KeyId, EncryptionContext, NumberOfBytes = 32 }) {
      calls.push('generateDataKey');
      const Plaintext = new Uint8Array(randomBytes(NumberOfBytes));
      return { Plaintext, CiphertextBlob: seal(KeyId, Plaintext, EncryptionContext), KeyId };
    },
    async decrypt({ CiphertextBlob, KeyId, EncryptionContext = {} }) {
      calls.push('decrypt');
      const blob = blobs.get(new TextDecoder().decode(CiphertextBlob));
      if (!blob || !sameContext(blob.context, EncryptionContext)) {
        throw awsError('InvalidCiphertextException');
      }
      if (KeyId !== undefined && KeyId !== blob.keyArn) throw awsError('IncorrectKeyException');
      return { Plaintext: new Uint8Array(blob.plaintext), KeyId: blob.keyArn };
    },
    ...overrides,
  };
  return { kms, calls };
}

/** Terminal control characters (escapes, bells) that must never reach a printed message. */
export const hasControlCharacters = (text: string): boolean =>
  [...text].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f');
