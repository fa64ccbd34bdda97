import type { PolicyDocument, PolicyStatement } from '@kms-demo/spec';

export function statement(document: PolicyDocument, sid: string): PolicyStatement {
  const found = document.Statement.find((candidate) => candidate.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${JSON.stringify(document)}`);
  return found;
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether an IAM action pattern such as `kms:Get*` grants `action` (IAM is case-insensitive). */
export function grants(pattern: string, action: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Every KMS operation that uses key material or returns plaintext, per the KMS API reference. */
export const KMS_CRYPTOGRAPHIC_OPERATIONS = [
  'kms:Decrypt',
  'kms:DeriveSharedSecret',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateMac',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:Sign',
  'kms:Verify',
  'kms:VerifyMac',
];
