import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import { KEY_ALIAS, KEY_DESCRIPTION, PARTITION_KEY, TABLE_NAME } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAws } from '../src/index.js';
import { dynamoClient, kmsClient } from './support/clients.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

describe('bootstrap and persistence across restarts', () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await makeStateDir();
  });
  afterAll(() => removeStateDir(stateDir));

  it('creates alias/demo-kms and table demo-kms once, and keeps data, key and credentials', async () => {
    const first = await startLocalAws({ stateDir });
    let ciphertext: Uint8Array | undefined;
    try {
      expect(first.keyArn).toMatch(
        /^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      const kms = kmsClient(first);
      const described = await kms.send(new DescribeKeyCommand({ KeyId: KEY_ALIAS }));
      expect(described.KeyMetadata?.Arn).toBe(first.keyArn);
      expect(described.KeyMetadata?.Description).toBe(KEY_DESCRIPTION);

      const table = await dynamoClient(first).send(
        new DescribeTableCommand({ TableName: TABLE_NAME }),
      );
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      expect(table.Table?.KeySchema).toEqual([{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }]);
      expect(table.Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

      await dynamoClient(first).send(
        new PutItemCommand({
          TableName: TABLE_NAME,
          Item: { [PARTITION_KEY]: { S: 'kept' }, note: { S: 'survives' } },
        }),
      );
      ciphertext = (
        await kms.send(new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: Buffer.from('pw') }))
      ).CiphertextBlob;
    } finally {
      await first.close();
    }

    const second = await startLocalAws({ stateDir });
    try {
      expect(second.keyArn).toBe(first.keyArn);
      // Counted on opening, and recorded as this start's settled point.
      const manifest = JSON.parse(await readFile(join(stateDir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ settled: true, tables: { [TABLE_NAME]: 1 } });
      // Compared without printing them should the test fail.
      expect(second.credentials.accessKeyId).toBe(first.credentials.accessKeyId);
      expect(second.credentials.secretAccessKey === first.credentials.secretAccessKey).toBe(true);
      const aliases = await kmsClient(second).send(new ListAliasesCommand({}));
      expect(aliases.Aliases?.filter((a) => a.AliasName === KEY_ALIAS)).toHaveLength(1);

      const item = await dynamoClient(second).send(
        new GetItemCommand({ TableName: TABLE_NAME, Key: { [PARTITION_KEY]: { S: 'kept' } } }),
      );
      expect(item.Item?.note?.S).toBe('survives');
      const decrypted = await kmsClient(second).send(
        new DecryptCommand({ CiphertextBlob: ciphertext }),
      );
      expect(Buffer.from(decrypted.Plaintext ?? []).toString()).toBe('pw');
      expect(decrypted.KeyId).toBe(first.keyArn);
    } finally {
      await second.close();
    }
  });

  it("keeps the state dir owner-only (0700) and every principal's credentials file 0600", async () => {
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
    for (const name of ['admin', 'key-admin', 'app', 'auditor']) {
      expect((await stat(join(stateDir, 'credentials', `${name}.json`))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(stateDir, 'dynamodb'))).mode & 0o777).toBe(0o700);
  });

  it('records at once, in a settled manifest, the key and the empty table a fresh start made', async () => {
    // What a crash right after the first start leaves for the next start to check against.
    const fresh = await makeStateDir();
    const started = await startLocalAws({ stateDir: fresh });
    try {
      const manifest = JSON.parse(await readFile(join(fresh, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({
        settled: true,
        keyIds: [started.keyArn.split('/').pop()],
        tables: { [TABLE_NAME]: 0 },
      });
    } finally {
      await started.close();
      await removeStateDir(fresh);
    }
  });

  it('with bootstrap off, creates nothing but still reports an existing key', async () => {
    const fresh = await makeStateDir();
    const bare = await startLocalAws({ stateDir: fresh, bootstrap: false });
    try {
      expect(bare.keyArn).toBe('');
      const aliases = await kmsClient(bare).send(new ListAliasesCommand({}));
      expect(aliases.Aliases?.map((a) => a.AliasName)).not.toContain(KEY_ALIAS);
    } finally {
      await bare.close();
      await removeStateDir(fresh);
    }
    const again = await startLocalAws({ stateDir, bootstrap: false });
    try {
      const kms = kmsClient(again);
      const described = await kms.send(new DescribeKeyCommand({ KeyId: KEY_ALIAS }));
      expect(again.keyArn).toBe(described.KeyMetadata?.Arn);
    } finally {
      await again.close();
    }
  });
});
