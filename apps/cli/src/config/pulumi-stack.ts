import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, configError } from '../errors.js';
import { findExecutable } from './find-executable.js';
import type { StackOutputs } from './types.js';

const PULUMI_TIMEOUT_MS = 30_000;
const HINT = "deploy it with 'cd infra && pulumi up', or pass --local for the embedded emulator";

/**
 * `pulumi stack ls` failed (not logged in, no backend, a broken install). Nobody named a
 * stack when it runs, so resolution treats it as "no stack" and says why; `detail` is
 * the first line of pulumi's complaint.
 */
export class StackListError extends CliError {
  override name = 'StackListError';
  constructor(
    message: string,
    readonly detail: string,
    cause?: unknown,
  ) {
    super('CONFIG', message, { cause });
  }
}

export interface ReadStackOptions {
  /** An explicitly named stack (--stack or KMS_DEMO_STACK); otherwise the selected one. */
  stack?: string;
  /** How the user named it (`--stack dev`, `KMS_DEMO_STACK=dev`), for error messages. */
  stackSetting?: string;
  /** How long one pulumi run may take before it and its children are killed. */
  timeoutMs?: number;
  infraDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * infra/ next to the CLI, found from the bundle's own location (apps/cli/dist), never
 * from the working directory: running the CLI from elsewhere must not pick up a
 * different project's Pulumi program.
 */
export function defaultInfraDir(moduleUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  // In the bundle this module sits in one of the chunks under dist/chunks/.
  if (basename(dir) === 'chunks') dir = dirname(dir);
  return join(dir, '..', '..', '..', 'infra');
}

/**
 * The outputs of the Pulumi stack of infra/. Returns undefined when there is nothing to
 * read and nobody asked for a stack (no pulumi on PATH, no infra/, no stack); throws a
 * configuration error when pulumi fails or the stack lacks the outputs.
 */
export async function readStackOutputs(
  o: ReadStackOptions = {},
): Promise<StackOutputs | undefined> {
  const env = o.env ?? process.env;
  const explicit = o.stack !== undefined;
  const infraDir = o.infraDir ?? defaultInfraDir();
  const asked = o.stackSetting ?? `stack '${o.stack}'`;
  const pulumi = await findExecutable('pulumi', env);
  if (!pulumi) {
    if (explicit) throw configError(`${asked} names a Pulumi stack, but pulumi is not on PATH`);
    return undefined;
  }
  if (!(await isDirectory(infraDir))) {
    if (explicit) throw configError(`${asked} names a Pulumi stack, but ${infraDir} is missing`);
    return undefined;
  }
  const timeoutMs = o.timeoutMs ?? PULUMI_TIMEOUT_MS;
  const run = (args: string[]) => runPulumi(pulumi, args, infraDir, env, timeoutMs);

  let stack = o.stack;
  if (stack === undefined) {
    const listed = await listStacks(run);
    if (!Array.isArray(listed) || listed.length === 0) return undefined;
    const stacks = listed as Array<{ name?: unknown; current?: unknown }>;
    const current =
      stacks.find((s) => s.current === true) ?? (stacks.length === 1 ? stacks[0] : undefined);
    if (typeof current?.name !== 'string') {
      throw configError(
        "infra/ has several Pulumi stacks and none is selected: pass --stack NAME or run 'pulumi stack select'",
      );
    }
    stack = current.name;
  }
  const outputs = parseJson(
    await run(['stack', 'output', '--json', '--stack', stack]),
    'pulumi stack output',
  );
  return toStackOutputs(stack, outputs);
}

async function listStacks(run: (args: string[]) => Promise<string>): Promise<unknown> {
  let text: string;
  try {
    text = await run(['stack', 'ls', '--json']);
  } catch (error) {
    const detail = error instanceof PulumiError ? error.detail : String(error);
    throw new StackListError((error as Error).message, detail, error);
  }
  try {
    return parseJson(text, 'pulumi stack ls');
  } catch (error) {
    throw new StackListError((error as Error).message, 'its output is not JSON', error);
  }
}

/** Checks the outputs infra/ exports: the key (ARN or id), the table name and the region. */
export function toStackOutputs(stack: string, outputs: unknown): StackOutputs {
  const o = (outputs && typeof outputs === 'object' ? outputs : {}) as Record<string, unknown>;
  const str = (name: string) =>
    typeof o[name] === 'string' && o[name] !== '' ? (o[name] as string) : undefined;
  const keyId = str('keyArn') ?? str('keyId');
  const tableName = str('tableName');
  const region = str('region') ?? (keyId?.startsWith('arn:') ? keyId.split(':')[3] : undefined);
  const missing = [!keyId && 'keyArn', !tableName && 'tableName', !region && 'region'].filter(
    Boolean,
  );
  if (!keyId || !tableName || !region || missing.length > 0) {
    throw configError(`Pulumi stack '${stack}' lacks the outputs ${missing.join(', ')}: ${HINT}`);
  }
  return { stack, keyId, tableName, region };
}

/**
 * Runs pulumi in a process group of its own, so a run that hangs is killed with every
 * child it started (its language host, plugins, a `sleep`): killing pulumi alone would
 * leave them orphaned.
 */
async function runPulumi(
  pulumi: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  const fullArgs = [...args, '--non-interactive'];
  // Loaded only when there is a pulumi to run: most runs have none (the local default).
  const { spawn } = await import('node:child_process');
  return new Promise<string>((resolve, reject) => {
    const child = spawn(pulumi, fullArgs, {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, PULUMI_SKIP_UPDATE_CHECK: 'true' },
    });
    const out = new Collected();
    const err = new Collected();
    child.stdout.on('data', (c: Buffer) => out.add(c));
    child.stderr.on('data', (c: Buffer) => err.add(c));
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new PulumiError(args, error.message, error));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Children still holding the group after pulumi exits on its own are not ours to keep.
      killGroup();
      if (!timedOut && code === 0 && !out.overflow) return resolve(out.text());
      const detail = timedOut
        ? `no answer within ${timeoutMs / 1000}s`
        : out.overflow
          ? 'it printed more than 4 MiB'
          : firstLine(err.text()) || (signal ? `killed by ${signal}` : `exit code ${code}`);
      reject(new PulumiError(args, detail, undefined));
    });
  });
}

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** A child's output, kept up to MAX_OUTPUT_BYTES. */
class Collected {
  private chunks: Buffer[] = [];
  private size = 0;
  overflow = false;
  add(chunk: Buffer): void {
    if (this.size + chunk.length > MAX_OUTPUT_BYTES) {
      this.overflow = true;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

class PulumiError extends CliError {
  override name = 'PulumiError';
  constructor(
    args: string[],
    readonly detail: string,
    cause: unknown,
  ) {
    super(
      'CONFIG',
      `'pulumi ${args.join(' ')}' failed in infra/: ${detail}; fix the stack, or pass --local for the embedded emulator`,
      { cause },
    );
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw configError(`${what} printed something that is not JSON; is pulumi up to date?`, error);
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
