import { CORE_KMS_ACTIONS, ENCRYPTION_CONTEXT_KEYS } from '@kms-demo/spec';
import type { PolicyStatement } from './policy-document.js';

type CoreKmsAction = (typeof CORE_KMS_ACTIONS)[number];

/**
 * KMS operations that take an encryption context, so `kms:EncryptionContext:*` conditions
 * apply to them (AWS KMS condition keys reference). Operations outside this set, such as
 * DescribeKey, would never match such a condition and are granted without one.
 */
const ACTIONS_WITH_ENCRYPTION_CONTEXT: ReadonlySet<string> = new Set([
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
]);

/** The one operation the legacy read path needs; the type proves the core uses it. */
const LEGACY_DECRYPT_ACTION: CoreKmsAction = 'kms:Decrypt';

/** The IAM condition key naming this table inside the encryption context. */
export const TABLE_CONTEXT_CONDITION_KEY = `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEYS.table}`;

export const CONTEXT_BOUND_KMS_ACTIONS: string[] = CORE_KMS_ACTIONS.filter((action) =>
  ACTIONS_WITH_ENCRYPTION_CONTEXT.has(action),
);
export const CONTEXT_FREE_KMS_ACTIONS: string[] = CORE_KMS_ACTIONS.filter(
  (action) => !ACTIONS_WITH_ENCRYPTION_CONTEXT.has(action),
);

export interface KeyUseOptions {
  /** Prefix for the statement ids, so key policy and IAM policy statements read apart. */
  sidPrefix: string;
  /** The table whose name every new ciphertext must carry in its encryption context. */
  tableName: string;
  /** `*` inside a key policy (meaning "this key"), the key ARN inside an IAM policy. */
  resource: string;
  /** Set for key policy statements; IAM policies take their principal from attachment. */
  principals?: string[];
}

/**
 * The statements that let a principal use the key exactly as the core does, and no more:
 *
 * 1. Encrypt, GenerateDataKey and Decrypt only when the encryption context names this
 *    table, so a ciphertext made for this table cannot be produced or opened for another
 *    purpose with the same grant.
 * 2. Decrypt when the request has no encryption context at all. Items written by the
 *    original demo were encrypted with a bare KMS Encrypt call and carry no context; the
 *    tool must still read them to show and migrate them. The `Null` condition matches only
 *    context-free requests, so this opens nothing for ciphertexts that carry a context
 *    for another table, and it grants no Encrypt: new ciphertexts always carry the context.
 * 3. The remaining core actions (DescribeKey), which take no encryption context.
 */
export function keyUseStatements(options: KeyUseOptions): PolicyStatement[] {
  const principal = options.principals ? { Principal: { AWS: options.principals } } : {};
  const statements: PolicyStatement[] = [
    {
      Sid: `${options.sidPrefix}UseKeyForThisTable`,
      Effect: 'Allow',
      ...principal,
      Action: CONTEXT_BOUND_KMS_ACTIONS,
      Resource: options.resource,
      Condition: { StringEquals: { [TABLE_CONTEXT_CONDITION_KEY]: options.tableName } },
    },
    {
      Sid: `${options.sidPrefix}DecryptLegacyItemsWithoutContext`,
      Effect: 'Allow',
      ...principal,
      Action: [LEGACY_DECRYPT_ACTION],
      Resource: options.resource,
      Condition: { Null: { 'kms:EncryptionContextKeys': 'true' } },
    },
  ];
  if (CONTEXT_FREE_KMS_ACTIONS.length > 0) {
    statements.push({
      Sid: `${options.sidPrefix}ActionsWithoutContext`,
      Effect: 'Allow',
      ...principal,
      Action: CONTEXT_FREE_KMS_ACTIONS,
      Resource: options.resource,
    });
  }
  return statements;
}
