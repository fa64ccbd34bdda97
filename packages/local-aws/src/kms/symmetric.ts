import { decodeHeader, open, seal } from './ciphertext.js';
import { invalidCiphertext, KmsError } from './errors.js';
import type { KeyMaterial, KeyRecord } from './key-record.js';
import { type OperationContext, requireEnabled } from './operation.js';
import { type Body, optionalEnum } from './validation.js';

const ALGORITHMS = [
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'SM2PKE',
  'SYMMETRIC_DEFAULT',
] as const;

/** The encryption algorithm member: symmetric keys support SYMMETRIC_DEFAULT only. */
export function readAlgorithm(body: Body, member: string): 'SYMMETRIC_DEFAULT' {
  const algorithm = optionalEnum(body, member, ALGORITHMS) ?? 'SYMMETRIC_DEFAULT';
  if (algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `The encryption algorithm ${algorithm} is not valid for a symmetric encryption KMS key.`,
    );
  }
  return algorithm;
}

/** Encrypts under the key's newest material. The caller owns and zeroes the plaintext. */
export function encryptWith(
  context: OperationContext,
  key: KeyRecord,
  plaintext: Buffer,
  encryptionContext: Record<string, string>,
): { blob: Buffer; material: KeyMaterial } {
  requireEnabled(context, key);
  const material = context.store.currentMaterial(key);
  const blob = seal(
    { keyId: key.keyId, materialVersion: material.version },
    material.key,
    plaintext,
    encryptionContext,
  );
  return { blob, material };
}

/**
 * Decrypts a blob. `expected` is the key the caller named, if any: naming another key
 * than the one that encrypted the blob is IncorrectKeyException. The caller must zero
 * the returned plaintext.
 */
export function decryptWith(
  context: OperationContext,
  blob: Buffer,
  encryptionContext: Record<string, string>,
  expected: KeyRecord | undefined,
): { key: KeyRecord; material: KeyMaterial; plaintext: Buffer } {
  const header = decodeHeader(blob);
  const key = context.store.findKey(header.keyId);
  if (expected && expected.keyId !== header.keyId) {
    throw new KmsError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a KMS key that can perform this operation.',
    );
  }
  if (!key) throw invalidCiphertext();
  requireEnabled(context, key);
  const material = key.materials.find((candidate) => candidate.version === header.materialVersion);
  if (!material) throw invalidCiphertext();
  return { key, material, plaintext: open(blob, material.key, encryptionContext) };
}

/** Base64 for the response, then zero the bytes we own. */
export function toBase64AndZero(bytes: Buffer): string {
  const text = bytes.toString('base64');
  bytes.fill(0);
  return text;
}
