import { realpathSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type LocalAws, startLocalAws } from '@kms-demo/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliRoot, expectCleanStderr, Sandbox } from './cli.js';

// A running local endpoint stands in for AWS; a fake `pulumi` first on PATH stands in for
// a deployed stack whose outputs point at it.
const STACK_TABLE = 'stack-secrets';
const infraDir = realpathSync(join(cliRoot, '..', '..', 'infra'));

let sandbox: Sandbox;
let server: LocalAws;
let fakeBin: string;
let pulumiLog: string;

beforeAll(async () => {
  sandbox = await Sandbox.create();
  server = await startLocalAws({ stateDir: join(sandbox.dir, 'aws') });
  const dynamodb = new DynamoDBClient({
    region: server.region,
    endpoint: server.endpoint,
    credentials: server.credentials,
  });
  await dynamodb.send(
    new CreateTableCommand({
      TableName: STACK_TABLE,
      AttributeDefinitions: [{ AttributeName: 'appuser', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'appuser', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  dynamodb.destroy();
  fakeBin = join(sandbox.dir, 'bin');
  pulumiLog = join(sandbox.dir, 'pulumi.log');
  await mkdir(fakeBin);
});
afterAll(async () => {
  await server?.close();
  await sandbox?.dispose();
});

/** Installs a `pulumi` that answers `stack ls` and `stack output` as given. */
async function fakePulumi(o: {
  stacks: string;
  outputs: string;
  outputExit?: number;
}): Promise<void> {
  const script = `#!/bin/sh
echo "$PWD|$*" >> '${pulumiLog}'
case "$1 $2" in
  "stack ls") printf '%s' '${o.stacks}' ;;
  "stack output") printf '%s' '${o.outputs}'; ${o.outputExit ? `echo 'error: failed to decrypt config' >&2; exit ${o.outputExit}` : ''} ;;
  *) echo "unexpected: $*" >&2; exit 3 ;;
esac
`;
  await writeFile(join(fakeBin, 'pulumi'), script);
  await chmod(join(fakeBin, 'pulumi'), 0o755);
  await rm(pulumiLog, { force: true });
}

function awsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${fakeBin}:${sandbox.env().PATH}`,
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    ...extra,
  };
}

const outputs = () =>
  JSON.stringify({ keyArn: server.keyArn, tableName: STACK_TABLE, region: server.region });
const dev = JSON.stringify([{ name: 'dev', current: true }]);

describe('resolution from the Pulumi stack of infra/', () => {
  it("uses the selected stack's key and table, run in infra/, and status says so", async () => {
    await fakePulumi({ stacks: dev, outputs: outputs() });
    const status = await sandbox.run(['status'], { env: awsEnv() });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain('Target: Pulumi stack dev');
    expect(status.stdout).toMatch(
      new RegExp(`^key\\s+${server.keyArn}\\s+stack dev\\s+reachable`, 'm'),
    );
    expect(status.stdout).toMatch(
      new RegExp(`^table\\s+${STACK_TABLE}\\s+stack dev\\s+reachable`, 'm'),
    );
    expect(status.stdout).toMatch(/^region\s+us-east-1\s+stack dev$/m);
    expect(status.stdout).toMatch(/^endpoint\s+http:\/\/127\.0\.0\.1:\d+\s+env AWS_ENDPOINT_URL$/m);

    const calls = (await readFile(pulumiLog, 'utf8')).trim().split('\n');
    expect(calls.map((c) => c.split('|')[0])).toEqual([infraDir, infraDir]);
    expect(calls[1]).toContain('stack output --json --stack dev');

    const enc = await sandbox.run(['encrypt'], { env: awsEnv(), input: 'stack-secret' });
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stderr).not.toContain('local emulator');
    expect(enc.stderr).toContain(`stored in table ${STACK_TABLE}`);
    expectCleanStderr(enc.stderr);
    const dec = await sandbox.run(['decrypt', enc.stdout.trim()], { env: awsEnv() });
    expect(dec.stdout).toBe('stack-secret\n');

    const dynamodb = new DynamoDBClient({
      region: server.region,
      endpoint: server.endpoint,
      credentials: server.credentials,
    });
    const scan = await dynamodb.send(new ScanCommand({ TableName: STACK_TABLE }));
    dynamodb.destroy();
    expect(scan.Items?.map((i) => i.appuser?.S)).toContain(enc.stdout.trim());
  });

  it("sends the stack's requests to the stack's region, not the shell's AWS_REGION", async () => {
    await fakePulumi({ stacks: dev, outputs: outputs() });
    const env = awsEnv({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' });
    const status = await sandbox.run(['status'], { env });
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^region\s+us-east-1\s+stack dev$/m);
    const enc = await sandbox.run(['encrypt'], { env, input: 'right-region' });
    expect(enc.code, enc.stderr).toBe(0);
    expect((await sandbox.run(['decrypt', enc.stdout.trim()], { env })).stdout).toBe(
      'right-region\n',
    );
    // An explicit --region still wins, and status says where it came from.
    const flagged = await sandbox.run(['status', '--region', 'eu-west-1'], { env });
    expect(flagged.stdout).toMatch(/^region\s+eu-west-1\s+flag --region$/m);
    // The endpoint serves one region, as a deployed stack lives in one: elsewhere, the key
    // is not found. This is what every command met before the stack's region came first.
    expect(flagged.stdout).toMatch(/^key\s.*unreachable|not usable/m);
    expect(flagged.code).toBe(1);
  });

  it('asks pulumi for the stack named by KMS_DEMO_STACK, and flags still win', async () => {
    await fakePulumi({ stacks: dev, outputs: outputs() });
    const r = await sandbox.run(['status', '--table', 'demo-kms'], {
      env: awsEnv({ KMS_DEMO_STACK: 'prod' }),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Target: Pulumi stack prod');
    expect(r.stdout).toMatch(/^table\s+demo-kms\s+flag --table\s+reachable/m);
    const calls = await readFile(pulumiLog, 'utf8');
    expect(calls).not.toContain('stack ls');
    expect(calls).toContain('stack output --json --stack prod');
  });

  it('does not run pulumi when env names both key and table', async () => {
    await fakePulumi({ stacks: dev, outputs: outputs() });
    const r = await sandbox.run(['status'], {
      env: awsEnv({ KMS_DEMO_KEY: server.keyArn, KMS_DEMO_TABLE: 'demo-kms' }),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^key\s+\S+\s+env KMS_DEMO_KEY/m);
    expect(r.stdout).toMatch(/^table\s+demo-kms\s+env KMS_DEMO_TABLE/m);
    await expect(readFile(pulumiLog, 'utf8')).rejects.toThrow();
  });

  it('fails with exit 2 and one line when pulumi fails', async () => {
    await fakePulumi({ stacks: dev, outputs: '', outputExit: 1 });
    const r = await sandbox.run(['decrypt', 'someone'], { env: awsEnv() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^kms-demo: 'pulumi stack output --json --stack dev' failed in infra\/: error: failed to decrypt config/,
    );
  });

  it('fails with exit 2 and one line when the stack lacks the outputs', async () => {
    await fakePulumi({ stacks: dev, outputs: JSON.stringify({ tableName: STACK_TABLE }) });
    const r = await sandbox.run(['encrypt'], { env: awsEnv(), input: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("Pulumi stack 'dev' lacks the outputs keyArn");
    expect(r.stderr).toContain('pulumi up');
  });

  it('falls back to the embedded local default when infra/ has no stack', async () => {
    await fakePulumi({ stacks: '[]', outputs: '{}' });
    const r = await sandbox.run(['status'], { env: { PATH: `${fakeBin}:${sandbox.env().PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Target: the embedded local emulator');
    expect(await readFile(pulumiLog, 'utf8')).toContain('stack ls --json');
  });

  it('treats a pulumi that cannot list stacks as no stack, and says so once', async () => {
    const script = `#!/bin/sh
echo "$PWD|$*" >> '${pulumiLog}'
echo 'error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions' >&2
echo 'second line' >&2
exit 255
`;
    await writeFile(join(fakeBin, 'pulumi'), script);
    await rm(pulumiLog, { force: true });
    const env = { PATH: `${fakeBin}:${sandbox.env().PATH}` };
    const enc = await sandbox.run(['encrypt'], { env, input: 'no-pulumi-login' });
    expect(enc.code, enc.stderr).toBe(0);
    const announced = enc.stderr.split('\n').filter((l) => l.includes('using the local emulator'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain(
      '(pulumi stack ls failed: error: PULUMI_ACCESS_TOKEN must be set for login',
    );
    expect(enc.stderr).not.toContain('second line');
    const dec = await sandbox.run(['decrypt', enc.stdout.trim()], { env });
    expect(dec.stdout).toBe('no-pulumi-login\n');
    const status = await sandbox.run(['status'], { env });
    expect(status.stdout).toMatch(/^Note: pulumi stack ls failed: error: PULUMI_ACCESS_TOKEN/m);

    // A stack named explicitly is still a configuration error.
    const named = await sandbox.run(['list'], { env: { ...env, KMS_DEMO_STACK: 'prod' } });
    expect(named.code).toBe(2);
  });

  it('refuses an explicit --stack when pulumi is not on PATH (exit 2)', async () => {
    const r = await sandbox.run(['list', '--stack', 'prod']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pulumi is not on PATH');
  });

  it('uses the spec names at an endpoint named by AWS_ENDPOINT_URL when there is no stack', async () => {
    const r = await sandbox.run(['status'], { env: { ...awsEnv(), PATH: sandbox.env().PATH } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Target: the endpoint ${server.endpoint}`);
    expect(r.stdout).toMatch(/^key\s+alias\/demo-kms\s+default\s+reachable/m);
    expect(r.stdout).toMatch(/^region\s+us-east-1\s+default$/m);
  });
});
