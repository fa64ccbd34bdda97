import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

// The CLI signs as the `app` principal on the local default, so every command below runs
// under the app policy infra deploys: a command needing more than that policy grants
// would fail here, and the server log would count the refusal.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

const APP_ARN = 'arn:aws:iam::000000000000:user/kms-demo-app';

it('runs every command as app, under the app policy, with no request refused', async () => {
  const encrypted = await sandbox.run(['encrypt'], { input: 'least-privilege-pw' });
  expect(encrypted.code, encrypted.stderr).toBe(0);
  const id = encrypted.stdout.trim();
  const direct = await sandbox.run(['encrypt', '--scheme', 'direct'], { input: 'direct-pw' });
  expect(direct.code, direct.stderr).toBe(0);

  const runs = [
    await sandbox.run(['decrypt', id]),
    await sandbox.run(['list']),
    await sandbox.run(['show', id]),
    await sandbox.run(['migrate', direct.stdout.trim()]),
    await sandbox.run(['migrate', '--all']),
    await sandbox.run(['status']),
    await sandbox.run(['delete', id, '--yes']),
  ];
  for (const r of runs) {
    expect(r.code, r.stderr).toBe(0);
    expectCleanStderr(r.stderr);
  }
  expect(runs[0]?.stdout).toBe('least-privilege-pw\n');
  expect(runs[5]?.stdout).toMatch(
    new RegExp(`^identity\\s+app \\(${APP_ARN}\\)\\s+local credentials`, 'm'),
  );

  const status = JSON.parse((await sandbox.run(['status', '--json'])).stdout);
  expect(status.settings.identity.value).toBe(`app (${APP_ARN})`);
  const log = await readFile(join(sandbox.stateDir, 'server.log'), 'utf8');
  expect(log).not.toContain('AccessDenied');
});

it('local env prints admin by default and each principal with --as', async () => {
  const keys = new Map<string, string>();
  for (const as of [undefined, 'admin', 'key-admin', 'app', 'auditor']) {
    const r = await sandbox.run(['local', 'env', '--json', ...(as ? ['--as', as] : [])]);
    expect(r.code, r.stderr).toBe(0);
    keys.set(as ?? 'default', JSON.parse(r.stdout).AWS_ACCESS_KEY_ID);
  }
  expect(keys.get('default')).toBe(keys.get('admin'));
  expect(new Set(keys.values()).size).toBe(4);
  const bad = await sandbox.run(['local', 'env', '--as', 'root']);
  expect(bad.code).toBe(2);
});

it('counts a refused request in the server log, one numbered line naming the principal', async () => {
  const env = await sandbox.run(['local', 'env', '--json', '--as', 'app']);
  const vars = JSON.parse(env.stdout);
  const kms = new KMSClient({
    region: vars.AWS_REGION,
    endpoint: vars.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID,
      secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });
  try {
    // No encryption context: the app policy binds every Encrypt to this table.
    await expect(
      kms.send(new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('x') })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  } finally {
    kms.destroy();
  }
  const log = await readFile(join(sandbox.stateDir, 'server.log'), 'utf8');
  expect(log).toMatch(
    new RegExp(
      `^kms-demo local: AccessDenied #1: User: ${APP_ARN} is not authorized to perform: kms:Encrypt on resource: `,
      'm',
    ),
  );
});
