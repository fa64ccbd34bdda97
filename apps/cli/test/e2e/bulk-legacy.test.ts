import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExport } from './bulk-data.js';
import { Sandbox } from './cli.js';

let sandbox: Sandbox;
let ddb: DynamoDBClient;
let kms: KMSClient;
/** The admin principal's environment: the app principal may use only the demo-kms table. */
let asAdmin: NodeJS.ProcessEnv;

/** An item as the original demo writes it: a raw KMS ciphertext, no encryption context. */
async function putLegacy(table: string, appuser: string, secret: string) {
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from(secret) }),
  );
  await ddb.send(
    new PutItemCommand({
      TableName: table,
      Item: { appuser: { S: appuser }, userpasswd: { B: CiphertextBlob as Uint8Array } },
    }),
  );
}

beforeAll(async () => {
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['list'])).code).toBe(0); // starts the background server
  const printed = (await sandbox.run(['local', 'env', '--as', 'admin'])).stdout;
  const local = Object.fromEntries(
    [...printed.matchAll(/export (\w+)=['"]?([^'"\n]*)['"]?/g)].map((m) => [m[1], m[2]]),
  );
  const config = {
    endpoint: local.AWS_ENDPOINT_URL,
    region: local.AWS_REGION,
    credentials: {
      accessKeyId: String(local.AWS_ACCESS_KEY_ID),
      secretAccessKey: String(local.AWS_SECRET_ACCESS_KEY),
    },
  };
  asAdmin = {
    AWS_ENDPOINT_URL: local.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: local.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: local.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: local.AWS_REGION,
  };
  ddb = new DynamoDBClient(config);
  kms = new KMSClient(config);
});
afterAll(async () => {
  ddb?.destroy();
  kms?.destroy();
  await sandbox?.dispose();
});

describe("the original demo's items", () => {
  it('import --from-table moves a legacy table here under the same ids, once', async () => {
    await ddb.send(
      new CreateTableCommand({
        TableName: 'demo-kms-old',
        AttributeDefinitions: [{ AttributeName: 'appuser', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'appuser', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: 'demo-kms-old' });
    for (let i = 0; i < 5; i++) await putLegacy('demo-kms-old', `1000${i}`, `old secret ${i}`);

    // Reading another table takes more than the app principal may do: run as admin.
    const moved = await sandbox.run(['import', '--from-table', 'demo-kms-old', '--json'], {
      env: asAdmin,
    });
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ imported: 5, failed: 0 });
    const again = await sandbox.run(['import', '--from-table', 'demo-kms-old', '--json'], {
      env: asAdmin,
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, alreadyDone: 5, failed: 0 });

    const out = await sandbox.run(['export']);
    expect(out.code, out.stderr).toBe(0);
    const back = parseExport(out.stdout);
    expect(back.get('10003')?.toString()).toBe('old secret 3');
    const shown = await sandbox.run(['show', '10003', '--json']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ scheme: 'envelope' });
  });

  it('export counts a legacy item as a failure unless --allow-legacy, exit 1', async () => {
    await putLegacy('demo-kms', '55555', 'unbound secret');
    const refused = await sandbox.run(['export']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not exported: 55555: .*--allow-legacy/);
    expect(refused.stderr).toMatch(/Exported 5 secrets .* 1 failed/);
    expect(refused.stderr).not.toContain('unbound secret');
    const allowed = await sandbox.run(['export', '--allow-legacy'], { env: asAdmin });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(parseExport(allowed.stdout).get('55555')?.toString()).toBe('unbound secret');
  });
});

describe('export of items that fail verification', () => {
  it('fails each one alone with its typed error, whether the check or KMS refuses it', async () => {
    const item = async (appuser: string) =>
      (
        await ddb.send(
          new GetItemCommand({ TableName: 'demo-kms', Key: { appuser: { S: appuser } } }),
        )
      ).Item ?? {};
    // 10001's ciphertext under another id: the encryption context names 10001.
    await ddb.send(
      new PutItemCommand({
        TableName: 'demo-kms',
        Item: { ...(await item('10001')), appuser: { S: '20001' } },
      }),
    );
    // 10002's wrapped data key altered: every local check passes, KMS refuses it.
    const original = await item('10002');
    const message = Buffer.from(original.userpasswd?.B as Uint8Array);
    // The key ARN in the header is followed by the wrapped key's length, then the key.
    const arn = /arn:aws:kms:[^:]+:\d{12}:key\/[0-9a-f-]{36}/.exec(message.toString('latin1'));
    expect(arn).not.toBeNull();
    const at = (arn?.index ?? 0) + (arn?.[0].length ?? 0) + 2 + 10;
    message[at] = (message[at] as number) ^ 0xff;
    await ddb.send(
      new PutItemCommand({
        TableName: 'demo-kms',
        Item: { ...original, userpasswd: { B: message } },
      }),
    );

    const r = await sandbox.run(['export', '--allow-legacy'], { env: asAdmin });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^kms-demo: not exported: 20001: INTEGRITY: .*'20001' failed verification/m,
    );
    expect(r.stderr).toMatch(
      /^kms-demo: not exported: 10002: INTEGRITY: .*'10002' failed verification in KMS \((InvalidCiphertext|IncorrectKey)Exception\)/m,
    );
    expect(r.stderr).toMatch(/Exported 5 secrets .* 2 failed/);
    const back = parseExport(r.stdout);
    expect(back.get('10001')?.toString()).toBe('old secret 1');
    expect(back.has('10002')).toBe(false);
    expect(r.stdout + r.stderr).not.toContain('old secret 2');
    expect(r.stderr).not.toContain('old secret 1');
  });
});
