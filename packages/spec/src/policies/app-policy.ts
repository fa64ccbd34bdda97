import { CORE_DYNAMODB_ACTIONS } from '../index.js';
import { keyUseStatements } from './key-use-statements.js';
import { type PolicyDocument, policyDocument } from './policy-document.js';

export interface AppPolicyOptions {
  keyArn: string;
  tableArn: string;
  tableName: string;
  /** Grant the context-free Decrypt that original-demo items need (see keyUseStatements). */
  allowLegacyItems: boolean;
}

/**
 * The least-privilege IAM policy for the tool's users: exactly the KMS and DynamoDB
 * actions the core calls, on this key and this table only.
 */
export function buildAppPolicy(options: AppPolicyOptions): PolicyDocument {
  return policyDocument([
    ...keyUseStatements({
      sidPrefix: 'Kms',
      tableName: options.tableName,
      resource: options.keyArn,
      allowLegacyItems: options.allowLegacyItems,
    }),
    {
      Sid: 'DynamoDbItemsInThisTable',
      Effect: 'Allow',
      Action: [...CORE_DYNAMODB_ACTIONS],
      Resource: options.tableArn,
    },
  ]);
}
