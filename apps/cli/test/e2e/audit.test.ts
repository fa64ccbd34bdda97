import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { localPrincipalArn } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, type RunResult, Sandbox } from './cli.js';

let sandbox: Sandbox;
const secrets = { x: 'audit-secret-x-7f3a', y: 'audit-secret-y-91bc' };
let x: string;
let y: string;
let kms: KMSClient;

async function run(args: string[], input?: string): Promise<RunResult> {
  const result = await sandbox.run(args, input === undefined ? {} : { input });
  expectCleanStderr(result.stderr);
  return result;
}

async function encrypt(secret: string): Promise<string> {
  const r = await run(['encrypt'], secret);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

interface AuditJson {
  operation: string;
  user: string;
  outcome: string;
  principalArn: string;
  event: { EventName: string; CloudTrailEvent: string };
  record: {
    readOnly: boolean;
    errorCode?: string;
    userIdentity: { arn: string };
    requestParameters: { encryptionContext?: Record<string, string> };
  };
}

async function auditJson(args: string[]): Promise<AuditJson[]> {
  const r = await run(['audit', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AuditJson[];
}

/** A KMS client as admin, with the credentials `kms-demo local env --as admin` prints. */
async function localKms(): Promise<KMSClient> {
  const env = await run(['local', 'env', '--as', 'admin']);
  expect(env.code, env.stderr).toBe(0);
  const value = (name: string) => new RegExp(`${name}='?([^'\\n]+)'?`).exec(env.stdout)?.[1] ?? '';
  return new KMSClient({
    endpoint: value('AWS_ENDPOINT_URL'),
    region: value('AWS_REGION'),
    credentials: {
      accessKeyId: value('AWS_ACCESS_KEY_ID'),
      secretAccessKey: value('AWS_SECRET_ACCESS_KEY'),
    },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  sandbox = await Sandbox.create('kms-demo-audit-');
  x = await encrypt(secrets.x);
  y = await encrypt(secrets.y);
  expect((await run(['decrypt', x])).code).toBe(0);
  expect((await run(['decrypt', y])).code).toBe(0);
  kms = await localKms();
});

afterAll(async () => {
  kms?.destroy();
  await sandbox?.dispose();
});

describe('kms-demo audit', () => {
  it("shows the GenerateDataKey and the Decrypt of one user, with the caller's ARN, and no one else's", async () => {
    const events = await auditJson([x]);
    expect(events.map((e) => e.operation)).toEqual(['Decrypt', 'GenerateDataKey']);
    for (const e of events) {
      expect(e.user).toBe(x);
      expect(e.outcome).toBe('ok');
      expect(e.record.requestParameters.encryptionContext?.appuser).toBe(x);
      expect(e.record.requestParameters.encryptionContext?.table).toBe('demo-kms');
      // The CLI runs as app; the audit itself as auditor.
      expect(e.record.userIdentity.arn).toBe(localPrincipalArn('app'));
      expect(e.principalArn).toBe(localPrincipalArn('app'));
      expect(e.record.readOnly).toBe(true);
      expect(JSON.parse(e.event.CloudTrailEvent)).toEqual(e.record);
    }
    expect(JSON.stringify(events)).not.toContain(y);
  });

  it('prints a table of time, operation, principal, user, outcome and source IP, newest first', async () => {
    const r = await run(['audit']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+OPERATION\s+PRINCIPAL\s+USER\s+OUTCOME\s+SOURCE IP$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 6))).toEqual([
      ['Decrypt', 'kms-demo-app', y, 'ok', '127.0.0.1'],
      ['Decrypt', 'kms-demo-app', x, 'ok', '127.0.0.1'],
      ['GenerateDataKey', 'kms-demo-app', y, 'ok', '127.0.0.1'],
      ['GenerateDataKey', 'kms-demo-app', x, 'ok', '127.0.0.1'],
    ]);
    expect(r.stderr).toMatch(/4 KMS events in table demo-kms since .+, newest first/);
  });

  it('shows a failed call with its error code', async () => {
    await expect(
      kms.send(
        new DecryptCommand({
          CiphertextBlob: Buffer.from('not a ciphertext of this key at all'),
          EncryptionContext: { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: x },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    const [latest] = await auditJson([x]);
    expect(latest).toMatchObject({ operation: 'Decrypt', outcome: 'InvalidCiphertextException' });
    expect(latest?.record.errorCode).toBe('InvalidCiphertextException');
  });

  it('shows a decrypt without encryption context as unbound, in the table view only', async () => {
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('legacy') }),
    );
    await kms.send(new DecryptCommand({ CiphertextBlob }));
    const all = await auditJson([]);
    expect(all[0]).toMatchObject({ operation: 'Decrypt', user: 'unbound', outcome: 'ok' });
    // The Encrypt without context names no table: not this table's event.
    expect(all.filter((e) => e.operation === 'Encrypt')).toEqual([]);
    expect((await auditJson(['--all'])).some((e) => e.operation === 'Encrypt')).toBe(true);
    expect((await auditJson([x])).some((e) => e.user === 'unbound')).toBe(false);
  });

  it('honours --limit and --since', async () => {
    const limited = await run(['audit', '--limit', '1']);
    expect(limited.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(limited.stderr).toContain('older ones left out (--limit 1)');
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await run(['audit', '--since', future])).code).toBe(2);
    const recent = await run(['audit', x, '--since', '1h']);
    expect(recent.code).toBe(0);
  });

  it.each([
    [['--since', 'yesterday'], '--since must be a duration'],
    [['--limit', '0'], '--limit must be a positive whole number'],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const r = await run(['audit', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it('leaves no secret in the trail', async () => {
    await run(['audit']); // a lookup flushes the trail to disk
    const dir = join(sandbox.stateDir, 'cloudtrail');
    const text = (
      await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')))
    ).join('');
    expect(text).toContain(x);
    for (const secret of [secrets.x, secrets.y, 'legacy']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});
