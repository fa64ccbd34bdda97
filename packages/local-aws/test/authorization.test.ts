import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListKeysCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import {
  buildAppPolicy,
  buildKeyPolicy,
  KEY_ALIAS,
  LOCAL_ACCOUNT_ID,
  type LocalPrincipalName,
  localPrincipalArn,
  TABLE_NAME,
} from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Denial, type LocalAws, startLocalAws } from '../src/index.js';
import { dynamoClient, kmsClient } from './support/clients.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

const BOUND = { table: TABLE_NAME, appuser: 'alice', purpose: 'kms-demo/secret' };
const OTHER_TABLE = { table: 'other', appuser: 'alice', purpose: 'kms-demo/secret' };
const SECRET = Buffer.from('not for everyone');

interface Fixture {
  server: LocalAws;
  stateDir: string;
  denials: Denial[];
  kms: Record<LocalPrincipalName, KMSClient>;
  dynamo: Record<LocalPrincipalName, DynamoDBClient>;
  keyArn: string;
  tableArn: string;
  /** A second key, made by admin with KMS's default policy (root only). */
  otherKeyArn: string;
  bound: Uint8Array;
  otherTable: Uint8Array;
  contextFree: Uint8Array;
}

async function setUp(allowLegacyItems: boolean): Promise<Fixture> {
  const stateDir = await makeStateDir();
  const denials: Denial[] = [];
  const server = await startLocalAws({
    stateDir,
    port: 0,
    allowLegacyItems,
    onAccessDenied: (denial) => denials.push(denial),
  });
  const names = Object.keys(server.principals) as LocalPrincipalName[];
  const clients = <C>(make: typeof kmsClient | typeof dynamoClient) =>
    Object.fromEntries(
      names.map((name) => [
        name,
        make(server, { credentials: server.principals[name].credentials }),
      ]),
    ) as Record<LocalPrincipalName, C>;
  const kms = clients<KMSClient>(kmsClient);
  const dynamo = clients<DynamoDBClient>(dynamoClient);
  const encrypt = async (context?: Record<string, string>) =>
    (
      await kms.admin.send(
        new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: context }),
      )
    ).CiphertextBlob as Uint8Array;
  const other = await kms.admin.send(new CreateKeyCommand({ Description: 'not the demo key' }));
  await dynamo.admin.send(
    new CreateTableCommand({
      TableName: 'other',
      AttributeDefinitions: [{ AttributeName: 'appuser', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'appuser', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return {
    server,
    stateDir,
    denials,
    kms,
    dynamo,
    keyArn: server.keyArn,
    tableArn: `arn:aws:dynamodb:${server.region}:${LOCAL_ACCOUNT_ID}:table/${TABLE_NAME}`,
    otherKeyArn: other.KeyMetadata?.Arn ?? '',
    bound: await encrypt(BOUND),
    otherTable: await encrypt(OTHER_TABLE),
    contextFree: await encrypt(),
  };
}

async function tearDown(fixture: Fixture | undefined) {
  if (!fixture) return;
  for (const client of [...Object.values(fixture.kms), ...Object.values(fixture.dynamo)]) {
    client.destroy();
  }
  await fixture.server.close();
  await removeStateDir(fixture.stateDir);
}

type Outcome = 'allowed' | 'denied';
type Case = [
  who: LocalPrincipalName,
  what: string,
  run: (f: Fixture) => Promise<unknown>,
  expected: Outcome,
];

const item = (user: string) => ({ appuser: { S: user }, userpasswd: { B: Buffer.from('x') } });

/** Cases whose outcome does not depend on the legacy switch. */
const CASES: Case[] = [
  [
    'app',
    'GenerateDataKey with table=demo-kms',
    (f) =>
      f.kms.app.send(
        new GenerateDataKeyCommand({
          KeyId: KEY_ALIAS,
          KeySpec: 'AES_256',
          EncryptionContext: BOUND,
        }),
      ),
    'allowed',
  ],
  [
    'app',
    'Encrypt with table=demo-kms',
    (f) =>
      f.kms.app.send(
        new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: BOUND }),
      ),
    'allowed',
  ],
  [
    'app',
    'Decrypt of a ciphertext for table=demo-kms',
    (f) =>
      f.kms.app.send(new DecryptCommand({ CiphertextBlob: f.bound, EncryptionContext: BOUND })),
    'allowed',
  ],
  [
    'app',
    'DescribeKey',
    (f) => f.kms.app.send(new DescribeKeyCommand({ KeyId: KEY_ALIAS })),
    'allowed',
  ],
  [
    'app',
    'Encrypt with table=other',
    (f) =>
      f.kms.app.send(
        new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: OTHER_TABLE }),
      ),
    'denied',
  ],
  [
    'app',
    'Encrypt without a context',
    (f) => f.kms.app.send(new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET })),
    'denied',
  ],
  [
    'app',
    'Decrypt of a ciphertext whose context names another table',
    (f) =>
      f.kms.app.send(
        new DecryptCommand({ CiphertextBlob: f.otherTable, EncryptionContext: OTHER_TABLE }),
      ),
    'denied',
  ],
  [
    'app',
    'GenerateDataKey on another key',
    (f) =>
      f.kms.app.send(
        new GenerateDataKeyCommand({
          KeyId: f.otherKeyArn,
          KeySpec: 'AES_256',
          EncryptionContext: BOUND,
        }),
      ),
    'denied',
  ],
  [
    'app',
    'ScheduleKeyDeletion',
    (f) =>
      f.kms.app.send(new ScheduleKeyDeletionCommand({ KeyId: KEY_ALIAS, PendingWindowInDays: 7 })),
    'denied',
  ],
  [
    'app',
    'PutKeyPolicy',
    (f) =>
      f.kms.app.send(
        new PutKeyPolicyCommand({
          KeyId: KEY_ALIAS,
          PolicyName: 'default',
          Policy: '{"Statement":[]}',
        }),
      ),
    'denied',
  ],
  [
    'app',
    'CreateGrant',
    (f) =>
      f.kms.app.send(
        new CreateGrantCommand({
          KeyId: f.keyArn,
          GranteePrincipal: localPrincipalArn('auditor'),
          Operations: ['Decrypt'],
        }),
      ),
    'denied',
  ],
  ['app', 'ListKeys', (f) => f.kms.app.send(new ListKeysCommand({})), 'denied'],
  [
    'app',
    'PutItem in demo-kms',
    (f) => f.dynamo.app.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item('app-item') })),
    'allowed',
  ],
  [
    'app',
    'GetItem in demo-kms',
    (f) =>
      f.dynamo.app.send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { appuser: { S: 'app-item' } } }),
      ),
    'allowed',
  ],
  [
    'app',
    'Scan of demo-kms',
    (f) => f.dynamo.app.send(new ScanCommand({ TableName: TABLE_NAME })),
    'allowed',
  ],
  [
    'app',
    'DeleteItem in demo-kms',
    (f) =>
      f.dynamo.app.send(
        new DeleteItemCommand({ TableName: TABLE_NAME, Key: { appuser: { S: 'app-item' } } }),
      ),
    'allowed',
  ],
  [
    'app',
    'PutItem in another table',
    (f) => f.dynamo.app.send(new PutItemCommand({ TableName: 'other', Item: item('x') })),
    'denied',
  ],
  [
    'app',
    'DescribeTable',
    (f) => f.dynamo.app.send(new DescribeTableCommand({ TableName: TABLE_NAME })),
    'denied',
  ],
  [
    'app',
    'DeleteTable',
    (f) => f.dynamo.app.send(new DeleteTableCommand({ TableName: TABLE_NAME })),
    'denied',
  ],
  [
    'key-admin',
    'Encrypt with table=demo-kms',
    (f) =>
      f.kms['key-admin'].send(
        new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: BOUND }),
      ),
    'denied',
  ],
  [
    'key-admin',
    'Decrypt of a ciphertext for table=demo-kms',
    (f) =>
      f.kms['key-admin'].send(
        new DecryptCommand({ CiphertextBlob: f.bound, EncryptionContext: BOUND }),
      ),
    'denied',
  ],
  [
    'key-admin',
    'GenerateDataKey',
    (f) =>
      f.kms['key-admin'].send(
        new GenerateDataKeyCommand({
          KeyId: KEY_ALIAS,
          KeySpec: 'AES_256',
          EncryptionContext: BOUND,
        }),
      ),
    'denied',
  ],
  [
    'key-admin',
    'Decrypt of a context-free ciphertext',
    (f) => f.kms['key-admin'].send(new DecryptCommand({ CiphertextBlob: f.contextFree })),
    'denied',
  ],
  [
    'key-admin',
    'DisableKey',
    (f) => f.kms['key-admin'].send(new DisableKeyCommand({ KeyId: f.keyArn })),
    'allowed',
  ],
  [
    'key-admin',
    'EnableKey',
    (f) => f.kms['key-admin'].send(new EnableKeyCommand({ KeyId: f.keyArn })),
    'allowed',
  ],
  [
    'key-admin',
    'DescribeKey',
    (f) => f.kms['key-admin'].send(new DescribeKeyCommand({ KeyId: KEY_ALIAS })),
    'allowed',
  ],
  [
    'key-admin',
    'TagResource',
    (f) =>
      f.kms['key-admin'].send(
        new TagResourceCommand({ KeyId: f.keyArn, Tags: [{ TagKey: 'owner', TagValue: 'ops' }] }),
      ),
    'allowed',
  ],
  [
    'key-admin',
    'GetKeyRotationStatus',
    (f) => f.kms['key-admin'].send(new GetKeyRotationStatusCommand({ KeyId: f.keyArn })),
    'allowed',
  ],
  [
    'key-admin',
    'GetKeyPolicy',
    (f) =>
      f.kms['key-admin'].send(new GetKeyPolicyCommand({ KeyId: f.keyArn, PolicyName: 'default' })),
    'allowed',
  ],
  [
    'key-admin',
    'ScheduleKeyDeletion then CancelKeyDeletion',
    async (f) => {
      await f.kms['key-admin'].send(
        new ScheduleKeyDeletionCommand({ KeyId: f.keyArn, PendingWindowInDays: 7 }),
      );
      await f.kms['key-admin'].send(new CancelKeyDeletionCommand({ KeyId: f.keyArn }));
      await f.kms['key-admin'].send(new EnableKeyCommand({ KeyId: f.keyArn }));
    },
    'allowed',
  ],
  [
    'key-admin',
    'DescribeKey of a key that does not name it',
    (f) => f.kms['key-admin'].send(new DescribeKeyCommand({ KeyId: f.otherKeyArn })),
    'denied',
  ],
  [
    'key-admin',
    'GetItem in demo-kms',
    (f) =>
      f.dynamo['key-admin'].send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { appuser: { S: 'a' } } }),
      ),
    'denied',
  ],
  [
    'admin',
    'Encrypt with any context',
    (f) =>
      f.kms.admin.send(
        new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: OTHER_TABLE }),
      ),
    'allowed',
  ],
  [
    'admin',
    'Decrypt of a ciphertext for another table',
    (f) =>
      f.kms.admin.send(
        new DecryptCommand({ CiphertextBlob: f.otherTable, EncryptionContext: OTHER_TABLE }),
      ),
    'allowed',
  ],
  [
    'admin',
    'Decrypt of a context-free ciphertext',
    (f) => f.kms.admin.send(new DecryptCommand({ CiphertextBlob: f.contextFree })),
    'allowed',
  ],
  ['admin', 'ListKeys', (f) => f.kms.admin.send(new ListKeysCommand({})), 'allowed'],
  [
    'admin',
    'GetKeyPolicy of the demo key',
    (f) => f.kms.admin.send(new GetKeyPolicyCommand({ KeyId: f.keyArn, PolicyName: 'default' })),
    'allowed',
  ],
  [
    'admin',
    'GenerateDataKey on another key',
    (f) =>
      f.kms.admin.send(new GenerateDataKeyCommand({ KeyId: f.otherKeyArn, KeySpec: 'AES_256' })),
    'allowed',
  ],
  [
    'admin',
    'PutItem in another table',
    (f) => f.dynamo.admin.send(new PutItemCommand({ TableName: 'other', Item: item('x') })),
    'allowed',
  ],
  [
    'admin',
    'DescribeTable',
    (f) => f.dynamo.admin.send(new DescribeTableCommand({ TableName: TABLE_NAME })),
    'allowed',
  ],
  [
    'auditor',
    'DescribeKey',
    (f) => f.kms.auditor.send(new DescribeKeyCommand({ KeyId: KEY_ALIAS })),
    'denied',
  ],
  [
    'auditor',
    'Scan of demo-kms',
    (f) => f.dynamo.auditor.send(new ScanCommand({ TableName: TABLE_NAME })),
    'denied',
  ],
];

/** An original-demo item's ciphertext carries no context; only the legacy switch lets app read it. */
const decryptWithoutContext = (f: Fixture) =>
  f.kms.app.send(new DecryptCommand({ CiphertextBlob: f.contextFree }));

async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return 'allowed';
  } catch (error) {
    if ((error as { name?: string }).name === 'AccessDeniedException') return 'denied';
    throw error;
  }
}

describe.each([
  ['on', true],
  ['off', false],
])('the decision table through the real endpoint, legacy items %s', (_label, legacy) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUp(legacy);
  }, 60_000);
  afterAll(() => tearDown(f));

  it.each(CASES)('%s: %s is %s', async (_who, _what, run, expected) => {
    expect(await outcomeOf(() => run(f))).toBe(expected);
  });

  it(`app: Decrypt without any context is ${legacy ? 'allowed' : 'denied'}`, async () => {
    expect(await outcomeOf(() => decryptWithoutContext(f))).toBe(legacy ? 'allowed' : 'denied');
  });

  it('enforces, byte for byte, the key policy the spec builds for the local account', async () => {
    const { Policy } = await f.kms.admin.send(
      new GetKeyPolicyCommand({ KeyId: f.keyArn, PolicyName: 'default' }),
    );
    expect(Policy).toBe(
      JSON.stringify(
        buildKeyPolicy({
          partition: 'aws',
          accountId: LOCAL_ACCOUNT_ID,
          keyAdministrators: [localPrincipalArn('key-admin')],
          keyUsers: [localPrincipalArn('app')],
          tableName: TABLE_NAME,
          allowLegacyItems: legacy,
        }),
      ),
    );
  });

  it('attaches to app exactly the app policy the spec builds (what infra deploys)', () => {
    expect(f.server.principals.app.policies).toEqual([
      buildAppPolicy({
        keyArn: f.keyArn,
        tableArn: f.tableArn,
        tableName: TABLE_NAME,
        allowLegacyItems: legacy,
      }),
    ]);
    expect(f.server.principals['key-admin'].policies).toEqual([]);
  });

  it("answers a denial in AWS's shape and counts it", async () => {
    const before = f.server.accessDenied;
    const refused = f.kms.app.send(
      new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: SECRET, EncryptionContext: OTHER_TABLE }),
    );
    await expect(refused).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: `User: ${localPrincipalArn('app')} is not authorized to perform: kms:Encrypt on resource: ${f.keyArn} because no identity-based policy allows the kms:Encrypt action`,
    });
    const table = f.dynamo.app.send(new PutItemCommand({ TableName: 'other', Item: item('x') }));
    await expect(table).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: `User: ${localPrincipalArn('app')} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${f.server.region}:${LOCAL_ACCOUNT_ID}:table/other because no identity-based policy allows the dynamodb:PutItem action`,
    });
    expect(f.server.accessDenied).toBe(before + 2);
    expect(f.denials.at(-1)).toMatchObject({
      principal: localPrincipalArn('app'),
      reason: 'no-identity-allow',
    });
  });

  it('lets no identity policy reach a key whose policy does not name the account', async () => {
    const { KeyMetadata } = await f.kms.admin.send(
      new CreateKeyCommand({
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: localPrincipalArn('key-admin') },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        }),
      }),
    );
    await expect(
      f.kms.admin.send(new DescribeKeyCommand({ KeyId: KeyMetadata?.Arn })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(
        /because no resource-based policy allows the kms:DescribeKey action$/,
      ),
    });
    await f.kms['key-admin'].send(new DescribeKeyCommand({ KeyId: KeyMetadata?.Arn }));
  });

  it('lets an explicit Deny in the key policy win over every Allow', async () => {
    const { KeyMetadata } = await f.kms.admin.send(
      new CreateKeyCommand({
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Principal: { AWS: localPrincipalArn('app') },
              Action: 'kms:Encrypt',
              Resource: '*',
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:*',
              Resource: '*',
              Condition: { StringNotEqualsIfExists: { 'kms:EncryptionContext:table': 'demo-kms' } },
            },
          ],
        }),
      }),
    );
    const keyId = KeyMetadata?.Arn;
    await f.kms.app.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: SECRET, EncryptionContext: BOUND }),
    );
    for (const client of [f.kms.app, f.kms.admin]) {
      await expect(
        client.send(
          new EncryptCommand({ KeyId: keyId, Plaintext: SECRET, EncryptionContext: OTHER_TABLE }),
        ),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringMatching(/with an explicit deny in a resource-based policy$/),
      });
    }
  });
});
