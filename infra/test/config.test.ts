import { describe, expect, it } from 'vitest';
import { deploy } from './support/deploy.js';
import { statement } from './support/policy.js';
import { ACCOUNT_ID, installMocks } from './support/pulumi-mocks.js';

await installMocks();

const ADMIN = `arn:aws:iam::${ACCOUNT_ID}:role/KeyAdmins`;
const USER_A = `arn:aws:iam::${ACCOUNT_ID}:role/path/AppReaders`;
const USER_B = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;

describe('stack config overrides', () => {
  it('changes every resource it names', async () => {
    const stack = await deploy({
      config: {
        keyAlias: 'alias/secrets-prod',
        tableName: 'secrets-prod',
        deletionWindowInDays: 30,
        keyAdministrators: [ADMIN],
        keyUsers: [USER_A, USER_B],
        tableDeletionProtection: false,
        tags: ['team=payments', 'env=prod'],
      },
    });
    const key = stack.resource('aws:kms/key:Key').inputs;
    const table = stack.resource('aws:dynamodb/table:Table').inputs;
    const tags = { team: 'payments', env: 'prod', project: 'kms-demo' };

    expect(key.deletionWindowInDays).toBe(30);
    expect(key.tags).toEqual(tags);
    expect(stack.resource('aws:kms/alias:Alias').inputs.name).toBe('alias/secrets-prod');
    expect(table.name).toBe('secrets-prod');
    expect(table.deletionProtectionEnabled).toBe(false);
    expect(table.tags).toEqual(tags);
    expect(stack.resource('aws:iam/policy:Policy', 'kms-demo-app').inputs.tags).toEqual(tags);
    expect(stack.outputs.aliasName).toBe('alias/secrets-prod');
    expect(stack.outputs.tableName).toBe('secrets-prod');
    expect(stack.outputs.tableArn).toBe(
      `arn:aws:dynamodb:us-east-1:${ACCOUNT_ID}:table/secrets-prod`,
    );
  });

  it('keeps administrators and users apart in the key policy', async () => {
    const stack = await deploy({
      config: { keyAdministrators: [ADMIN], keyUsers: [USER_A, USER_B], allowLegacyItems: true },
    });
    expect(statement(stack.keyPolicy, 'KeyAdministrators').Principal).toEqual({ AWS: [ADMIN] });
    const userStatements = stack.keyPolicy.Statement.filter((s) => s.Sid.startsWith('KeyUsers'));
    expect(userStatements).toHaveLength(3);
    for (const s of userStatements) expect(s.Principal, s.Sid).toEqual({ AWS: [USER_A, USER_B] });
  });

  it('binds both policies to the configured table name', async () => {
    const stack = await deploy({ config: { tableName: 'secrets-prod' } });
    const expected = { StringEquals: { 'kms:EncryptionContext:table': 'secrets-prod' } };
    expect(statement(stack.keyPolicy, 'KeyUsersUseKeyForThisTable').Condition).toEqual(expected);
    expect(statement(stack.appPolicy, 'KmsUseKeyForThisTable').Condition).toEqual(expected);
    expect(statement(stack.appPolicy, 'DynamoDbItemsInThisTable').Resource).toBe(
      stack.outputs.tableArn,
    );
  });

  it('accepts the smallest deletion window AWS allows', async () => {
    const stack = await deploy({ config: { deletionWindowInDays: 7 } });
    expect(stack.resource('aws:kms/key:Key').inputs.deletionWindowInDays).toBe(7);
  });

  it('treats empty principal lists (the Pulumi.yaml defaults) as the deployer', async () => {
    const stack = await deploy({ config: { keyAdministrators: [], keyUsers: [] } });
    const deployer = { AWS: [`arn:aws:iam::${ACCOUNT_ID}:user/deployer`] };
    expect(statement(stack.keyPolicy, 'KeyAdministrators').Principal).toEqual(deployer);
    expect(statement(stack.keyPolicy, 'KeyUsersUseKeyForThisTable').Principal).toEqual(deployer);
  });

  it('accepts tag keys that happen to name Object.prototype members', async () => {
    const stack = await deploy({ config: { tags: ['constructor=a', 'hasOwnProperty=b'] } });
    expect(stack.resource('aws:kms/key:Key').inputs.tags).toEqual({
      constructor: 'a',
      hasOwnProperty: 'b',
      project: 'kms-demo',
    });
  });
});

describe('the deployer default', () => {
  it('is the role, not the STS session, when pulumi runs under an assumed role', async () => {
    const stack = await deploy({
      callerArn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/Deployer/ci-run-42`,
    });
    const role = { AWS: [`arn:aws:iam::${ACCOUNT_ID}:role/Deployer`] };
    expect(statement(stack.keyPolicy, 'KeyAdministrators').Principal).toEqual(role);
    expect(statement(stack.keyPolicy, 'KeyUsersUseKeyForThisTable').Principal).toEqual(role);
  });

  it('writes ARNs in the deployer account partition', async () => {
    const stack = await deploy({ callerArn: `arn:aws-us-gov:iam::${ACCOUNT_ID}:user/deployer` });
    expect(statement(stack.keyPolicy, 'EnableAccountRootAndIamPolicies').Principal).toEqual({
      AWS: `arn:aws-us-gov:iam::${ACCOUNT_ID}:root`,
    });
  });
});

describe('invalid stack config stops the program before any resource', () => {
  const invalid = (key: string, message: RegExp) => ({
    name: 'InfraConfigError',
    code: 'INFRA_CONFIG_INVALID',
    key,
    message: expect.stringMatching(message),
  });

  it.each([['6'], ['31'], ['7.5'], ['seven'], ['0']])(
    'rejects a deletion window of %s days (AWS allows 7 to 30)',
    async (days) => {
      await expect(deploy({ config: { deletionWindowInDays: days } })).rejects.toMatchObject(
        invalid('deletionWindowInDays', /from 7 to 30/),
      );
    },
  );

  it.each([
    ['a wildcard', '*'],
    ['an STS session', `arn:aws:sts::${ACCOUNT_ID}:assumed-role/Deployer/session`],
    ['a non-ARN', 'alice'],
  ])('rejects %s as a key user or administrator', async (_label, arn) => {
    await expect(deploy({ config: { keyUsers: [arn] } })).rejects.toMatchObject(
      invalid('keyUsers', /not an IAM user, role or account root ARN/),
    );
    await expect(deploy({ config: { keyAdministrators: [arn] } })).rejects.toMatchObject(
      invalid('keyAdministrators', /not an IAM user, role or account root ARN/),
    );
  });

  it('rejects a principal list that is not a list of strings', async () => {
    await expect(deploy({ config: { keyUsers: '"arn"' } })).rejects.toMatchObject(
      invalid('keyUsers', /list of strings/),
    );
  });

  it.each([['demo-kms'], ['alias/aws/dynamodb'], ['alias/has space']])(
    'rejects the key alias %s',
    async (alias) => {
      await expect(deploy({ config: { keyAlias: alias } })).rejects.toMatchObject(
        invalid('keyAlias', /not a valid KMS alias/),
      );
    },
  );

  it('rejects a table name DynamoDB would refuse', async () => {
    await expect(deploy({ config: { tableName: 'no' } })).rejects.toMatchObject(
      invalid('tableName', /not a valid DynamoDB table name/),
    );
  });

  it('rejects a deletion protection value that is not a boolean', async () => {
    await expect(deploy({ config: { tableDeletionProtection: 'yes' } })).rejects.toMatchObject(
      invalid('tableDeletionProtection', /true or false/),
    );
  });

  it('rejects an allowLegacyItems value that is not a boolean', async () => {
    await expect(deploy({ config: { allowLegacyItems: 'yes' } })).rejects.toMatchObject(
      invalid('allowLegacyItems', /true or false/),
    );
  });

  it.each([['nokey'], ['=value'], ['aws:reserved=x'], ['project=other'], ['a=1', 'a=2']])(
    'rejects the tags %s',
    async (...tags) => {
      await expect(deploy({ config: { tags } })).rejects.toMatchObject(
        invalid('tags', /must be "key=value"|twice or overrides a project tag/),
      );
    },
  );
});
