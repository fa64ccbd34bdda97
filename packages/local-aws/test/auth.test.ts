import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GenerateRandomCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, kmsClient } from './support/clients.js';
import { rawRequest, signedHeaders } from './support/raw-request.js';
import { sharedLocalAws } from './support/shared-server.js';
import { startTempServer } from './support/temp-server.js';

const shared = sharedLocalAws();
const OTHER_CREDENTIALS = {
  accessKeyId: 'AKIAOTHERUSER0000000',
  secretAccessKey: 'c2VjcmV0LW9mLXNvbWVib2R5LWVsc2UtMDAwMDAwMDA',
};
const randomBody = JSON.stringify({ NumberOfBytes: 16 });
const kmsSigning = {
  endpoint: shared.endpoint,
  credentials: shared.credentials,
  region: shared.region,
  service: 'kms',
  target: 'TrentService.GenerateRandom',
  body: randomBody,
};

describe('SigV4 authentication', () => {
  it('accepts the SDK clients signed with the generated credentials', async () => {
    const random = await kmsClient().send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    expect(random.Plaintext).toHaveLength(32);
    const tables = await dynamoClient().send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain('demo-kms');
  });

  it('rejects an unsigned KMS request with MissingAuthenticationTokenException', async () => {
    const res = await rawRequest(shared.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.GenerateRandom',
      },
      body: randomBody,
    });
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('MissingAuthenticationTokenException');
    expect(res.headers['x-amzn-requestid']).toBeTruthy();
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('rejects an unsigned DynamoDB request the way DynamoDB does', async () => {
    const res = await rawRequest(shared.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.Scan',
      },
      body: JSON.stringify({ TableName: 'demo-kms' }),
    });
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('com.amazon.coral.service#MissingAuthenticationTokenException');
  });

  it('rejects another access key id with UnrecognizedClientException', async () => {
    const client = kmsClient(shared, { credentials: OTHER_CREDENTIALS });
    await expect(
      client.send(new GenerateRandomCommand({ NumberOfBytes: 8 })),
    ).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 400 },
    });
    const ddb = dynamoClient(shared, { credentials: OTHER_CREDENTIALS });
    await expect(ddb.send(new ListTablesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('rejects our key id signed with another secret with InvalidSignatureException', async () => {
    const wrongSecret = {
      ...shared.credentials,
      secretAccessKey: OTHER_CREDENTIALS.secretAccessKey,
    };
    const client = kmsClient(shared, { credentials: wrongSecret });
    await expect(
      client.send(new GenerateRandomCommand({ NumberOfBytes: 8 })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('accepts a signed body sent chunked after Expect: 100-continue', async () => {
    const headers = await signedHeaders(kmsSigning);
    const res = await rawRequest(shared.endpoint, {
      headers,
      body: randomBody,
      chunkedWithContinue: true,
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(String(res.json?.Plaintext), 'base64')).toHaveLength(16);
  });

  it('rejects a body changed after signing with InvalidSignatureException', async () => {
    const headers = await signedHeaders(kmsSigning);
    const untouched = await rawRequest(shared.endpoint, { headers, body: randomBody });
    expect(untouched.status).toBe(200);

    const tampered = await rawRequest(shared.endpoint, {
      headers,
      body: JSON.stringify({ NumberOfBytes: 17 }),
    });
    expect(tampered.status).toBe(400);
    expect(tampered.json?.__type).toBe('InvalidSignatureException');
  });

  it('rejects a body that does not match its signed x-amz-content-sha256', async () => {
    const headers = await signedHeaders({ ...kmsSigning, contentSha256: true });
    expect(headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const ok = await rawRequest(shared.endpoint, { headers, body: randomBody });
    expect(ok.status).toBe(200);
    const tampered = await rawRequest(shared.endpoint, {
      headers,
      body: JSON.stringify({ NumberOfBytes: 15 }),
    });
    expect(tampered.json?.__type).toBe('InvalidSignatureException');
  });

  it('rejects a signed header changed after signing (the target operation)', async () => {
    const headers = await signedHeaders(kmsSigning);
    const res = await rawRequest(shared.endpoint, {
      headers: { ...headers, 'x-amz-target': 'TrentService.ListKeys' },
      body: randomBody,
    });
    expect(res.json?.__type).toBe('InvalidSignatureException');
  });

  it('rejects a request signed more than 5 minutes ago: "Signature expired"', async () => {
    const headers = await signedHeaders({
      ...kmsSigning,
      signingDate: new Date(Date.now() - 6 * 60 * 1000),
    });
    const res = await rawRequest(shared.endpoint, { headers, body: randomBody });
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('InvalidSignatureException');
    expect(res.json?.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });

  it('rejects a KMS request whose credential scope names another service', async () => {
    const headers = await signedHeaders({ ...kmsSigning, service: 'dynamodb' });
    const res = await rawRequest(shared.endpoint, { headers, body: randomBody });
    expect(res.json?.__type).toBe('InvalidSignatureException');
    expect(res.json?.message).toContain("scoped to correct service: 'kms'");
  });

  it('rejects a malformed Authorization header with IncompleteSignatureException', async () => {
    const headers = await signedHeaders(kmsSigning);
    const res = await rawRequest(shared.endpoint, {
      headers: { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/x' },
      body: randomBody,
    });
    expect(res.json?.__type).toBe('IncompleteSignatureException');
  });

  it.each([
    ['Basic', `Basic ${Buffer.from('alice:hunter2-password').toString('base64')}`],
    ['Bearer', 'Bearer eyJhbGciOiJIUzI1NiJ9.hunter2-password.sig'],
    ['bare-token', 'hunter2-password'],
  ])(
    'rejects a %s Authorization header with IncompleteSignatureException, not echoing it',
    async (_, authorization) => {
      for (const [target, contentType, type] of [
        [
          'TrentService.GenerateRandom',
          'application/x-amz-json-1.1',
          'IncompleteSignatureException',
        ],
        [
          'DynamoDB_20120810.ListTables',
          'application/x-amz-json-1.0',
          'com.amazon.coral.service#IncompleteSignatureException',
        ],
      ] as const) {
        const res = await rawRequest(shared.endpoint, {
          headers: { 'content-type': contentType, 'x-amz-target': target, authorization },
          body: '{}',
        });
        expect(res.status, target).toBe(400);
        expect(res.json?.__type, target).toBe(type);
        expect(res.json?.message).toContain(
          "Authorization header requires 'Credential' parameter.",
        );
        expect(res.json?.message).toContain("requires existence of a valid 'X-Amz-Date' header");
        expect(res.text).not.toContain('hunter2');
        expect(res.text).not.toContain(authorization.split(' ').at(-1));
      }
    },
  );

  it('answers an unknown X-Amz-Target (signed) with UnknownOperationException', async () => {
    const headers = await signedHeaders({
      ...kmsSigning,
      target: 'Route53_20130401.ListZones',
      body: '{}',
    });
    const res = await rawRequest(shared.endpoint, { headers, body: '{}' });
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('UnknownOperationException');
  });
});

describe('auth: false', () => {
  let server: Awaited<ReturnType<typeof startTempServer>>;
  beforeAll(async () => {
    server = await startTempServer({ auth: false, bootstrap: false });
  });
  afterAll(() => server.dispose());

  it('serves unsigned requests for both services', async () => {
    const kms = await rawRequest(server.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.GenerateRandom',
      },
      body: randomBody,
    });
    expect(kms.status).toBe(200);
    expect(Buffer.from(String(kms.json?.Plaintext), 'base64')).toHaveLength(16);
    const ddb = await rawRequest(server.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(ddb.status).toBe(200);
    expect(ddb.json?.TableNames).toEqual([]);
  });
});
