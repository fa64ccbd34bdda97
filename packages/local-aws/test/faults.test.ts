import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EncryptCommand, GenerateRandomCommand } from '@aws-sdk/client-kms';
import { KEY_ALIAS, PARTITION_KEY, TABLE_NAME } from '@kms-demo/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { FAULTS_ENV, type FaultOptions, LocalAwsError } from '../src/index.js';
import { dynamoClient, kmsClient } from './support/clients.js';
import { startTempServer } from './support/temp-server.js';

const encrypt = new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: Buffer.from('pw') });

describe('fault injection', () => {
  let server: Awaited<ReturnType<typeof startTempServer>> | undefined;
  const start = async (faults: FaultOptions | undefined) => {
    server = await startTempServer({ faults });
    return server;
  };
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('fails the next N matching KMS requests with ThrottlingException, then recovers', async () => {
    const kms = kmsClient(await start({ kms: { count: 2, operations: ['Encrypt'] } }));
    for (let i = 0; i < 2; i++) {
      await expect(kms.send(encrypt)).rejects.toMatchObject({
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    // Operations outside the filter are untouched, and the count is spent.
    await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).resolves.toBeDefined();
    const ok = await kms.send(encrypt);
    expect(ok.CiphertextBlob?.length).toBeGreaterThan(0);
  });

  it('lets the SDK retries absorb a count of 2 (maxAttempts 10)', async () => {
    const kms = kmsClient(await start({ kms: { count: 2 } }), { maxAttempts: 10 });
    const result = await kms.send(encrypt);
    expect(result.CiphertextBlob?.length).toBeGreaterThan(0);
    expect(result.$metadata.attempts).toBe(3);
  });

  it('fails DynamoDB writes with ProvisionedThroughputExceededException before they happen', async () => {
    const ddb = dynamoClient(await start({ dynamodb: { count: 1, operations: ['PutItem'] } }));
    const Key = { [PARTITION_KEY]: { S: 'fault-user' } };
    const put = new PutItemCommand({
      TableName: TABLE_NAME,
      Item: { ...Key, userpasswd: { B: Buffer.from('x') } },
    });
    await expect(ddb.send(put)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    const afterFault = await ddb.send(new GetItemCommand({ TableName: TABLE_NAME, Key }));
    expect(afterFault.Item).toBeUndefined();
    await ddb.send(put);
    const afterRetry = await ddb.send(new GetItemCommand({ TableName: TABLE_NAME, Key }));
    expect(afterRetry.Item?.userpasswd?.B).toEqual(new Uint8Array(Buffer.from('x')));
  });

  it('with rate 1 fails every matching request', async () => {
    const kms = kmsClient(await start({ kms: { rate: 1, operations: ['GenerateRandom'] } }));
    for (let i = 0; i < 5; i++) {
      await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).rejects.toMatchObject(
        {
          name: 'ThrottlingException',
        },
      );
    }
    await expect(kms.send(encrypt)).resolves.toBeDefined();
  });

  it(`reads ${FAULTS_ENV} when no faults option is given (for spawned processes)`, async () => {
    process.env[FAULTS_ENV] = JSON.stringify({ kms: { count: 1 } });
    try {
      const kms = kmsClient(await start(undefined));
      await expect(kms.send(encrypt)).rejects.toMatchObject({ name: 'ThrottlingException' });
      await expect(kms.send(encrypt)).resolves.toBeDefined();
    } finally {
      delete process.env[FAULTS_ENV];
    }
  });

  it('refuses malformed fault settings with INVALID_FAULTS', async () => {
    await expect(start({ kms: { rate: 2 } })).rejects.toMatchObject({ code: 'INVALID_FAULTS' });
    process.env[FAULTS_ENV] = '{not json';
    try {
      await expect(start(undefined)).rejects.toBeInstanceOf(LocalAwsError);
    } finally {
      delete process.env[FAULTS_ENV];
    }
  });
});
