import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  defaultInfraDir,
  readStackOutputs,
  toStackOutputs,
} from '../../src/config/pulumi-stack.js';
import { CliError } from '../../src/errors.js';

let root: string;
let infraDir: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kms-demo-pulumi-'));
  infraDir = join(root, 'infra');
  await mkdir(infraDir);
});

/** A directory whose only `pulumi` runs `body` (a shell case on "$1 $2"). */
async function pathWithPulumi(body: string): Promise<string> {
  const bin = await mkdtemp(join(root, 'bin-'));
  await writeFile(join(bin, 'pulumi'), `#!/bin/sh\ncase "$1 $2" in\n${body}\nesac\n`);
  await chmod(join(bin, 'pulumi'), 0o755);
  return `${bin}:/usr/bin:/bin`;
}

const OUTPUTS =
  '{"keyArn":"arn:aws:kms:eu-west-1:111122223333:key/k","tableName":"t","region":"eu-west-1"}';

/** True while `pid` runs (a zombie, killed but not yet reaped, counts as gone). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('readStackOutputs', () => {
  it('kills a hanging pulumi with its children when it times out', async () => {
    const pidFile = join(root, 'child.pid');
    const PATH = await pathWithPulumi(`*) sleep 100 & echo $! > '${pidFile}'; wait ;;`);
    await expect(
      readStackOutputs({ infraDir, env: { PATH }, stack: 'dev', timeoutMs: 500 }),
    ).rejects.toThrow(/no answer within/);
    const child = Number((await readFile(pidFile, 'utf8')).trim());
    for (let i = 0; i < 50 && (await alive(child)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await alive(child)).toBe(false);
  });

  it('names the setting that asked for a stack when pulumi is missing', async () => {
    const env = { PATH: '/nonexistent' };
    await expect(
      readStackOutputs({ infraDir, env, stack: 'dev', stackSetting: 'KMS_DEMO_STACK=dev' }),
    ).rejects.toThrow(/^KMS_DEMO_STACK=dev names a Pulumi stack, but pulumi is not on PATH/);
  });

  it('returns undefined when pulumi is not on PATH, and refuses an explicit stack', async () => {
    const env = { PATH: '/nonexistent' };
    expect(await readStackOutputs({ infraDir, env })).toBeUndefined();
    await expect(readStackOutputs({ infraDir, env, stack: 'dev' })).rejects.toThrow(
      /pulumi is not on PATH/,
    );
  });

  it('returns undefined when infra/ has no stack', async () => {
    const PATH = await pathWithPulumi(`"stack ls") echo '[]' ;;`);
    expect(await readStackOutputs({ infraDir, env: { PATH } })).toBeUndefined();
  });

  it('reads the outputs of the selected stack', async () => {
    const PATH = await pathWithPulumi(
      `"stack ls") echo '[{"name":"a"},{"name":"dev","current":true}]' ;;\n"stack output") [ "$5" = dev ] && echo '${OUTPUTS}' ;;`,
    );
    expect(await readStackOutputs({ infraDir, env: { PATH } })).toEqual({
      stack: 'dev',
      keyId: 'arn:aws:kms:eu-west-1:111122223333:key/k',
      tableName: 't',
      region: 'eu-west-1',
    });
  });

  it('refuses to guess among several stacks when none is selected', async () => {
    const PATH = await pathWithPulumi(`"stack ls") echo '[{"name":"a"},{"name":"b"}]' ;;`);
    await expect(readStackOutputs({ infraDir, env: { PATH } })).rejects.toThrow(/--stack NAME/);
  });

  it('turns a pulumi failure into a one-line configuration error', async () => {
    const PATH = await pathWithPulumi(
      `"stack ls") echo 'error: not logged in' >&2; echo 'more' >&2; exit 1 ;;`,
    );
    const error = await readStackOutputs({ infraDir, env: { PATH } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toMatch(
      /^'pulumi stack ls --json' failed in infra\/: error: not logged in;/,
    );
    expect((error as CliError).message).not.toContain('\n');
  });

  it('rejects output that is not JSON', async () => {
    const PATH = await pathWithPulumi(`"stack ls") echo 'Please choose a stack' ;;`);
    await expect(readStackOutputs({ infraDir, env: { PATH } })).rejects.toThrow(/not JSON/);
  });

  it('finds infra/ from the bundle location, not the working directory', () => {
    expect(defaultInfraDir('file:///repo/apps/cli/dist/kms-demo.js')).toBe('/repo/infra');
    expect(defaultInfraDir('file:///repo/apps/cli/dist/chunks/resolve-config-X.js')).toBe(
      '/repo/infra',
    );
  });
});

describe('toStackOutputs', () => {
  it('accepts keyId instead of keyArn and derives the region from a key ARN', () => {
    expect(
      toStackOutputs('s', { keyId: 'arn:aws:kms:ca-central-1:1:key/x', tableName: 't' }).region,
    ).toBe('ca-central-1');
  });

  it('names every missing output', () => {
    expect(() => toStackOutputs('dev', { tableName: 't' })).toThrow(
      "Pulumi stack 'dev' lacks the outputs keyArn, region",
    );
  });
});
