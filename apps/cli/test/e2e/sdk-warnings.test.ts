import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

// A shell with both AWS_PROFILE and an access key pair set: the SDK's credential chain
// warns about it ("Multiple credential sources detected", nine lines) on every command.
let sandbox: Sandbox;
let awsEnv: NodeJS.ProcessEnv;
let secretAccessKey: string;

beforeAll(async () => {
  sandbox = await Sandbox.create();
  expect((await sandbox.run(['list'])).code).toBe(0);
  const env = await sandbox.run(['local', 'env', '--json']);
  expect(env.code, env.stderr).toBe(0);
  const vars = JSON.parse(env.stdout) as Record<string, string>;
  secretAccessKey = vars.AWS_SECRET_ACCESS_KEY as string;
  // The profile holds the same local credentials, so the commands work whichever wins.
  await mkdir(join(sandbox.home, '.aws'), { recursive: true });
  await writeFile(
    join(sandbox.home, '.aws', 'credentials'),
    `[p1]\naws_access_key_id = ${vars.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${secretAccessKey}\n`,
  );
  await writeFile(
    join(sandbox.home, '.aws', 'config'),
    `[profile p1]\nregion = ${vars.AWS_REGION}\n`,
  );
  awsEnv = {
    AWS_PROFILE: 'p1',
    AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_ENDPOINT_URL: vars.AWS_ENDPOINT_URL,
  };
});
afterAll(async () => {
  await sandbox?.dispose();
});

describe('AWS SDK warnings', () => {
  it('never reach stderr: status, encrypt and decrypt with AWS_PROFILE and keys both set', async () => {
    const status = await sandbox.run(['status'], { env: awsEnv });
    expect(status.code, status.stderr).toBe(0);
    const enc = await sandbox.run(['encrypt'], { env: awsEnv, input: 'profile and keys' });
    expect(enc.code, enc.stderr).toBe(0);
    const dec = await sandbox.run(['decrypt', enc.stdout.trim()], { env: awsEnv });
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout).toBe('profile and keys\n');
    for (const r of [status, enc, dec]) {
      expect(r.stderr).not.toContain('@aws-sdk');
      expect(r.stderr).not.toContain('Multiple credential sources');
      expectCleanStderr(r.stderr);
    }
  });

  it('with --verbose are one redacted line each, prefixed kms-demo: aws-sdk:', async () => {
    for (const args of [['status'], ['list']]) {
      const r = await sandbox.run([...args, '--verbose'], { env: awsEnv });
      expect(r.code, r.stderr).toBe(0);
      const sdkLines = r.stderr.split('\n').filter((l) => l.includes('aws-sdk'));
      expect(sdkLines.length).toBeGreaterThan(0);
      for (const line of sdkLines) expect(line).toMatch(/^kms-demo: aws-sdk: \S/);
      expect(sdkLines.join('\n')).toContain('Multiple credential sources detected');
      expect(r.stderr).not.toContain(secretAccessKey);
    }
  });
});
