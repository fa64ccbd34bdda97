/**
 * The single source of the names and shapes that the cloud stack (infra/), the local
 * emulator (packages/local-aws) and the core agree on, so cloud and local never drift.
 * Values follow the original demo's console steps: key alias `demo-kms`, table
 * `demo-kms` with partition key `appuser`.
 */

/** The DynamoDB table that holds one item per stored secret. */
export const TABLE_NAME = 'demo-kms';

/** The table's partition key: the user id, a string. */
export const PARTITION_KEY = 'appuser';
export const PARTITION_KEY_TYPE = 'S';

/** The attribute holding the ciphertext (binary), as the original demo named it. */
export const SECRET_ATTRIBUTE = 'userpasswd';

/** The alias of the customer managed KMS key. */
export const KEY_ALIAS = 'alias/demo-kms';
export const KEY_SPEC = 'SYMMETRIC_DEFAULT';
export const KEY_USAGE = 'ENCRYPT_DECRYPT';
export const KEY_DESCRIPTION = 'kms-demo: client-side encryption of secrets stored in DynamoDB';

/** Region used when nothing else names one. */
export const DEFAULT_REGION = 'us-east-1';

/**
 * Encryption context keys the core writes into every new ciphertext. The table key lets
 * an IAM condition (`kms:EncryptionContext:table`) tie the use of the key to this table.
 */
export const ENCRYPTION_CONTEXT_KEYS = {
  purpose: 'purpose',
  table: 'table',
  user: 'appuser',
} as const;

/** The value of the `purpose` encryption context pair. */
export const ENCRYPTION_PURPOSE = 'kms-demo/secret';

/** KMS actions the core calls; the infra app policy grants exactly these. */
export const CORE_KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
] as const;

/**
 * DynamoDB item actions the tool calls (the CLI's status check is a GetItem too); the infra
 * app policy grants exactly these, and no table-level action.
 */
export const CORE_DYNAMODB_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Scan',
] as const;

/** Tags put on the resources this project creates. */
export const RESOURCE_TAGS = { project: 'kms-demo' } as const;

export const resourceSpec = {
  table: { name: TABLE_NAME, partitionKey: PARTITION_KEY, partitionKeyType: PARTITION_KEY_TYPE },
  key: {
    alias: KEY_ALIAS,
    keySpec: KEY_SPEC,
    keyUsage: KEY_USAGE,
    description: KEY_DESCRIPTION,
  },
  region: DEFAULT_REGION,
} as const;

/** The account id of the local endpoint (the emulator's only account). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * The principals of the local endpoint, each with its own generated credential:
 * `admin` the account administrator (creates the key and table), `key-admin` a key
 * administrator (manages the key, cannot use it), `app` the key user with the app policy
 * (what the CLI runs as), `auditor` who may look up the trail (CloudTrail LookupEvents).
 */
export const LOCAL_PRINCIPALS = ['admin', 'key-admin', 'app', 'auditor'] as const;
export type LocalPrincipalName = (typeof LOCAL_PRINCIPALS)[number];

/** The IAM user name of a local principal, e.g. `kms-demo-app`. */
export function localPrincipalUserName(name: LocalPrincipalName): string {
  return `kms-demo-${name}`;
}

/** The IAM ARN of a local principal, e.g. `arn:aws:iam::000000000000:user/kms-demo-app`. */
export function localPrincipalArn(name: LocalPrincipalName): string {
  return `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${localPrincipalUserName(name)}`;
}

export { buildAdministratorPolicy } from './policies/administrator-policy.js';
export { type AppPolicyOptions, buildAppPolicy } from './policies/app-policy.js';
export {
  AUDITOR_ACTIONS,
  type AuditorPolicyDocument,
  buildAuditorPolicy,
} from './policies/auditor-policy.js';
export {
  buildKeyPolicy,
  KEY_ADMINISTRATOR_ACTIONS,
  type KeyPolicyOptions,
} from './policies/key-policy.js';
export { type KeyUseOptions, tableContextConditionKey } from './policies/key-use-statements.js';
export {
  type PolicyDocument,
  type PolicyStatement,
  policyDocument,
} from './policies/policy-document.js';
