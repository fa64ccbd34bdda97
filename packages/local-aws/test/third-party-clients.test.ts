import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KEY_ALIAS, PARTITION_KEY, TABLE_NAME } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from './support/clients.js';
import { sharedLocalAws } from './support/shared-server.js';
import {
  awsCliUnavailable,
  boto3Unavailable,
  isolatedAwsEnv,
  run,
} from './support/third-party-clients.js';

const shared = sharedLocalAws();
const noCli = awsCliUnavailable();
const noBoto3 = boto3Unavailable();
if (noCli) console.warn(`Skipping the AWS CLI tests: ${noCli}.`);
if (noBoto3) console.warn(`Skipping the boto3 test: ${noBoto3}.`);

let workDir: string;
let env: NodeJS.ProcessEnv;
const marker = `third-party-${process.pid}`;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kms-demo-cli-'));
  const emptyFile = join(workDir, 'empty-aws-config');
  await writeFile(emptyFile, '');
  env = isolatedAwsEnv(shared, emptyFile);
  await dynamoClient().send(
    new PutItemCommand({
      TableName: TABLE_NAME,
      Item: { [PARTITION_KEY]: { S: marker }, userpasswd: { B: Buffer.from('blob') } },
    }),
  );
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe.skipIf(noCli)('the AWS CLI against the endpoint', () => {
  const aws = (...args: string[]) =>
    run('aws', [...args, '--endpoint-url', shared.endpoint, '--output', 'json'], env, workDir);

  it('encrypts and decrypts with alias/demo-kms', async () => {
    await writeFile(join(workDir, 'plaintext'), 'secret from the cli');
    const encrypted = await aws(
      'kms',
      'encrypt',
      '--key-id',
      KEY_ALIAS,
      '--plaintext',
      'fileb://plaintext',
    );
    expect(encrypted.stderr).toBe('');
    expect(encrypted.code).toBe(0);
    const { CiphertextBlob, KeyId } = JSON.parse(encrypted.stdout);
    expect(KeyId).toBe(shared.keyArn);
    await writeFile(join(workDir, 'ciphertext'), Buffer.from(CiphertextBlob, 'base64'));

    const decrypted = await aws('kms', 'decrypt', '--ciphertext-blob', 'fileb://ciphertext');
    expect(decrypted.code).toBe(0);
    const { Plaintext } = JSON.parse(decrypted.stdout);
    expect(Buffer.from(Plaintext, 'base64').toString()).toBe('secret from the cli');
  });

  it('scans the demo-kms table', async () => {
    const scanned = await aws('dynamodb', 'scan', '--table-name', TABLE_NAME);
    expect(scanned.code).toBe(0);
    const { Items } = JSON.parse(scanned.stdout) as { Items: Record<string, { S?: string }>[] };
    expect(Items.map((item) => item[PARTITION_KEY]?.S)).toContain(marker);
  });

  it('finds the endpoint through AWS_ENDPOINT_URL alone', async () => {
    const result = await run(
      'aws',
      ['kms', 'describe-key', '--key-id', KEY_ALIAS, '--output', 'json'],
      { ...env, AWS_ENDPOINT_URL: shared.endpoint },
      workDir,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).KeyMetadata.Arn).toBe(shared.keyArn);
  });

  it('is refused with other credentials', async () => {
    const result = await run(
      'aws',
      ['kms', 'list-keys', '--endpoint-url', shared.endpoint],
      { ...env, AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) },
      workDir,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('InvalidSignatureException');
  });
});

describe.skipIf(noBoto3)('boto3 against the endpoint (AWS_ENDPOINT_URL)', () => {
  it('encrypts, decrypts and scans', async () => {
    const script = join(workDir, 'boto3_roundtrip.py');
    await writeFile(
      script,
      [
        'import json, boto3',
        'kms = boto3.client("kms")',
        `blob = kms.encrypt(KeyId="${KEY_ALIAS}", Plaintext=b"from boto3")["CiphertextBlob"]`,
        'plain = kms.decrypt(CiphertextBlob=blob)["Plaintext"].decode()',
        `items = boto3.client("dynamodb").scan(TableName="${TABLE_NAME}")["Items"]`,
        `print(json.dumps({"plain": plain, "users": [i["${PARTITION_KEY}"]["S"] for i in items]}))`,
      ].join('\n'),
    );
    const result = await run('python3', [script], { ...env, AWS_ENDPOINT_URL: shared.endpoint });
    expect(result.stderr).toBe('');
    const output = JSON.parse(result.stdout);
    expect(output.plain).toBe('from boto3');
    expect(output.users).toContain(marker);
  });
});
