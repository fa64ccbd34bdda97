import { AUDITOR_ACTIONS } from '@kms-demo/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploy } from './support/deploy.js';
import { installMocks } from './support/pulumi-mocks.js';

await installMocks();

let stack: Deployment;
beforeAll(async () => {
  stack = await deploy();
});

describe('the auditor policy', () => {
  it('is an IAM policy of its own with a description and the project tags', () => {
    const policy = stack.resource('aws:iam/policy:Policy', 'kms-demo-auditor').inputs;
    expect(policy.description).toContain('cloudtrail:LookupEvents');
    expect(policy.tags).toEqual({ project: 'kms-demo' });
    expect(stack.auditorPolicy.Version).toBe('2012-10-17');
  });

  it('grants cloudtrail:LookupEvents and nothing else', () => {
    expect(AUDITOR_ACTIONS).toEqual(['cloudtrail:LookupEvents']);
    expect(stack.auditorPolicy.Statement).toEqual([
      {
        Sid: 'CloudTrailLookupEvents',
        Effect: 'Allow',
        Action: ['cloudtrail:LookupEvents'],
        // LookupEvents has no resource type to scope to.
        Resource: '*',
      },
    ]);
  });

  it('grants no KMS or DynamoDB action: the auditor cannot use the key or read the table', () => {
    const actions = stack.auditorPolicy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => /^(kms|dynamodb):/.test(a) || a.includes('*'))).toEqual([]);
  });

  it('is exported as auditPolicyArn, apart from the app policy', () => {
    expect(stack.outputs.auditPolicyArn).toMatch(/^arn:aws:iam::\d{12}:policy\/kms-demo-auditor-/);
    expect(stack.outputs.auditPolicyArn).not.toBe(stack.outputs.appPolicyArn);
    expect(stack.appPolicy.Statement.flatMap((s) => s.Action)).not.toContain(
      'cloudtrail:LookupEvents',
    );
  });
});
