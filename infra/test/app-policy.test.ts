import { buildAppPolicy, CORE_DYNAMODB_ACTIONS, CORE_KMS_ACTIONS } from '@kms-demo/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploy } from './support/deploy.js';
import { asList, statement } from './support/policy.js';
import { installMocks } from './support/pulumi-mocks.js';

await installMocks();

let stack: Deployment;
beforeAll(async () => {
  stack = await deploy();
});

describe('the app policy', () => {
  it('is an IAM policy with a description and the project tags', () => {
    const policy = stack.resource('aws:iam/policy:Policy', 'kms-demo-app').inputs;
    expect(policy.description).toContain('least privilege');
    expect(policy.tags).toEqual({ project: 'kms-demo' });
    expect(stack.appPolicy.Version).toBe('2012-10-17');
    expect(stack.appPolicy.Statement.map((s) => s.Sid)).toEqual([
      'KmsUseKeyForThisTable',
      'KmsActionsWithoutContext',
      'DynamoDbItemsInThisTable',
    ]);
  });

  it('uses no wildcard action, no wildcard resource and no principal', () => {
    for (const s of stack.appPolicy.Statement) {
      expect(s.Effect, s.Sid).toBe('Allow');
      expect(s.Principal, s.Sid).toBeUndefined();
      expect(
        s.Action.filter((action) => action.includes('*')),
        s.Sid,
      ).toEqual([]);
      expect(
        asList(s.Resource).filter((resource) => resource.includes('*')),
        s.Sid,
      ).toEqual([]);
    }
  });

  it('grants exactly the KMS actions the core calls, on this key only', () => {
    const kms = stack.appPolicy.Statement.filter((s) => s.Sid.startsWith('Kms'));
    expect([...new Set(kms.flatMap((s) => s.Action))].sort()).toEqual([...CORE_KMS_ACTIONS].sort());
    for (const s of kms) expect(s.Resource, s.Sid).toBe(stack.outputs.keyArn);
  });

  it('binds encrypt, data key generation and decrypt to this table in the encryption context', () => {
    const use = statement(stack.appPolicy, 'KmsUseKeyForThisTable');
    expect(use.Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
    expect(use.Condition).toEqual({
      StringEquals: { 'kms:EncryptionContext:table': 'demo-kms' },
    });
  });

  it('grants no decrypt without an encryption context unless allowLegacyItems is set', () => {
    const unbound = stack.appPolicy.Statement.filter(
      (s) => s.Action.includes('kms:Decrypt') && s.Condition === undefined,
    );
    expect(unbound).toEqual([]);
    expect(stack.appPolicy.Statement.some((s) => s.Sid.includes('Legacy'))).toBe(false);
  });

  it('with allowLegacyItems, allows only decrypt, and only without any encryption context', async () => {
    const legacyStack = await deploy({ config: { allowLegacyItems: true } });
    expect(legacyStack.appPolicy.Statement.map((s) => s.Sid)).toEqual([
      'KmsUseKeyForThisTable',
      'KmsDecryptLegacyItemsWithoutContext',
      'KmsActionsWithoutContext',
      'DynamoDbItemsInThisTable',
    ]);
    const legacy = statement(legacyStack.appPolicy, 'KmsDecryptLegacyItemsWithoutContext');
    expect(legacy.Action).toEqual(['kms:Decrypt']);
    expect(legacy.Resource).toBe(legacyStack.outputs.keyArn);
    expect(legacy.Condition).toEqual({ Null: { 'kms:EncryptionContextKeys': 'true' } });
  });

  it('is byte for byte what the shared builder makes, the document the local endpoint enforces', () => {
    const policy = stack.resource('aws:iam/policy:Policy', 'kms-demo-app').inputs.policy;
    expect(policy).toBe(
      JSON.stringify(
        buildAppPolicy({
          keyArn: stack.outputs.keyArn,
          tableArn: stack.outputs.tableArn,
          tableName: stack.outputs.tableName,
          allowLegacyItems: false,
        }),
      ),
    );
  });

  it('allows DescribeKey without a context condition, since it takes none', () => {
    const describeKey = statement(stack.appPolicy, 'KmsActionsWithoutContext');
    expect(describeKey.Action).toEqual(['kms:DescribeKey']);
    expect(describeKey.Condition).toBeUndefined();
  });

  it('grants exactly the DynamoDB actions the core calls, on this table only', () => {
    const dynamo = statement(stack.appPolicy, 'DynamoDbItemsInThisTable');
    expect(dynamo.Action).toEqual([...CORE_DYNAMODB_ACTIONS]);
    expect(dynamo.Action).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
    ]);
    expect(dynamo.Resource).toBe(stack.outputs.tableArn);
    expect(dynamo.Condition).toBeUndefined();
  });
});
