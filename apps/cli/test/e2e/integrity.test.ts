import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KMS } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

// Writes items behind the CLI's back, the way someone with table access could, through
// the running local endpoint with the values `kms-demo local env` prints.
let sandbox: Sandbox;
let dynamodb: DynamoDBClient;
let kms: KMS;

beforeAll(async () => {
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['status'])).code).toBe(0);
  // Any command starts the background server; `local env` then describes it.
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
  dynamodb = new DynamoDBClient(config);
  kms = new KMS(config);
});
afterAll(async () => {
  dynamodb?.destroy();
  kms?.destroy();
  await sandbox?.dispose();
});

async function encrypt(secret: string): Promise<string> {
  const r = await sandbox.run(['encrypt'], { input: secret });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

/** The item the first test tampers with; it stays, so migrate --all must report it. */
let tampered = '';

describe('tampering and the original format', () => {
  it("refuses a ciphertext copied from another user, and never prints that user's secret", async () => {
    const alice = await encrypt('secret-of-alice');
    const bob = await encrypt('secret-of-bob');
    const stolen = await dynamodb.send(
      new GetItemCommand({ TableName: 'demo-kms', Key: { appuser: { S: alice } } }),
    );
    const bobItem = await dynamodb.send(
      new GetItemCommand({ TableName: 'demo-kms', Key: { appuser: { S: bob } } }),
    );
    expect(stolen.Item?.userpasswd?.B).toBeDefined();
    await dynamodb.send(
      new PutItemCommand({
        TableName: 'demo-kms',
        Item: { ...bobItem.Item, userpasswd: stolen.Item?.userpasswd as { B: Uint8Array } },
      }),
    );

    tampered = bob;
    const r = await sandbox.run(['decrypt', bob]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toContain('secret-of-alice');
    expect(r.stderr).toMatch(/failed verification/);
    expectCleanStderr(r.stderr);
    expect((await sandbox.run(['decrypt', alice])).stdout).toBe('secret-of-alice\n');

    // show describes the item (exit 0) and warns about it in so many words.
    const shown = await sandbox.run(['show', bob]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^context:.*appuser=${alice}`, 'm'));
    expect(shown.stderr).toMatch(
      /^WARNING: the encryption context does not match this item .*: it was altered or copied from another item; decrypt will refuse it$/m,
    );
    expect((await sandbox.run(['show', alice])).stderr).not.toContain('WARNING');
  });

  it('reads an item in the original demo format, suggests migrate, and migrates it', async () => {
    const encrypted = await kms.encrypt({
      KeyId: 'alias/demo-kms',
      Plaintext: Buffer.from('legacy-pw'),
    });
    await dynamodb.send(
      new PutItemCommand({
        TableName: 'demo-kms',
        Item: {
          appuser: { S: '12345' },
          userpasswd: { B: encrypted.CiphertextBlob as Uint8Array },
        },
      }),
    );

    // Not read unless asked: nothing binds the item to its user.
    const refused = await sandbox.run(['decrypt', '12345']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).not.toContain('legacy-pw');
    expect(refused.stderr).toMatch(
      /^kms-demo: user 12345 is stored in the original demo's format, .* --allow-legacy .* 'kms-demo migrate 12345'$/m,
    );
    expectCleanStderr(refused.stderr);

    const before = await sandbox.run(['decrypt', '12345', '--allow-legacy']);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toBe('legacy-pw\n');
    expect(before.stderr).toContain('kms-demo migrate 12345');
    const byEnv = await sandbox.run(['decrypt', '12345'], { env: { KMS_DEMO_ALLOW_LEGACY: '1' } });
    expect(byEnv.stdout).toBe('legacy-pw\n');

    const migrated = await sandbox.run(['migrate', '12345']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toBe('');
    expect(migrated.stderr).toMatch(
      /^12345: legacy -> envelope .*read in the original unbound format/m,
    );

    const after = await sandbox.run(['decrypt', '12345']);
    expect(after.stdout).toBe('legacy-pw\n');
    expect(after.stderr).not.toContain('migrate');
    expect((await sandbox.run(['show', '12345'])).stdout).toMatch(/^scheme:\s+envelope$/m);

    // Every other item is current; the tampered one is reported and makes the run fail.
    const all = await sandbox.run(['migrate', '--all']);
    expect(all.code, all.stderr).toBe(1);
    expect(all.stdout).toBe('');
    expect(all.stderr).toMatch(/^\[1\/\d+\] /m);
    expect(all.stderr).toMatch(
      new RegExp(`^\\[\\d+/\\d+\\] ${tampered}: failed: .*failed verification`, 'm'),
    );
    expect(all.stderr).toMatch(/Migrated 0 of \d+ secrets; \d+ already current, 1 failed$/m);
    expect(all.stderr).toMatch(/^kms-demo: 1 secret could not be migrated$/m);
  });

  it("refuses a legacy ciphertext swapped into another user's item, and never shows it", async () => {
    const victim = await encrypt('envelope-of-victim');
    const other = await kms.encrypt({
      KeyId: 'alias/demo-kms',
      Plaintext: Buffer.from('legacy-secret-of-someone-else'),
    });
    await dynamodb.send(
      new PutItemCommand({
        TableName: 'demo-kms',
        Item: { appuser: { S: victim }, userpasswd: { B: other.CiphertextBlob as Uint8Array } },
      }),
    );
    for (const args of [
      ['decrypt', victim],
      ['decrypt', victim, '--json'],
    ]) {
      const r = await sandbox.run(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stdout + r.stderr).not.toContain('someone-else');
      expect(r.stderr).toMatch(/original demo's format/);
      expectCleanStderr(r.stderr);
    }
    // Put the victim's own item back, so migrate --all below meets only the items it expects.
    await sandbox.run(['delete', victim, '--yes']);
  });

  it('migrate --all upgrades several items, one progress line each on stderr, JSON on stdout', async () => {
    const ids = [];
    for (const secret of ['direct-1', 'direct-2', 'direct-3']) {
      const r = await sandbox.run(['encrypt', '--scheme', 'direct'], { input: secret });
      expect(r.code, r.stderr).toBe(0);
      ids.push(r.stdout.trim());
    }
    const listed = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as unknown[];
    const all = await sandbox.run(['migrate', '--all', '--json']);
    expect(all.code, all.stderr).toBe(1);
    expectCleanStderr(all.stderr);
    const progress = all.stderr.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
    expect(progress).toHaveLength(listed.length);
    expect(progress.at(-1)).toMatch(new RegExp(`^\\[${listed.length}/${listed.length}\\] `));
    expect(all.stderr).toContain(`Migrating ${listed.length} secrets in table demo-kms`);
    expect(all.stderr).toMatch(new RegExp(`Migrated 3 of ${listed.length} secrets; .*, 1 failed`));
    const results = JSON.parse(all.stdout) as Array<{
      appuser: string;
      from: string;
      changed: boolean;
      error?: { code: string; message: string };
    }>;
    expect(results).toHaveLength(listed.length);
    expect(results.find((r) => r.appuser === tampered)).toMatchObject({
      error: { code: 'INTEGRITY', message: expect.stringMatching(/failed verification/) },
    });
    for (const id of ids) {
      expect(results.find((r) => r.appuser === id)).toMatchObject({
        from: 'direct',
        changed: true,
      });
      expect((await sandbox.run(['show', id])).stdout).toMatch(/^scheme:\s+envelope$/m);
    }
    expect((await sandbox.run(['decrypt', ids[1] as string])).stdout).toBe('direct-2\n');
  });

  it('lists a legacy item as legacy and an unreadable item with its reason', async () => {
    const encrypted = await kms.encrypt({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('x') });
    const blob = encrypted.CiphertextBlob as Uint8Array;
    for (const appuser of ['54321', 'Not An Id']) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: 'demo-kms',
          Item: { appuser: { S: appuser }, userpasswd: { B: blob } },
        }),
      );
    }
    const r = await sandbox.run(['list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^USER\s+SCHEME\s+KEY\s+CREATED\s+NOTE$/m);
    expect(r.stdout).toMatch(/^54321\s+legacy\s+-\s+-$/m);
    expect(r.stdout).not.toContain('(legacy)');
    expect(r.stdout).toMatch(/^Not An Id\s+legacy\s+.*unreadable \(INVALID_ID\)$/m);
    expect(r.stderr).toMatch(/^note: Not An Id cannot be read \(INVALID_ID\): .+/m);
    expectCleanStderr(r.stderr);
  });
});
