import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasProfileCredentials, readProfileRegion } from '../../src/config/aws-shared-config.js';
import { StackListError } from '../../src/config/pulumi-stack.js';
import { type ResolveDeps, resolveConfig } from '../../src/config/resolve-config.js';
import { resolveStateDir } from '../../src/config/state-dir.js';
import type { StackOutputs } from '../../src/config/types.js';

const STACK: StackOutputs = {
  stack: 'dev',
  keyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
  tableName: 'stack-table',
  region: 'eu-west-1',
};

/** Resolution inputs: what pulumi would answer, and which stacks were asked for. */
function deps(stack?: StackOutputs, profileRegion?: string) {
  const asked: Array<string | undefined> = [];
  const d: ResolveDeps = {
    readStack: async (name) => {
      asked.push(name);
      return stack ? { ...stack, stack: name ?? stack.stack } : undefined;
    },
    readProfileRegion: async () => profileRegion,
  };
  return { d, asked };
}

const HOME = { HOME: '/home/u' };

describe('resolveConfig', () => {
  it('stays on the local default when only the key or table is named, even by default values', async () => {
    for (const [flags, env] of [
      [{ key: 'alias/demo-kms' }, {}],
      [{ table: 'demo-kms' }, {}],
      [{}, { KMS_DEMO_TABLE: 'demo-kms' }],
      [{}, { KMS_DEMO_KEY: 'alias/other' }],
    ] as const) {
      const c = await resolveConfig(flags, { ...HOME, ...env }, deps().d);
      expect(c.target).toBe('local');
    }
    const named = await resolveConfig({ table: 'mine' }, HOME, deps().d);
    expect(named).toMatchObject({ table: { value: 'mine', source: 'flag --table' } });
  });

  it('goes to AWS when an endpoint, credentials, a profile or a stack says so', async () => {
    for (const env of [
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' },
      { AWS_PROFILE: 'p' },
    ]) {
      const c = await resolveConfig({ key: 'alias/demo-kms' }, { ...HOME, ...env }, deps().d);
      expect(c.target).toBe('aws');
    }
    expect((await resolveConfig({ table: 'tbl' }, HOME, deps(STACK).d)).target).toBe('aws');
    // Credentials in ~/.aws count for a named key or table, not for nothing named.
    const shared = { ...deps().d, hasProfileCredentials: async () => true };
    expect((await resolveConfig({ key: 'alias/k' }, HOME, shared)).target).toBe('aws');
    expect((await resolveConfig({}, HOME, shared)).target).toBe('local');
  });

  it('finds profile credentials in the shared credentials or config file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-awscreds-'));
    const credentials = join(dir, 'credentials');
    const config = join(dir, 'config');
    await writeFile(credentials, '[default]\naws_access_key_id = AKIAEXAMPLE\n');
    await writeFile(
      config,
      '[profile sso]\nsso_session = corp\n[profile bare]\nregion = eu-west-1\n',
    );
    const env = { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
    expect(await hasProfileCredentials('default', env)).toBe(true);
    expect(await hasProfileCredentials('sso', env)).toBe(true);
    expect(await hasProfileCredentials('bare', env)).toBe(false);
    expect(
      await hasProfileCredentials('default', { ...env, AWS_SHARED_CREDENTIALS_FILE: config }),
    ).toBe(false);
  });

  it('refuses empty --region and --stack flags, and a table name DynamoDB would refuse', async () => {
    await expect(resolveConfig({ region: '' }, HOME, deps().d)).rejects.toThrow(
      /--region is empty/,
    );
    await expect(resolveConfig({ stack: '' }, HOME, deps().d)).rejects.toThrow(/--stack is empty/);
    for (const table of ['bad table!', 'ab', 'x'.repeat(256)]) {
      await expect(resolveConfig({ table, local: true }, HOME, deps().d)).rejects.toThrow(
        /not a valid DynamoDB table name/,
      );
    }
    await expect(
      resolveConfig({}, { ...HOME, KMS_DEMO_TABLE: 'no/slash' }, deps().d),
    ).rejects.toThrow(/^KMS_DEMO_TABLE .*not a valid DynamoDB table name/);
  });

  it('is the embedded local default when nothing is configured', async () => {
    const { d, asked } = deps();
    const c = await resolveConfig({}, HOME, d);
    expect(c).toMatchObject({
      target: 'local',
      key: { value: 'alias/demo-kms', source: 'default' },
      table: { value: 'demo-kms', source: 'default' },
    });
    expect(asked).toEqual([undefined]);
  });

  it('takes the selected stack when one exists', async () => {
    const { d } = deps(STACK);
    const c = await resolveConfig({}, HOME, d);
    expect(c).toMatchObject({
      target: 'aws',
      stack: 'dev',
      key: { value: STACK.keyId, source: 'stack dev' },
      table: { value: 'stack-table', source: 'stack dev' },
      region: { value: 'eu-west-1', source: 'stack dev' },
    });
  });

  it('lets flags beat env, and env beat the stack, value by value', async () => {
    const { d } = deps(STACK);
    const c = await resolveConfig(
      { table: 'flag-table' },
      { ...HOME, KMS_DEMO_TABLE: 'env-table', AWS_REGION: 'ap-south-1' },
      d,
    );
    expect(c).toMatchObject({
      target: 'aws',
      key: { source: 'stack dev' },
      table: { value: 'flag-table', source: 'flag --table' },
      region: { value: 'eu-west-1', source: 'stack dev' },
    });
  });

  it("uses the stack's region for the stack's key and table unless --region names one", async () => {
    const { d } = deps(STACK);
    const env = { ...HOME, AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'ap-south-2' };
    expect(await resolveConfig({}, env, d)).toMatchObject({
      region: { value: 'eu-west-1', source: 'stack dev' },
    });
    const flagged = await resolveConfig({ region: 'us-west-2' }, env, d);
    expect(flagged).toMatchObject({ region: { value: 'us-west-2', source: 'flag --region' } });
    // Key and table both named elsewhere, stack asked for explicitly: env region stands.
    const named = await resolveConfig({ key: 'alias/k', table: 'tbl', stack: 'dev' }, env, d);
    expect(named).toMatchObject({ region: { value: 'ap-south-1', source: 'env AWS_REGION' } });
  });

  it('does not ask pulumi when flags and env name both key and table', async () => {
    const { d, asked } = deps(STACK);
    const c = await resolveConfig({ key: 'alias/k' }, { ...HOME, KMS_DEMO_TABLE: 'tbl' }, d);
    expect(asked).toEqual([]);
    expect(c).toMatchObject({
      target: 'local',
      key: { source: 'flag --key' },
      table: { source: 'env KMS_DEMO_TABLE' },
    });
  });

  it('asks for the stack named by --stack or KMS_DEMO_STACK, even with key and table named', async () => {
    const flag = deps(STACK);
    await resolveConfig({ stack: 'prod', key: 'k', table: 'tbl' }, HOME, flag.d);
    expect(flag.asked).toEqual(['prod']);
    const env = deps(STACK);
    await resolveConfig({}, { ...HOME, KMS_DEMO_STACK: 'qa' }, env.d);
    expect(env.asked).toEqual(['qa']);
  });

  it('uses the spec names at an endpoint named by AWS_ENDPOINT_URL', async () => {
    const { d } = deps();
    const c = await resolveConfig({}, { ...HOME, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, d);
    expect(c).toMatchObject({
      target: 'aws',
      key: { value: 'alias/demo-kms', source: 'default' },
      table: { value: 'demo-kms', source: 'default' },
      endpoint: { value: 'http://127.0.0.1:4566', source: 'env AWS_ENDPOINT_URL' },
      region: { value: 'us-east-1', source: 'default' },
    });
  });

  it('uses AWS with the spec names when AWS credentials are configured (resources made by hand)', async () => {
    const { d } = deps(undefined, 'eu-central-1');
    const c = await resolveConfig({}, { ...HOME, AWS_PROFILE: 'work' }, d);
    expect(c).toMatchObject({
      target: 'aws',
      key: { value: 'alias/demo-kms' },
      profile: { value: 'work', source: 'env AWS_PROFILE' },
      region: { value: 'eu-central-1', source: 'AWS config [work]' },
    });
  });

  it('stays local when only AWS_REGION is set: a region is not a target', async () => {
    const { d } = deps();
    expect((await resolveConfig({}, { ...HOME, AWS_REGION: 'eu-west-1' }, d)).target).toBe('local');
  });

  it('--local wins over a stack and AWS settings, keeping named key and table', async () => {
    const { d, asked } = deps(STACK);
    const c = await resolveConfig(
      { local: true },
      { ...HOME, AWS_ENDPOINT_URL: 'http://x', AWS_PROFILE: 'p', KMS_DEMO_TABLE: 'mine' },
      d,
    );
    expect(asked).toEqual([]);
    expect(c).toMatchObject({
      target: 'local',
      table: { value: 'mine', source: 'env KMS_DEMO_TABLE' },
    });
  });

  it('propagates a failing stack read (a configuration error)', async () => {
    const d: ResolveDeps = {
      readStack: async () => {
        throw new Error('pulumi failed');
      },
      readProfileRegion: async () => undefined,
    };
    await expect(resolveConfig({}, HOME, d)).rejects.toThrow('pulumi failed');
  });

  it('treats a failing `pulumi stack ls` as no stack unless a stack was named', async () => {
    const d: ResolveDeps = {
      readStack: async () => {
        throw new StackListError('pulumi stack ls failed', 'error: not logged in');
      },
      readProfileRegion: async () => undefined,
    };
    expect(await resolveConfig({}, HOME, d)).toMatchObject({
      target: 'local',
      note: 'pulumi stack ls failed: error: not logged in',
    });
    await expect(resolveConfig({ stack: 'prod' }, HOME, d)).rejects.toThrow(StackListError);
  });
});

describe('resolveStateDir', () => {
  it('prefers KMS_DEMO_HOME, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(resolveStateDir({ KMS_DEMO_HOME: '/s', XDG_STATE_HOME: '/x' })).toEqual({
      value: '/s',
      source: 'env KMS_DEMO_HOME',
    });
    expect(resolveStateDir({ XDG_STATE_HOME: '/x' })).toEqual({
      value: '/x/kms-demo',
      source: 'env XDG_STATE_HOME',
    });
    expect(resolveStateDir({}).value).toMatch(/\/\.local\/state\/kms-demo$/);
  });

  it('accepts /dev/shm (a writable tmpfs) and refuses /proc, /sys and other /dev paths truly', () => {
    expect(resolveStateDir({ KMS_DEMO_HOME: '/dev/shm/x' }).value).toBe('/dev/shm/x');
    expect(() => resolveStateDir({ KMS_DEMO_HOME: '/proc/x' })).toThrow(/kernel file system/);
    expect(() => resolveStateDir({ KMS_DEMO_HOME: '/dev/x' })).toThrow(/device files/);
  });
});

describe('readProfileRegion', () => {
  it('reads [default] and [profile NAME] sections of AWS_CONFIG_FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-awsconfig-'));
    const file = join(dir, 'config');
    await writeFile(
      file,
      '[default]\nregion = us-west-2\n\n# comment\n[profile work]\noutput=json\nregion=eu-north-1\n',
    );
    expect(await readProfileRegion('default', { AWS_CONFIG_FILE: file })).toBe('us-west-2');
    expect(await readProfileRegion('work', { AWS_CONFIG_FILE: file })).toBe('eu-north-1');
    expect(await readProfileRegion('other', { AWS_CONFIG_FILE: file })).toBeUndefined();
    expect(
      await readProfileRegion('default', { AWS_CONFIG_FILE: join(dir, 'missing') }),
    ).toBeUndefined();
  });
});
