import { KmsDemoError } from '../errors.js';

/** KMS Encrypt takes at most 4096 bytes of plaintext (AWS KMS API reference). */
export const DIRECT_MAX_SECRET_BYTES = 4096;

/**
 * DynamoDB items are at most 400 KB. An envelope message adds a header (~0.5 KB) and
 * 28 bytes per 4 KiB frame (under 1%), so 384 KiB of secret leaves room for the other
 * attributes.
 */
export const ENVELOPE_MAX_SECRET_BYTES = 384 * 1024;

export function assertSecret(secret: unknown): asserts secret is Uint8Array {
  if (!(secret instanceof Uint8Array)) {
    throw new KmsDemoError('INVALID_SECRET', 'The secret must be bytes (a Uint8Array or Buffer).');
  }
  if (secret.byteLength === 0) {
    throw new KmsDemoError('INVALID_SECRET', 'The secret is empty; provide at least one byte.');
  }
}

export function assertSecretSize(secret: Uint8Array, scheme: 'envelope' | 'direct'): void {
  if (scheme === 'direct' && secret.byteLength > DIRECT_MAX_SECRET_BYTES) {
    throw new KmsDemoError(
      'TOO_LARGE',
      `The secret is ${secret.byteLength} bytes; the direct scheme (KMS Encrypt) takes at most ${DIRECT_MAX_SECRET_BYTES}. Use the envelope scheme, which takes up to ${ENVELOPE_MAX_SECRET_BYTES} bytes.`,
    );
  }
  if (secret.byteLength > ENVELOPE_MAX_SECRET_BYTES) {
    throw new KmsDemoError(
      'TOO_LARGE',
      `The secret is ${secret.byteLength} bytes; at most ${ENVELOPE_MAX_SECRET_BYTES} fit in one DynamoDB item (400 KB). Store large data elsewhere and keep only its key here.`,
    );
  }
}
