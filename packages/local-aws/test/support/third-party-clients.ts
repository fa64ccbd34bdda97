import { execFile, spawnSync } from 'node:child_process';
import type { ClientTarget } from './clients.js';

/** Why a third-party client cannot run here, or undefined if it can. */
export function awsCliUnavailable(): string | undefined {
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'the AWS CLI (`aws`) is not on PATH';
}

export function boto3Unavailable(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'python3 with boto3 is not available';
}

/**
 * An environment that carries only the endpoint's credentials and region: the user's own
 * AWS config and credentials files are pointed at an empty file so they cannot interfere.
 */
export function isolatedAwsEnv(target: ClientTarget, emptyFile: string): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'PYENV_ROOT', 'PYENV_VERSION', 'LANG', 'TMPDIR', 'SYSTEMROOT'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: target.region,
    AWS_REGION: target.region,
    AWS_CONFIG_FILE: emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
