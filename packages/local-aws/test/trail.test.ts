import { randomUUID } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CloudTrailClient,
  type Event,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { localPrincipalArn } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../src/index.js';
import type { TrailRecord } from '../src/trail/kms-record.js';
import { TRAIL_DIR } from '../src/trail/trail-files.js';
import { type ClientTarget, kmsClient } from './support/clients.js';
import { startTempServer } from './support/temp-server.js';

function cloudTrailClient(target: ClientTarget) {
  const { accessKeyId, secretAccessKey } = target.credentials;
  return new CloudTrailClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

/** Every event a lookup finds, following NextToken. */
async function lookUpAll(client: CloudTrailClient, input: LookupEventsCommandInput = {}) {
  const events: Event[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new LookupEventsCommand({ ...input, NextToken }));
    events.push(...(page.Events ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return events;
}

type Logged = Omit<TrailRecord, 'requestParameters'> & {
  requestParameters: { encryptionContext?: Record<string, string>; [member: string]: unknown };
};

const records = (events: Event[]) =>
  events.map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Logged);

async function trailText(server: LocalAws): Promise<string> {
  const dir = join(server.stateDir, TRAIL_DIR);
  const names = await readdir(dir);
  const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
  return texts.join('');
}

describe('the trail of KMS calls', () => {
  let server: Awaited<ReturnType<typeof startTempServer>>;
  let kms: KMSClient;
  let trail: CloudTrailClient;
  const user = `user-${randomUUID()}`;
  const context = { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: user };
  const plaintext = `plain-${randomUUID()}`;
  let ciphertext: Uint8Array;
  let dataKey: Uint8Array;
  const requestIds: Record<string, string | undefined> = {};

  beforeAll(async () => {
    server = await startTempServer();
    kms = kmsClient(server);
    trail = cloudTrailClient(server);
    const encrypted = await kms.send(
      new EncryptCommand({
        KeyId: 'alias/demo-kms',
        Plaintext: Buffer.from(plaintext),
        EncryptionContext: context,
      }),
    );
    ciphertext = encrypted.CiphertextBlob as Uint8Array;
    requestIds.Encrypt = encrypted.$metadata.requestId;
    const generated = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: 'alias/demo-kms',
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );
    dataKey = generated.Plaintext as Uint8Array;
    requestIds.GenerateDataKey = generated.$metadata.requestId;
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context }),
    );
    requestIds.Decrypt = decrypted.$metadata.requestId;
  });

  afterAll(async () => {
    kms?.destroy();
    trail?.destroy();
    await server?.dispose();
  });

  it('records Encrypt, GenerateDataKey and Decrypt with the fields AWS logs for KMS', async () => {
    const events = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
    });
    const mine = records(events).filter(
      (r) => r.requestParameters?.encryptionContext?.appuser === user,
    );
    expect(mine.map((r) => r.eventName)).toEqual(['Decrypt', 'GenerateDataKey', 'Encrypt']);
    for (const record of mine) {
      expect(record).toMatchObject({
        eventVersion: '1.08',
        userIdentity: {
          type: 'IAMUser',
          arn: localPrincipalArn('admin'),
          accountId: '000000000000',
          accessKeyId: server.credentials.accessKeyId,
          userName: 'kms-demo-admin',
        },
        eventSource: 'kms.amazonaws.com',
        awsRegion: server.region,
        sourceIPAddress: '127.0.0.1',
        responseElements: null,
        readOnly: true,
        resources: [{ accountId: '000000000000', type: 'AWS::KMS::Key', ARN: server.keyArn }],
        eventType: 'AwsApiCall',
        recipientAccountId: '000000000000',
      });
      expect(record.requestParameters.encryptionContext).toEqual(context);
      expect(record.requestID).toBe(requestIds[record.eventName]);
      expect(record.userAgent).toMatch(/aws-sdk-js/);
      expect(record.errorCode).toBeUndefined();
    }
    const [decrypt, generate, encrypt] = mine;
    expect(decrypt?.requestParameters).toMatchObject({
      keyId: server.keyArn,
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(generate?.requestParameters).toMatchObject({
      keyId: 'alias/demo-kms',
      keySpec: 'AES_256',
    });
    expect(encrypt?.requestParameters).toMatchObject({
      keyId: 'alias/demo-kms',
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
  });

  it('answers with the Event shape of LookupEvents, newest first', async () => {
    const page = await trail.send(new LookupEventsCommand({ MaxResults: 2 }));
    expect(page.Events).toHaveLength(2);
    const [first, second] = page.Events as Event[];
    expect(first?.EventTime?.getTime()).toBeGreaterThanOrEqual(second?.EventTime?.getTime() ?? 0);
    const record = JSON.parse(first?.CloudTrailEvent ?? '{}');
    expect(first).toMatchObject({
      EventId: record.eventID,
      EventName: record.eventName,
      ReadOnly: String(record.readOnly),
      AccessKeyId: server.credentials.accessKeyId,
      EventSource: 'kms.amazonaws.com',
      Username: 'kms-demo-admin',
    });
    expect(page.NextToken).toBeDefined();
  });

  it('records a failed call with its errorCode and errorMessage', async () => {
    const other = { ...context, table: 'another-table' };
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: other })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
    await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata?.KeyId }));
    await expect(
      kms.send(
        new EncryptCommand({
          KeyId: KeyMetadata?.KeyId,
          Plaintext: Buffer.from(plaintext),
          EncryptionContext: context,
        }),
      ),
    ).rejects.toMatchObject({ name: 'DisabledException' });
    const failed = records(await lookUpAll(trail)).filter((r) => r.errorCode);
    expect(failed.map((r) => r.errorCode)).toEqual([
      'DisabledException',
      'InvalidCiphertextException',
    ]);
    expect(failed[0]).toMatchObject({
      eventName: 'Encrypt',
      errorMessage: expect.stringContaining('is disabled'),
      resources: [{ type: 'AWS::KMS::Key', ARN: KeyMetadata?.Arn }],
    });
    expect(failed[1]?.requestParameters.encryptionContext).toEqual(other);
  });

  it('marks calls that change something as not read-only', async () => {
    const [createKey] = records(
      await lookUpAll(trail, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }],
      }),
    );
    expect(createKey).toMatchObject({ eventName: 'CreateKey', readOnly: false });
    const readOnly = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
    });
    expect(readOnly.map((e) => e.EventName)).toEqual(['DisableKey', 'CreateKey']);
  });

  it('does not record a request whose signature fails', async () => {
    const marker = `forged-${randomUUID()}`;
    const forged = kmsClient(server, {
      credentials: { ...server.credentials, secretAccessKey: 'x'.repeat(40) },
    });
    await expect(
      forged.send(
        new EncryptCommand({
          KeyId: 'alias/demo-kms',
          Plaintext: Buffer.from('x'),
          EncryptionContext: { appuser: marker },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    forged.destroy();
    await lookUpAll(trail);
    expect(await trailText(server)).not.toContain(marker);
  });

  it('never holds a plaintext, a ciphertext or a data key', async () => {
    await lookUpAll(trail); // flushes the trail
    const text = await trailText(server);
    expect(text).toContain(user);
    for (const secret of [
      plaintext,
      Buffer.from(plaintext).toString('base64'),
      Buffer.from(ciphertext).toString('base64'),
      Buffer.from(ciphertext).toString('hex'),
      Buffer.from(dataKey).toString('base64'),
      Buffer.from(dataKey).toString('hex'),
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('filters by each lookup attribute', async () => {
    const all = await lookUpAll(trail);
    const [anyEvent] = all;
    const byId = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: anyEvent?.EventId }],
    });
    expect(byId.map((e) => e.EventId)).toEqual([anyEvent?.EventId]);
    const byUser = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'kms-demo-admin' }],
    });
    expect(byUser).toHaveLength(all.length);
    const byKey = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: server.keyArn }],
    });
    expect(byKey.length).toBeGreaterThanOrEqual(3);
    expect(byKey.every((e) => e.Resources?.[0]?.ResourceName === server.keyArn)).toBe(true);
    const byAccessKey = await lookUpAll(trail, {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: 'AKIANOBODY' }],
    });
    expect(byAccessKey).toEqual([]);
    const future = await lookUpAll(trail, { StartTime: new Date(Date.now() + 3_600_000) });
    expect(future).toEqual([]);
  });

  it.each([
    [{ MaxResults: 51 }, 'InvalidMaxResultsException'],
    [{ MaxResults: 0 }, 'InvalidMaxResultsException'],
    [
      {
        LookupAttributes: [
          { AttributeKey: 'EventName' as const, AttributeValue: 'Decrypt' },
          { AttributeKey: 'ReadOnly' as const, AttributeValue: 'true' },
        ],
      },
      'InvalidLookupAttributesException',
    ],
    [{ StartTime: new Date(2_000_000), EndTime: new Date(1_000_000) }, 'InvalidTimeRangeException'],
    [{ NextToken: 'not-a-token' }, 'InvalidNextTokenException'],
  ])('refuses %j with %s', async (input, name) => {
    await expect(trail.send(new LookupEventsCommand(input))).rejects.toMatchObject({ name });
  });

  it.each([
    ['auditor', true],
    ['admin', true],
    ['app', false],
    ['key-admin', false],
  ] as const)('lets %s look events up: %s', async (name, allowed) => {
    const client = cloudTrailClient({
      ...server,
      credentials: server.principals[name].credentials,
    });
    const result = client.send(new LookupEventsCommand({ MaxResults: 1 }));
    if (allowed) await expect(result).resolves.toMatchObject({ Events: expect.any(Array) });
    else {
      await expect(result).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(
          `${localPrincipalArn(name)} is not authorized to perform: cloudtrail:LookupEvents`,
        ),
      });
    }
    client.destroy();
  });

  it('names the caller that made each call', async () => {
    const app = kmsClient(server, { credentials: server.principals.app.credentials });
    await app.send(
      new GenerateDataKeyCommand({
        KeyId: 'alias/demo-kms',
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );
    app.destroy();
    const [latest] = records(await lookUpAll(trail));
    expect(latest?.userIdentity).toMatchObject({
      arn: localPrincipalArn('app'),
      userName: 'kms-demo-app',
      accessKeyId: server.principals.app.credentials.accessKeyId,
    });
  });

  it('refuses a NextToken used with other parameters', async () => {
    const first = await trail.send(new LookupEventsCommand({ MaxResults: 1 }));
    await expect(
      trail.send(
        new LookupEventsCommand({
          MaxResults: 1,
          NextToken: first.NextToken,
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Decrypt' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });
});

describe('trail rotation', () => {
  it('starts a new file past the cap, deletes the oldest past the file count, and looks up across files', async () => {
    const server = await startTempServer({
      bootstrap: true,
      trail: { maxFileBytes: 4096, maxFiles: 3, flushIntervalMs: 1 },
    });
    const kms = kmsClient(server);
    const trail = cloudTrailClient(server);
    try {
      for (let i = 0; i < 40; i++) {
        await kms.send(
          new EncryptCommand({
            KeyId: 'alias/demo-kms',
            Plaintext: Buffer.from('x'),
            EncryptionContext: { appuser: `rotation-${i}` },
          }),
        );
        await new Promise((r) => setTimeout(r, 2));
      }
      const events = await lookUpAll(trail, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }],
      });
      const files = (await readdir(join(server.stateDir, TRAIL_DIR))).sort();
      expect(files).toHaveLength(3);
      expect(files[0]).not.toBe('trail-000001.jsonl');
      const lines = (await trailText(server)).split('\n').filter(Boolean);
      const encrypts = lines.filter((l) => l.includes('"eventName":"Encrypt"'));
      // Everything still on disk, spanning all three files, and only that.
      expect(events).toHaveLength(encrypts.length);
      expect(events.length).toBeGreaterThan(lines.length / 3);
      expect(events.length).toBeLessThan(40);
      const users = records(events).map((r) => r.requestParameters.encryptionContext?.appuser);
      expect(users[0]).toBe('rotation-39');
    } finally {
      kms.destroy();
      trail.destroy();
      await server.dispose();
    }
  });
});

describe('a damaged trail', () => {
  it('skips damaged and partial lines and keeps appending on a fresh line', async () => {
    const first = await startTempServer({ bootstrap: true });
    const kms = kmsClient(first);
    await kms.send(new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('x') }));
    kms.destroy();
    await first.close();
    const file = join(first.stateDir, TRAIL_DIR, 'trail-000001.jsonl');
    const before = await readFile(file, 'utf8');
    await writeFile(file, `${before}not json\n{"eventName":"Encrypt"}\n{"partial":`);
    const second = await startTempServer({ stateDir: first.stateDir, bootstrap: false });
    const kms2 = kmsClient(second);
    const trail = cloudTrailClient(second);
    try {
      await kms2.send(new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('x') }));
      const events = await lookUpAll(trail, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }],
      });
      expect(events).toHaveLength(2);
    } finally {
      kms2.destroy();
      trail.destroy();
      await second.dispose();
    }
  });
});

describe('trail off', () => {
  it('records nothing and finds nothing', async () => {
    const server = await startTempServer({ trail: false });
    const kms = kmsClient(server);
    const trail = cloudTrailClient(server);
    try {
      await kms.send(new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('x') }));
      expect(await lookUpAll(trail)).toEqual([]);
      await expect(readdir(join(server.stateDir, TRAIL_DIR))).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      kms.destroy();
      trail.destroy();
      await server.dispose();
    }
  });
});
