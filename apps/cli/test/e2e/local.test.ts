import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/config/find-executable.js';
import { bundle, expectCleanStderr, Sandbox } from './cli.js';

/** The AWS CLI, for the shell test; the test says it skips when there is none. */
const awsDir = await findExecutable('aws').then((path) => (path ? dirname(path) : undefined));
if (awsDir === undefined) console.log('skipping the AWS CLI test: no `aws` on PATH');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

describe('kms-demo local', () => {
  it('env exits 1 with one line when no server runs; status and stop say so', async () => {
    const env = await sandbox.run(['local', 'env']);
    expect(env.code).toBe(1);
    expect(env.stdout).toBe('');
    expect(env.stderr.trim().split('\n')).toHaveLength(1);
    expect(env.stderr).toContain('kms-demo local start');
    const status = await sandbox.run(['local', 'status']);
    expect(status.stdout).toMatch(/^server:\s+not running/m);
    const stop = await sandbox.run(['local', 'stop']);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain('No local server runs');
  });

  it('start serves in the foreground; commands, env and the AWS settings use it; SIGTERM stops it', async () => {
    const child = spawn(process.execPath, [bundle, 'local', 'start', '--port', '0'], {
      env: sandbox.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const serverErr: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => serverErr.push(c));
    const endpoint = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (c: Buffer) => resolve(c.toString('utf8').trim()));
      child.once('exit', (code) => reject(new Error(`local start exited with ${code}`)));
    });
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const again = await sandbox.run(['local', 'start', '--port', '0']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already serves`);

    const enc = await sandbox.run(['encrypt'], { input: 'via foreground' });
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stderr).toContain(`using the local emulator at ${endpoint} `);
    expect(enc.stderr).not.toContain('just started');

    const env = await sandbox.run(['local', 'env']);
    expect(env.code).toBe(0);
    const lines = env.stdout.trim().split('\n');
    expect(lines).toContain(`export AWS_ENDPOINT_URL='${endpoint}'`);
    expect(lines.map((l) => l.split('=')[0])).toEqual([
      'unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE',
      'export AWS_ENDPOINT_URL',
      'export AWS_ACCESS_KEY_ID',
      'export AWS_SECRET_ACCESS_KEY',
      'export AWS_REGION',
      'export AWS_DEFAULT_REGION',
    ]);
    // What `eval "$(kms-demo local env)"` sets makes the CLI itself talk to the endpoint too.
    const vars = JSON.parse((await sandbox.run(['local', 'env', '--json'])).stdout);
    const dec = await sandbox.run(['decrypt', enc.stdout.trim()], {
      env: { ...vars, KMS_DEMO_HOME: `${sandbox.dir}/unused` },
    });
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout).toBe('via foreground\n');
    expect(dec.stderr).not.toContain('local emulator');

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const serverStderr = Buffer.concat(serverErr).toString('utf8');
    expect(serverStderr).toContain(`listening at ${endpoint}`);
    expectCleanStderr(serverStderr);
    expect((await sandbox.run(['local', 'status'])).stdout).toMatch(/not running/);
  });

  it('reset refuses without --yes off a terminal, then erases secrets, key and credentials', async () => {
    const id = (await sandbox.run(['encrypt'], { input: 'to be erased' })).stdout.trim();
    const refused = await sandbox.run(['local', 'reset']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');

    const reset = await sandbox.run(['local', 'reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toMatch(/Stopped the local server/);
    await expect(readdir(sandbox.stateDir)).rejects.toThrow();

    const gone = await sandbox.run(['decrypt', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('just started');
  });

  it.skipIf(awsDir === undefined)(
    'eval "$(kms-demo local env)" lets the AWS CLI reach the endpoint despite a session token and profile in the shell',
    async () => {
      const enc = await sandbox.run(['encrypt', '--user', 'via-aws-cli'], { input: 'x' });
      expect(enc.code, enc.stderr).toBe(0);
      const script = `eval "$(node '${bundle}' local env)" && aws kms list-aliases --output json && aws dynamodb get-item --table-name demo-kms --key '{"appuser":{"S":"via-aws-cli"}}' --projection-expression appuser --output json`;
      const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn('sh', ['-c', script], {
          env: sandbox.env({
            PATH: `${awsDir}:${sandbox.env().PATH}`,
            AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLEREALACCOUNTSESSIONTOKEN',
            AWS_SECURITY_TOKEN: 'FwoGZXIvYXdzEXAMPLEREALACCOUNTSESSIONTOKEN',
            AWS_PROFILE: 'work',
          }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        child.stderr.on('data', (c: Buffer) => (err += c));
        child.on('close', (code) => resolve({ code, out, err }));
      });
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('alias/demo-kms');
      expect(r.out).toContain('via-aws-cli');
    },
  );
});
