import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bundle = join(cliRoot, 'dist', 'kms-demo.js');

if (!existsSync(bundle)) {
  throw new Error(
    `${bundle} is missing: the e2e tests run the built CLI ('pnpm --filter @kms-demo/cli build')`,
  );
}

export interface RunResult {
  code: number | null;
  stdout: string;
  /** stdout as bytes, for output that is not text. */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
}

/** A throwaway HOME and KMS_DEMO_HOME, and the minimal environment the CLI is run with. */
export class Sandbox {
  private constructor(
    readonly dir: string,
    readonly home: string,
    readonly stateDir: string,
  ) {}

  static async create(prefix = 'kms-demo-cli-'): Promise<Sandbox> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    return new Sandbox(dir, join(dir, 'home'), join(dir, 'state'));
  }

  /** PATH, HOME and KMS_DEMO_HOME only: no AWS_* settings leak in from the test runner. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: this.home,
      KMS_DEMO_HOME: this.stateDir,
      ...extra,
    };
  }

  run(args: string[], o: RunOptions = {}): Promise<RunResult> {
    return runCli(args, { ...o, env: this.env(o.env) });
  }

  /** Stops the background server of this sandbox's state dir, then removes the sandbox. */
  async dispose(): Promise<void> {
    await this.run(['local', 'stop']);
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function runCli(args: string[], o: RunOptions = {}): Promise<RunResult> {
  return runCommand(process.execPath, [bundle, ...args], o);
}

function runCommand(file: string, args: string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: o.env ?? {},
      cwd: o.cwd ?? cliRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stdoutBytes: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => {});
    child.stdin.end(o.input ?? '');
  });
}

/** What must never reach a user's terminal: stack frames, SDK warnings, LevelDB errors. */
export function expectCleanStderr(stderr: string): void {
  const noise = [
    /^\s+at .+\(.+:\d+:\d+\)$/m,
    /^\s+at .+:\d+:\d+$/m,
    /NodeVersionSupportWarning/,
    /\(node:\d+\) \w*Warning/,
    /LevelDB|LEVEL_|IO error: lock/i,
  ];
  for (const pattern of noise) {
    if (pattern.test(stderr)) throw new Error(`stderr matches ${pattern}:\n${stderr}`);
  }
}

/** The stderr lines, without the one-line local-default announcement. */
export function storyLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.includes('using the local emulator'));
}

/**
 * Runs `/bin/sh -c script` with $KMS set to the built CLI (`node dist/kms-demo.js`), for
 * what only a shell can set up: closed or redirected file descriptors.
 */
export function runSh(script: string, o: RunOptions = {}): Promise<RunResult> {
  const kms = `'${process.execPath}' '${bundle}'`;
  return runCommand('/bin/sh', ['-c', script.replaceAll('"$KMS"', kms)], o);
}
