import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploy } from './support/deploy.js';
import { installMocks } from './support/pulumi-mocks.js';

await installMocks();

let stack: Deployment;
beforeAll(async () => {
  stack = await deploy();
});

describe('the key alias', () => {
  it('is alias/demo-kms and targets the key', () => {
    const alias = stack.resource('aws:kms/alias:Alias');
    expect(alias.inputs.name).toBe('alias/demo-kms');
    expect(alias.inputs.targetKeyId).toBe(stack.resource('aws:kms/key:Key').id);
    expect(alias.inputs.targetKeyId).toBe(stack.outputs.keyId);
  });
});

describe('the DynamoDB table', () => {
  it('is demo-kms with the string partition key appuser and no sort key', () => {
    const table = stack.resource('aws:dynamodb/table:Table').inputs;
    expect(table.name).toBe('demo-kms');
    expect(table.hashKey).toBe('appuser');
    expect(table.rangeKey).toBeUndefined();
    expect(table.attributes).toEqual([{ name: 'appuser', type: 'S' }]);
  });

  it('bills on demand', () => {
    const table = stack.resource('aws:dynamodb/table:Table').inputs;
    expect(table.billingMode).toBe('PAY_PER_REQUEST');
    expect(table.readCapacity).toBeUndefined();
    expect(table.writeCapacity).toBeUndefined();
  });

  it('has point-in-time recovery and server-side encryption on', () => {
    const table = stack.resource('aws:dynamodb/table:Table').inputs;
    expect(table.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table.serverSideEncryption).toEqual({ enabled: true });
  });

  it('is protected from deletion by default', () => {
    expect(stack.resource('aws:dynamodb/table:Table').inputs.deletionProtectionEnabled).toBe(true);
  });

  it('carries the project tags', () => {
    expect(stack.resource('aws:dynamodb/table:Table').inputs.tags).toEqual({ project: 'kms-demo' });
  });
});

describe('the stack outputs', () => {
  it('are exactly the names the CLI reads', () => {
    expect(Object.keys(stack.outputs).sort()).toEqual(
      [
        'aliasName',
        'appPolicyArn',
        'auditPolicyArn',
        'keyArn',
        'keyId',
        'region',
        'tableArn',
        'tableName',
      ].sort(),
    );
  });

  it('name the created key, alias, table and policy', () => {
    const keyId = stack.resource('aws:kms/key:Key').id;
    expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(stack.outputs).toEqual({
      keyId,
      keyArn: `arn:aws:kms:us-east-1:123456789012:key/${keyId}`,
      aliasName: 'alias/demo-kms',
      tableName: 'demo-kms',
      tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/demo-kms',
      region: 'us-east-1',
      appPolicyArn: stack.resource('aws:iam/policy:Policy', 'kms-demo-app').id,
      auditPolicyArn: stack.resource('aws:iam/policy:Policy', 'kms-demo-auditor').id,
    });
    expect(stack.outputs.appPolicyArn).toMatch(/^arn:aws:iam::123456789012:policy\/kms-demo-app-/);
  });

  it('report the region the AWS provider deploys to', async () => {
    const other = await deploy({ config: { 'aws:region': 'eu-central-1' } });
    expect(other.outputs.region).toBe('eu-central-1');
    expect(other.outputs.keyArn).toMatch(/^arn:aws:kms:eu-central-1:/);
  });
});
