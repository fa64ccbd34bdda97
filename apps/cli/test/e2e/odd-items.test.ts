import {
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { buildKeyPolicy, LOCAL_ACCOUNT_ID, localPrincipalArn } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

// Items another tool, an older or newer kms-demo, or a careless hand wrote: written behind
// the CLI's back through the running local endpoint, with the values `local env` prints.
let sandbox: Sandbox;
let dynamodb: DynamoDBClient;
let kms: KMS;
/** The endpoint and the admin principal's keys, as `local env` prints them. */
let adminEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['list'])).code).toBe(0);
  const env = await sandbox.run(['local', 'env', '--json']);
  expect(env.code, env.stderr).toBe(0);
  const vars = JSON.parse(env.stdout);
  const config = {
    region: vars.AWS_REGION,
    endpoint: vars.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID,
      secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
    },
  };
  adminEnv = {
    AWS_ENDPOINT_URL: vars.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: vars.AWS_REGION,
  };
  dynamodb = new DynamoDBClient(config);
  kms = new KMS(config);
});
afterAll(async () => {
  dynamodb?.destroy();
  kms?.destroy();
  await sandbox?.dispose();
});

async function encrypt(secret: string, args: string[] = []): Promise<string> {
  const r = await sandbox.run(['encrypt', ...args], { input: secret });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function put(item: Record<string, AttributeValue>, table = 'demo-kms'): Promise<void> {
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
}

async function exists(appuser: string): Promise<boolean> {
  const r = await dynamodb.send(
    new GetItemCommand({ TableName: 'demo-kms', Key: { appuser: { S: appuser } } }),
  );
  return r.Item !== undefined;
}

/** A stored item of this tool, altered in one attribute. */
async function altered(id: string, change: Record<string, AttributeValue | undefined>) {
  const r = await dynamodb.send(
    new GetItemCommand({ TableName: 'demo-kms', Key: { appuser: { S: id } } }),
  );
  const item = { ...r.Item, ...change } as Record<string, AttributeValue | undefined>;
  for (const [k, v] of Object.entries(item)) if (v === undefined) delete item[k];
  await put(item as Record<string, AttributeValue>);
}

describe('items this version cannot read', () => {
  it('list flags an item without its ciphertext, and does not count it as a secret', async () => {
    const id = await encrypt('to-lose');
    await altered(id, { userpasswd: undefined });
    const r = await sandbox.run(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${id}\\s+.*unreadable \\(INTEGRITY\\)$`, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^note: ${id} cannot be read \\(INTEGRITY\\)`, 'm'));
    const json = JSON.parse((await sandbox.run(['list', '--json'])).stdout);
    const listed = json.find((i: { appuser: string }) => i.appuser === id);
    expect(listed.unreadable.code).toBe('INTEGRITY');
    expect(r.stderr).toMatch(/1 unreadable/);
    expect((await sandbox.run(['delete', id, '--yes'])).code).toBe(0);
  });

  it('delete --yes removes items it cannot parse or whose id fails validation', async () => {
    const ids = [await encrypt('v99'), await encrypt('rot'), await encrypt('gone')];
    await altered(ids[0] as string, { formatVersion: { N: '99' } });
    await altered(ids[1] as string, { scheme: { S: 'rot13' } });
    await altered(ids[2] as string, { userpasswd: undefined });
    await put({ appuser: { S: 'BadId/x' }, userpasswd: { B: new Uint8Array([1, 2, 3]) } });
    for (const id of [...ids, 'BadId/x']) {
      expect((await sandbox.run(['decrypt', id])).code).not.toBe(0);
      const r = await sandbox.run(['delete', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Deleted the secret of user ${id} from table demo-kms`);
      expectCleanStderr(r.stderr);
      expect(await exists(id)).toBe(false);
    }
  });

  it('delete of an absent odd id is NOT_FOUND (exit 1), not a validation error', async () => {
    const r = await sandbox.run(['delete', 'BadId/y', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No secret is stored under id 'BadId\/y'/);
  });

  it('list --table of a table keyed otherwise never prints "undefined"', async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'other',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await put({ id: { S: 'x1' } }, 'other');
    // The CLI's own `app` principal may use only its table: read this one as admin.
    const r = await sandbox.run(['list', '--table', 'other', '--json'], { env: adminEnv });
    expect(r.stdout + r.stderr).not.toContain('undefined');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a table of kms-demo|no 'appuser'/);
  });
});

describe('migrate --to-key, then decrypt', () => {
  it('decrypts every migrated item under the key it records, on the local default', async () => {
    const ids = [await encrypt('first-pw'), await encrypt('second-pw', ['--scheme', 'direct'])];
    // A key the CLI's `app` principal may use, as the stack's key policy grants it.
    const policy = buildKeyPolicy({
      partition: 'aws',
      accountId: LOCAL_ACCOUNT_ID,
      keyAdministrators: [localPrincipalArn('key-admin')],
      keyUsers: [localPrincipalArn('app')],
      tableName: 'demo-kms',
      allowLegacyItems: false,
    });
    const { KeyMetadata } = await kms.createKey({
      Description: 'second key',
      Policy: JSON.stringify(policy),
    });
    await kms.createAlias({ AliasName: 'alias/second', TargetKeyId: KeyMetadata?.KeyId });
    const migrated = await sandbox.run(['migrate', '--all', '--to-key', 'alias/second']);
    expect(migrated.code, migrated.stderr).toBe(0);
    for (const [i, id] of ids.entries()) {
      const r = await sandbox.run(['decrypt', id, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.secret).toBe(['first-pw', 'second-pw'][i]);
      expect(out.keyArn).toBe(KeyMetadata?.Arn);
    }
    // New items still go under the configured key.
    const fresh = JSON.parse(
      (await sandbox.run(['encrypt', '--json'], { input: 'third-pw' })).stdout,
    );
    expect(fresh.keyArn).not.toBe(KeyMetadata?.Arn);
  });
});

describe('decrypt --json of a legacy item', () => {
  it('names the key that decrypted it', async () => {
    const encrypted = await kms.encrypt({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('lg') });
    await put({
      appuser: { S: '77777' },
      userpasswd: { B: encrypted.CiphertextBlob as Uint8Array },
    });
    const r = await sandbox.run(['decrypt', '77777', '--json', '--allow-legacy']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).keyArn).toBe(encrypted.KeyId);
  });
});

describe('list layout', () => {
  it('is sorted by creation time, keeps non-ASCII ids, and truncates long ids in the table only', async () => {
    const long = `a${'b'.repeat(63)}`;
    await encrypt('l', ['-u', long]);
    await put({ appuser: { S: 'zoë' }, userpasswd: { B: new Uint8Array([1]) } });
    const refused = await sandbox.run(['decrypt', 'zoë']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'zoë'");
    const r = await sandbox.run(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^zoë\s/m);
    expect(r.stdout).not.toContain(long);
    expect(r.stdout).toMatch(new RegExp(`^${long.slice(0, 23)}… `, 'm'));
    const json = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as Array<{
      appuser: string;
      createdAt?: string;
    }>;
    expect(json.map((i) => i.appuser)).toContain(long);
    const dated = json.filter((i) => i.createdAt).map((i) => i.createdAt as string);
    expect(dated).toEqual([...dated].sort());
  });
});
