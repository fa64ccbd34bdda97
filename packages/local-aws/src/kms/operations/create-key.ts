import { KmsError, validationError } from '../errors.js';
import { newKeyId } from '../identifiers.js';
import { keyMetadata } from '../key-metadata.js';
import { checkKeyPolicy, defaultKeyPolicy } from '../key-policy.js';
import type { KeyRecord } from '../key-record.js';
import { type KeyStore, newMaterial } from '../key-store.js';
import type { Operation } from '../operation.js';
import { readTags } from '../tags.js';
import { optionalBoolean, optionalEnum, optionalString } from '../validation.js';

const KEY_SPECS = [
  'ECC_NIST_EDWARDS25519',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ML_KEM_1024',
  'ML_KEM_512',
  'ML_KEM_768',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'SM2',
  'SYMMETRIC_DEFAULT',
] as const;
const KEY_USAGES = [
  'ENCAPSULATE_DECAPSULATE',
  'ENCRYPT_DECRYPT',
  'GENERATE_VERIFY_MAC',
  'KEY_AGREEMENT',
  'SIGN_VERIFY',
] as const;
const ORIGINS = ['AWS_CLOUDHSM', 'AWS_KMS', 'EXTERNAL', 'EXTERNAL_KEY_STORE'] as const;

function unsupported(what: string): KmsError {
  return new KmsError(
    'UnsupportedOperationException',
    `${what} is not supported by the local KMS emulator, which creates symmetric encryption keys (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT) only.`,
  );
}

/** CreateKey: a symmetric encryption key with AWS-generated material. */
export const createKey: Operation = (context, body) => {
  const policy = optionalString(body, 'Policy', { min: 1 });
  const description = optionalString(body, 'Description', { min: 0, max: 8192 }) ?? '';
  const usage = optionalEnum(body, 'KeyUsage', KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
  const keySpec = optionalEnum(body, 'KeySpec', KEY_SPECS);
  const masterKeySpec = optionalEnum(body, 'CustomerMasterKeySpec', KEY_SPECS);
  const origin = optionalEnum(body, 'Origin', ORIGINS) ?? 'AWS_KMS';
  optionalBoolean(body, 'BypassPolicyLockoutSafetyCheck');
  const multiRegion = optionalBoolean(body, 'MultiRegion') ?? false;
  const tags = readTags(body, 'Tags', false);
  if (keySpec !== undefined && masterKeySpec !== undefined) {
    throw new KmsError(
      'ValidationException',
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request.',
    );
  }
  const spec = keySpec ?? masterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (spec !== 'SYMMETRIC_DEFAULT') throw unsupported(`KeySpec ${spec}`);
  if (usage !== 'ENCRYPT_DECRYPT') {
    throw validationError(
      'keyUsage',
      `KeyUsage ${usage} is not compatible with KeySpec ${spec}`,
      usage,
    );
  }
  if (origin !== 'AWS_KMS') throw unsupported(`Origin ${origin}`);
  if (multiRegion) throw unsupported('A multi-Region key');
  if (body.CustomKeyStoreId !== undefined || body.XksKeyId !== undefined) {
    throw new KmsError(
      'CustomKeyStoreNotFoundException',
      'The local KMS emulator has no custom key stores.',
    );
  }
  if (policy !== undefined) checkKeyPolicy(policy);

  const key = newKeyRecord(context.store, context.now, description, policy);
  for (const [tagKey, value] of tags) key.tags.set(tagKey, value);
  context.store.addKey(key);
  return { KeyMetadata: keyMetadata(context.store, key) };
};

/** A new enabled symmetric key with one generation of material and the default policy. */
export function newKeyRecord(
  store: KeyStore,
  now: number,
  description: string,
  policy?: string,
): KeyRecord {
  return {
    keyId: newKeyId(),
    createdAt: now,
    description,
    state: 'Enabled',
    policy: policy ?? defaultKeyPolicy(store.scope),
    tags: new Map(),
    rotationEnabled: false,
    onDemandRotations: 0,
    materials: [newMaterial(1, now)],
  };
}
