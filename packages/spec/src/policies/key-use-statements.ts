import { CORE_KMS_ACTIONS, ENCRYPTION_CONTEXT_KEYS } from '../index.js';
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

// Computed when a builder runs, not at import: the spec's index re-exports this module
// and this module reads the index's constants, so nothing here may run during import.

/** The IAM condition key naming this table inside the encryption context. */
export function tableContextConditionKey(): string {
  return `kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEYS.table}`;
}

function contextBoundKmsActions(): string[] {
  return CORE_KMS_ACTIONS.filter((action) => ACTIONS_WITH_ENCRYPTION_CONTEXT.has(action));
}

function contextFreeKmsActions(): string[] {
  return CORE_KMS_ACTIONS.filter((action) => !ACTIONS_WITH_ENCRYPTION_CONTEXT.has(action));
}

export interface KeyUseOptions {
  /** Prefix for the statement ids, so key policy and IAM policy statements read apart. */
  sidPrefix: string;
  /** The table whose name every new ciphertext must carry in its encryption context. */
  tableName: string;
  /** `*` inside a key policy (meaning "this key"), the key ARN inside an IAM policy. */
  resource: string;
  /** Set for key policy statements; IAM policies take their principal from attachment. */
  principals?: string[];
  /** Whether the context-free Decrypt of original-demo items is granted (statement 2). */
  allowLegacyItems: boolean;
}

/**
 * The statements that let a principal use the key exactly as the core does, and no more:
 *
 * 1. Encrypt, GenerateDataKey and Decrypt only when the encryption context names this
 *    table, so a ciphertext made for this table cannot be produced or opened for another
 *    purpose with the same grant.
 * 2. Only with `allowLegacyItems`: Decrypt when the request has no encryption context at
 *    all. Items written by the original demo were encrypted with a bare KMS Encrypt call
 *    and carry no context. Nothing binds such a ciphertext to its item, so whoever can
 *    write the table can swap one user's legacy ciphertext into another's item: the
 *    grant is off unless a deployment still has such items to read and migrate. The
 *    `Null` condition matches only context-free requests, so it opens nothing for
 *    ciphertexts that carry a context for another table, and it grants no Encrypt.
 * 3. The remaining core actions (DescribeKey), which take no encryption context.
 */
export function keyUseStatements(options: KeyUseOptions): PolicyStatement[] {
  const principal = options.principals ? { Principal: { AWS: options.principals } } : {};
  const statements: PolicyStatement[] = [
    {
      Sid: `${options.sidPrefix}UseKeyForThisTable`,
      Effect: 'Allow',
      ...principal,
      Action: contextBoundKmsActions(),
      Resource: options.resource,
      Condition: { StringEquals: { [tableContextConditionKey()]: options.tableName } },
    },
  ];
  if (options.allowLegacyItems) {
    statements.push({
      Sid: `${options.sidPrefix}DecryptLegacyItemsWithoutContext`,
      Effect: 'Allow',
      ...principal,
      Action: [LEGACY_DECRYPT_ACTION],
      Resource: options.resource,
      Condition: { Null: { 'kms:EncryptionContextKeys': 'true' } },
    });
  }
  const contextFree = contextFreeKmsActions();
  if (contextFree.length > 0) {
    statements.push({
      Sid: `${options.sidPrefix}ActionsWithoutContext`,
      Effect: 'Allow',
      ...principal,
      Action: contextFree,
      Resource: options.resource,
    });
  }
  return statements;
}
