import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { type AwsEsdkKMSInterface, KmsKeyringClass } from '@aws-crypto/kms-keyring';
import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  immutableClass,
  KeyringNode,
  type Newable,
  type NodeAlgorithmSuite,
} from '@aws-crypto/material-management-node';
import { fromAwsError } from '../aws-errors.js';
import { integrityError, KmsDemoError } from '../errors.js';
import { printable } from '../printable.js';
import { describeContextMismatch, sameContext } from './context.js';
import type { EncryptionContext, KmsApi } from './kms-api.js';
import { ENVELOPE_MAX_SECRET_BYTES } from './limits.js';
import { readEnvelopeHeader } from './message-header.js';

/**
 * The default scheme: an AWS Encryption SDK message whose data key KMS generates and
 * wraps. Unsigned committing suite (0x0478): see docs/CRYPTO.md for why not 0x0578.
 */
export const ENVELOPE_SUITE =
  AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

// The encrypt and decrypt halves of the SDK's `buildClient`, from their own packages:
// `@aws-crypto/client-node` would also load every other keyring, the hierarchical
// keyring's branch key store and its DynamoDB client, on every decrypt.
const clientOptions = {
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  maxEncryptedDataKeys: 1,
};
const esdk = { ...buildEncrypt(clientOptions), ...buildDecrypt(clientOptions) };

/**
 * The Node KMS keyring without `@aws-crypto/kms-keyring-node`, whose default client
 * provider imports the SDK's aggregated `KMS` class (every KMS command); ours is always
 * given its client.
 */
class KmsKeyring extends KmsKeyringClass<NodeAlgorithmSuite, AwsEsdkKMSInterface>(
  KeyringNode as Newable<KeyringNode>,
) {}
immutableClass(KmsKeyring);

/**
 * The KMS keyring swallows KMS errors into one string; recording them on the way through
 * keeps the typed error (disabled key, access denied, ...) for the caller.
 */
function strictKeyring(kms: KmsApi, keyArn: string) {
  const kmsErrors: unknown[] = [];
  const recorded = <T>(call: () => Promise<T>) =>
    call().catch((error: unknown) => {
      kmsErrors.push(error);
      throw error;
    });
  const client = {
    encrypt: (input: Parameters<KmsApi['encrypt']>[0]) => recorded(() => kms.encrypt(input)),
    decrypt: (input: Parameters<KmsApi['decrypt']>[0]) => recorded(() => kms.decrypt(input)),
    generateDataKey: (input: Parameters<KmsApi['generateDataKey']>[0]) =>
      recorded(() => kms.generateDataKey(input)),
  };
  const clientProvider = () => client;
  const keyring = new KmsKeyring({ generatorKeyId: keyArn, clientProvider });
  return { keyring, kmsErrors };
}

export async function envelopeEncrypt(
  kms: KmsApi,
  keyArn: string,
  plaintext: Uint8Array,
  context: EncryptionContext,
): Promise<Uint8Array> {
  const { keyring, kmsErrors } = strictKeyring(kms, keyArn);
  try {
    const { result } = await esdk.encrypt(keyring, plaintext, {
      encryptionContext: context,
      suiteId: ENVELOPE_SUITE,
    });
    return result;
  } catch (error) {
    if (kmsErrors.length > 0)
      throw fromAwsError(kmsErrors[0], { service: 'kms', resource: keyArn });
    throw new KmsDemoError(
      'AWS_ERROR',
      'Envelope encryption failed unexpectedly; nothing was stored.',
      {
        cause: error,
      },
    );
  }
}

/**
 * Decrypts only a message made by this code for exactly this item: our suite, one data
 * key wrapped by the expected key, and an encryption context equal to the item's. The SDK
 * does not compare the context with anything, so we do, before and after decryption.
 */
export async function envelopeDecrypt(
  kms: KmsApi,
  keyArn: string,
  ciphertext: Uint8Array,
  context: EncryptionContext,
  appuser: string,
): Promise<Uint8Array> {
  const header = readEnvelopeHeader(ciphertext);
  if (!header) throw integrityError(appuser, 'it is not a well-formed Encryption SDK message');
  if (header.algorithm.id !== ENVELOPE_SUITE) {
    throw integrityError(appuser, `it uses algorithm suite ${header.algorithm.hex}, not 0x0478`);
  }
  if (header.keyArns.length !== 1 || header.keyArns[0] !== keyArn) {
    throw integrityError(
      appuser,
      `its data key is wrapped by ${printable(header.keyArns.join(', ') || 'no key', 200)}, not by the configured key ${keyArn}`,
    );
  }
  if (!sameContext(header.encryptionContext, context)) {
    throw integrityError(appuser, describeContextMismatch(header.encryptionContext, context));
  }

  const { keyring, kmsErrors } = strictKeyring(kms, keyArn);
  let output: Awaited<ReturnType<typeof esdk.decrypt>>;
  try {
    output = await esdk.decrypt(keyring, ciphertext, { maxBodySize: ENVELOPE_MAX_SECRET_BYTES });
  } catch (error) {
    if (kmsErrors.length > 0) {
      throw fromAwsError(kmsErrors[0], { service: 'kms', resource: keyArn, appuser });
    }
    throw integrityError(appuser, 'the Encryption SDK rejected the message', error);
  }
  const { encryptionContext: authenticated, suiteId } = output.messageHeader;
  if (suiteId !== ENVELOPE_SUITE || !sameContext(authenticated, context)) {
    output.plaintext.fill(0);
    throw integrityError(
      appuser,
      suiteId !== ENVELOPE_SUITE
        ? 'its authenticated header names another algorithm suite'
        : describeContextMismatch(authenticated, context),
    );
  }
  // A plain Uint8Array of its own, not the SDK's Buffer (which may share a pooled
  // ArrayBuffer); the SDK's copy is zeroed.
  const plaintext = new Uint8Array(output.plaintext);
  output.plaintext.fill(0);
  return plaintext;
}
