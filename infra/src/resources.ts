import {
  buildAppPolicy,
  buildAuditorPolicy,
  buildKeyPolicy,
  KEY_DESCRIPTION,
  KEY_SPEC,
  KEY_USAGE,
  PARTITION_KEY,
  PARTITION_KEY_TYPE,
} from '@kms-demo/spec';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { InfraConfig } from './config.js';
import type { DeploymentContext } from './deployment-context.js';

export interface KmsDemoResources {
  key: aws.kms.Key;
  alias: aws.kms.Alias;
  table: aws.dynamodb.Table;
  appPolicy: aws.iam.Policy;
  auditorPolicy: aws.iam.Policy;
}

/** Declares the key, its alias, the table and the app policy. */
export function createResources(config: InfraConfig, context: DeploymentContext): KmsDemoResources {
  const key = new aws.kms.Key('kms-demo-key', {
    description: KEY_DESCRIPTION,
    customerMasterKeySpec: KEY_SPEC,
    keyUsage: KEY_USAGE,
    enableKeyRotation: true,
    deletionWindowInDays: config.deletionWindowInDays,
    policy: JSON.stringify(
      buildKeyPolicy({
        partition: context.partition,
        accountId: context.accountId,
        keyAdministrators: config.keyAdministrators,
        keyUsers: config.keyUsers,
        tableName: config.tableName,
        allowLegacyItems: config.allowLegacyItems,
      }),
    ),
    tags: config.tags,
  });

  const alias = new aws.kms.Alias('kms-demo-alias', {
    name: config.keyAlias,
    targetKeyId: key.keyId,
  });

  const table = new aws.dynamodb.Table('kms-demo-table', {
    name: config.tableName,
    hashKey: PARTITION_KEY,
    attributes: [{ name: PARTITION_KEY, type: PARTITION_KEY_TYPE }],
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    // The AWS managed key (aws/dynamodb) rather than this project's key: secrets are
    // already encrypted client-side with the customer managed key, and tying table
    // reads to it would make every reader a key user through DynamoDB as well.
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: config.tableDeletionProtection,
    tags: config.tags,
  });

  const appPolicy = new aws.iam.Policy('kms-demo-app', {
    description: `kms-demo: least privilege for the tool's users on ${config.keyAlias} and table ${config.tableName}`,
    policy: pulumi.all([key.arn, table.arn]).apply(([keyArn, tableArn]) =>
      JSON.stringify(
        buildAppPolicy({
          keyArn,
          tableArn,
          tableName: config.tableName,
          allowLegacyItems: config.allowLegacyItems,
        }),
      ),
    ),
    tags: config.tags,
  });

  // LookupEvents takes no resource: this grant reads every management event of the
  // account in the region, which is why it is a policy of its own and not the app's.
  const auditorPolicy = new aws.iam.Policy('kms-demo-auditor', {
    description: `kms-demo: read the CloudTrail trail (cloudtrail:LookupEvents) to see who used ${config.keyAlias}`,
    policy: JSON.stringify(buildAuditorPolicy()),
    tags: config.tags,
  });

  return { key, alias, table, appPolicy, auditorPolicy };
}
