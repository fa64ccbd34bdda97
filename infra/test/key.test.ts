import { buildKeyPolicy, CORE_KMS_ACTIONS, KEY_DESCRIPTION, RESOURCE_TAGS } from '@kms-demo/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploy } from './support/deploy.js';
import { asList, grants, KMS_CRYPTOGRAPHIC_OPERATIONS, statement } from './support/policy.js';
import { ACCOUNT_ID, DEPLOYER_USER_ARN, installMocks } from './support/pulumi-mocks.js';

await installMocks();

// AWS's console default key policy, "Allow access for Key Administrators".
const AWS_DEFAULT_ADMIN_ACTIONS = [
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
];

let stack: Deployment;
beforeAll(async () => {
  stack = await deploy();
});

describe('the KMS key', () => {
  it('is a symmetric encrypt/decrypt key with automatic rotation', () => {
    const key = stack.resource('aws:kms/key:Key').inputs;
    expect(key.customerMasterKeySpec).toBe('SYMMETRIC_DEFAULT');
    expect(key.keyUsage).toBe('ENCRYPT_DECRYPT');
    expect(key.enableKeyRotation).toBe(true);
  });

  it('waits the default 7 days before deletion', () => {
    expect(stack.resource('aws:kms/key:Key').inputs.deletionWindowInDays).toBe(7);
  });

  it('carries the project description and tags', () => {
    const key = stack.resource('aws:kms/key:Key').inputs;
    expect(key.description).toBe(KEY_DESCRIPTION);
    expect(key.tags).toEqual({ project: 'kms-demo' });
    expect(key.tags).toEqual(RESOURCE_TAGS);
  });

  it('is not multi-Region and keeps the policy lockout safety check', () => {
    const key = stack.resource('aws:kms/key:Key').inputs;
    expect(key.multiRegion).toBeUndefined();
    expect(key.bypassPolicyLockoutSafetyCheck).toBeUndefined();
  });
});

describe('the key policy', () => {
  it('has exactly the root, administrator and user statements', () => {
    expect(stack.keyPolicy.Version).toBe('2012-10-17');
    expect(stack.keyPolicy.Statement.map((s) => s.Sid)).toEqual([
      'EnableAccountRootAndIamPolicies',
      'KeyAdministrators',
      'KeyUsersUseKeyForThisTable',
      'KeyUsersActionsWithoutContext',
    ]);
    expect(stack.keyPolicy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('keeps the account root statement so the key stays manageable through IAM', () => {
    expect(statement(stack.keyPolicy, 'EnableAccountRootAndIamPolicies')).toEqual({
      Sid: 'EnableAccountRootAndIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
      Action: ['kms:*'],
      Resource: '*',
    });
  });

  it('lets administrators manage the key with exactly the AWS default admin actions', () => {
    const admins = statement(stack.keyPolicy, 'KeyAdministrators');
    expect(admins.Principal).toEqual({ AWS: [DEPLOYER_USER_ARN] });
    expect(admins.Action).toEqual(AWS_DEFAULT_ADMIN_ACTIONS);
    expect(admins.Resource).toBe('*');
    expect(admins.Condition).toBeUndefined();
  });

  it('gives administrators no cryptographic operation', () => {
    const admins = statement(stack.keyPolicy, 'KeyAdministrators');
    for (const pattern of admins.Action) {
      const cryptographic = KMS_CRYPTOGRAPHIC_OPERATIONS.filter((op) => grants(pattern, op));
      expect(cryptographic, pattern).toEqual([]);
    }
  });

  it('lets users encrypt, generate data keys and decrypt only for this table', () => {
    const use = statement(stack.keyPolicy, 'KeyUsersUseKeyForThisTable');
    expect(use.Principal).toEqual({ AWS: [DEPLOYER_USER_ARN] });
    expect(use.Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(use.Resource).toBe('*');
    expect(use.Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:table': 'demo-kms' },
    });
  });

  it('gives users no context-free decrypt by default (allowLegacyItems false)', () => {
    const sids = stack.keyPolicy.Statement.map((s) => s.Sid);
    expect(sids).not.toContain('KeyUsersDecryptLegacyItemsWithoutContext');
  });

  it('with allowLegacyItems, lets users decrypt context-free legacy items, and nothing else without context', async () => {
    const legacyStack = await deploy({ config: { allowLegacyItems: true } });
    const legacy = statement(legacyStack.keyPolicy, 'KeyUsersDecryptLegacyItemsWithoutContext');
    expect(legacy.Principal).toEqual({ AWS: [DEPLOYER_USER_ARN] });
    expect(legacy.Action).toEqual(['kms:Decrypt']);
    expect(legacy.Condition).toEqual({ Null: { 'kms:EncryptionContextKeys': 'true' } });
  });

  it('is byte for byte what the shared builder makes for this account', () => {
    expect(stack.resource('aws:kms/key:Key').inputs.policy).toBe(
      JSON.stringify(
        buildKeyPolicy({
          partition: 'aws',
          accountId: ACCOUNT_ID,
          keyAdministrators: [DEPLOYER_USER_ARN],
          keyUsers: [DEPLOYER_USER_ARN],
          tableName: 'demo-kms',
          allowLegacyItems: false,
        }),
      ),
    );
  });

  it('lets users describe the key without a context condition', () => {
    const describeKey = statement(stack.keyPolicy, 'KeyUsersActionsWithoutContext');
    expect(describeKey.Principal).toEqual({ AWS: [DEPLOYER_USER_ARN] });
    expect(describeKey.Action).toEqual(['kms:DescribeKey']);
    expect(describeKey.Condition).toBeUndefined();
  });

  it('grants users exactly the KMS actions the core calls, without wildcards', () => {
    const userStatements = stack.keyPolicy.Statement.filter((s) => s.Sid.startsWith('KeyUsers'));
    const actions = new Set(userStatements.flatMap((s) => s.Action));
    expect([...actions].sort()).toEqual([...CORE_KMS_ACTIONS].sort());
    for (const s of userStatements) {
      expect(
        s.Action.some((action) => action.includes('*')),
        s.Sid,
      ).toBe(false);
      expect(
        asList(s.Principal?.AWS).some((p) => p.includes('*')),
        s.Sid,
      ).toBe(false);
    }
  });
});
