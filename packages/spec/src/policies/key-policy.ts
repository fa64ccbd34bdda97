import { keyUseStatements } from './key-use-statements.js';
import { type PolicyDocument, policyDocument } from './policy-document.js';

/**
 * What the key administrators statement of AWS's console default key policy grants:
 * managing the key's lifecycle, policy, tags, aliases and grants, and none of the
 * cryptographic operations.
 */
export const KEY_ADMINISTRATOR_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
] as const;

export interface KeyPolicyOptions {
  partition: string;
  accountId: string;
  keyAdministrators: string[];
  keyUsers: string[];
  tableName: string;
  /** Grant key users the context-free Decrypt that original-demo items need. */
  allowLegacyItems: boolean;
}

/**
 * The key policy: the account root statement, then administrators and users kept apart,
 * as in the original demo's console steps. In a key policy the resource `*` means "this
 * key"; the key's own ARN does not exist yet when the policy is attached at creation.
 */
export function buildKeyPolicy(options: KeyPolicyOptions): PolicyDocument {
  return policyDocument([
    {
      // Keeps the key manageable through IAM whatever happens to the named principals:
      // without it a mistyped or deleted administrator would lock the key for good.
      Sid: 'EnableAccountRootAndIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:${options.partition}:iam::${options.accountId}:root` },
      Action: ['kms:*'],
      Resource: '*',
    },
    {
      Sid: 'KeyAdministrators',
      Effect: 'Allow',
      Principal: { AWS: options.keyAdministrators },
      Action: [...KEY_ADMINISTRATOR_ACTIONS],
      Resource: '*',
    },
    ...keyUseStatements({
      sidPrefix: 'KeyUsers',
      tableName: options.tableName,
      resource: '*',
      principals: options.keyUsers,
      allowLegacyItems: options.allowLegacyItems,
    }),
  ]);
}
