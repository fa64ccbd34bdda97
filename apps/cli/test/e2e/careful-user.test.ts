import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, type RunResult, runCli, runSh, Sandbox } from './cli.js';

// What a careful new user tries at the edges of the argument syntax and the settings.
// Most of these fail before any server is started; the others use the sandbox's.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

async function run(args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await sandbox.run(args, o);
  expectCleanStderr(r.stderr);
  return r;
}

/** One error line on stderr, nothing on stdout, and the exit code. */
function expectOneLine(r: RunResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('-- ends option parsing', () => {
  it('decrypt -- <id> takes the id after --', async () => {
    const id = (await run(['encrypt', '-u', 'alice'], { input: 'pw-alice' })).stdout.trim();
    expect(id).toBe('alice');
    const r = await run(['decrypt', '--', 'alice']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('pw-alice\n');
  });

  it('encrypt -- -dash takes -dash as the secret argument, not as an option', async () => {
    const r = await run(['encrypt', '--', '-dash']);
    expect(r.code, r.stderr).toBe(0);
    const dec = await run(['decrypt', r.stdout.trim()]);
    expect(dec.stdout).toBe('-dash\n');
  });

  it('a secret both piped and given as an argument is a usage error naming both', async () => {
    const r = await run(['encrypt', 'b'], { input: 'a' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/both .*argument.*stdin|both .*stdin.*argument/);
    expect(r.stderr).not.toContain('Encrypting');
  });
});

describe('unknown options', () => {
  it.each([
    [['decrypt', '--bogus', 'abc123'], 'bogus'],
    [['decrypt', '-x', 'abc123'], 'x'],
    [['--versionx'], 'versionx'],
    [['-v'], 'v'],
    [['delete', '--bogus=1', 'abc123'], 'bogus'],
  ])('%j says Unknown argument (exit 2)', async (args, name) => {
    const r = await run(args);
    expectOneLine(r, 2, new RegExp(`^kms-demo: Unknown argument: ${name} \\(see 'kms-demo`));
  });
});

describe('encrypt input', () => {
  it('`encrypt -` reads the secret from stdin, without the argv warning', async () => {
    const r = await run(['encrypt', '-'], { input: 'from-stdin' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('warning:');
    expect((await run(['decrypt', r.stdout.trim()])).stdout).toBe('from-stdin\n');
  });

  it('a lone newline on stdin is an empty secret, said as such', async () => {
    expectOneLine(await run(['encrypt'], { input: '\n' }), 2, /empty/);
  });

  it('warns once about a whitespace-only secret, and stores it', async () => {
    const r = await run(['encrypt'], { input: '   \n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /warning: .*whitespace/.test(l))).toHaveLength(1);
    expect((await run(['decrypt', r.stdout.trim()])).stdout).toBe('   \n');
  });

  it('--user twice, or without a value, is a usage error about --user', async () => {
    expectOneLine(
      await run(['encrypt', '-u', 'alice', '-u', 'bob'], { input: 'x' }),
      2,
      /--user.*once/,
    );
    const empty = await run(['encrypt', '--user'], { input: 'x' });
    expectOneLine(empty, 2, /--user needs an id/);
    expect(empty.stderr).not.toContain('printed');
  });

  it('a taken id says so, without claiming the secret was quoted back', async () => {
    expect((await run(['encrypt', '-u', 'taken'], { input: 'one' })).code).toBe(0);
    // The secret is the id itself, so the CONFLICT message holds the secret's bytes.
    const r = await run(['encrypt', '-u', 'taken'], { input: 'taken' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/id 'taken' .*already/);
    expect(r.stderr).not.toMatch(/quoted the secret back/);
  });
});

describe('a closed stdout', () => {
  it('encrypt >&- stores the item, prints its id on stderr and exits 1', async () => {
    const r = await runSh('exec "$KMS" encrypt >&-', { env: sandbox.env(), input: 'closed-out' });
    expect(r.code, r.stderr).toBe(1);
    const id = /stdout is closed.*\b([0-9a-z]{10})\b/.exec(r.stderr)?.[1];
    expect(id, r.stderr).toBeDefined();
    expect((await run(['decrypt', id as string])).stdout).toBe('closed-out\n');
  });

  it('decrypt >&- exits 1', async () => {
    const r = await runSh('exec "$KMS" decrypt alice >&-', { env: sandbox.env() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/stdout is closed/);
  });

  it('>/dev/null is not a closed stdout', async () => {
    const r = await runSh('exec "$KMS" decrypt alice >/dev/null', { env: sandbox.env() });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('settings that must not be ignored', () => {
  it.each([
    [['status', '--region', ''], /--region is empty/],
    [['status', '--stack', ''], /--stack is empty/],
  ])('%j is a configuration error (exit 2)', async (args, pattern) => {
    expectOneLine(await run(args), 2, pattern);
  });

  it('--region on the local default is announced as not applying', async () => {
    const r = await run(['list', '--region', 'eu-west-1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--region eu-west-1 .*ignored/);
  });

  it('a table name DynamoDB would refuse is a configuration error before any request', async () => {
    const r = await run(['encrypt', '--local', '--table', 'bad table!'], { input: 'x' });
    expectOneLine(r, 2, /--table .*not a valid DynamoDB table name/);
  });

  it('naming the default key and table keeps the local default', async () => {
    for (const extra of [
      { args: ['--key', 'alias/demo-kms'], env: {} },
      { args: ['--table', 'demo-kms'], env: {} },
      { args: [], env: { KMS_DEMO_TABLE: 'demo-kms' } },
    ]) {
      const r = await run(['decrypt', 'alice', ...extra.args], { env: extra.env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('pw-alice\n');
      expect(r.stderr).toContain('using the local emulator');
    }
  });

  it('AWS without credentials says exactly that', async () => {
    const r = await run(['list'], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no AWS credentials/i);
    expect(r.stderr).not.toMatch(/did not accept/);
  });

  it('KMS_DEMO_STACK without pulumi names the variable', async () => {
    const r = await run(['list'], { env: { KMS_DEMO_STACK: 'dev', PATH: '/nonexistent' } });
    expectOneLine(r, 2, /KMS_DEMO_STACK=dev/);
  });

  it('a state directory under /dev/shm is accepted', async () => {
    const dir = `/dev/shm/kms-demo-i11-${process.pid}`;
    const r = await runCli(['local', 'status'], { env: sandbox.env({ KMS_DEMO_HOME: dir }) });
    expect(r.stderr).not.toMatch(/kernel file system/);
    await runCli(['local', 'stop'], { env: sandbox.env({ KMS_DEMO_HOME: dir }) });
    await rm(dir, { recursive: true, force: true });
  });

  it('local start --port abc says what is wrong without NaN', async () => {
    expectOneLine(await run(['local', 'start', '--port', 'abc']), 2, /--port must be/);
    expect((await run(['local', 'start', '--port', 'abc'])).stderr).not.toContain('NaN');
  });
});

describe('JSON output', () => {
  it('--version --json prints JSON', async () => {
    const r = await run(['--version', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ version: expect.any(String) });
  });

  it('status --json: an absolute state path and a reachable flag per checked resource', async () => {
    const r = await run(['status', '--json'], { env: { HOME: sandbox.dir } });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.settings.state.value).toBe(sandbox.stateDir);
    expect(status.settings.key.reachable).toBe(true);
    expect(status.settings.table.reachable).toBe(true);
    expect(status.settings.key).not.toHaveProperty('ok');
  });
});
