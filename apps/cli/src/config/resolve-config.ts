import { DEFAULT_REGION, KEY_ALIAS, TABLE_NAME } from '@kms-demo/spec';
import { configError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { printable } from '../io/output.js';
import { redact } from '../io/redact.js';
import { hasProfileCredentials, readProfileRegion } from './aws-shared-config.js';
import { readStackOutputs, StackListError } from './pulumi-stack.js';
import { resolveStateDir } from './state-dir.js';
import type { Resolved, ResolvedConfig, StackOutputs } from './types.js';

/**
 * Settings that say "talk to AWS (or this endpoint) with the standard credential chain":
 * a profile, static keys, web identity or container credentials (CloudShell, ECS).
 * AWS_REGION alone does not: it is a setting of a target, not a target.
 */
const AWS_CREDENTIAL_SIGNALS = [
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
] as const;

export interface ResolveDeps {
  /** `setting` names what asked for the stack (`--stack dev`, `KMS_DEMO_STACK=dev`). */
  readStack: (stack: string | undefined, setting?: string) => Promise<StackOutputs | undefined>;
  readProfileRegion: (profile: string) => Promise<string | undefined>;
  /** Whether ~/.aws gives the profile credentials; absent means no. */
  hasProfileCredentials?: (profile: string) => Promise<boolean>;
}

const defaultDeps = (env: NodeJS.ProcessEnv): ResolveDeps => ({
  readStack: (stack, setting) =>
    readStackOutputs(
      stack === undefined ? { env } : { stack, env, ...(setting ? { stackSetting: setting } : {}) },
    ),
  readProfileRegion: (profile) => readProfileRegion(profile, env),
  hasProfileCredentials: (profile) => hasProfileCredentials(profile, env),
});

function pick(...candidates: Array<[string | undefined, string]>): Resolved | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value !== '') return { value, source };
  }
  return undefined;
}

/**
 * Resolution order: flags → environment → the Pulumi stack outputs of infra/ (only when
 * flags and env have not named both key and table) → the embedded local default. The
 * region is the exception: when the key or table comes from the stack, so does the
 * region, unless --region names one.
 * Wherever nothing names the key or the table, they are the spec's names. Naming a key
 * or table says which one, not where: the target is AWS only when a stack, an endpoint
 * or AWS credentials say so; otherwise the named key and table are the local emulator's.
 */
export async function resolveConfig(
  flags: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  deps: ResolveDeps = defaultDeps(env),
): Promise<ResolvedConfig> {
  const specKey: Resolved = { value: KEY_ALIAS, source: 'default' };
  const specTable: Resolved = { value: TABLE_NAME, source: 'default' };
  // A flag given with an empty value was meant to say something: refuse it rather than
  // fall through to another source (an empty environment variable stays "unset").
  for (const name of ['stack', 'key', 'table', 'region', 'endpoint'] as const) {
    if (flags[name] === '') throw configError(`--${name} is empty; give a value or leave it out`);
  }
  let key = pick([flags.key, 'flag --key'], [env.KMS_DEMO_KEY, 'env KMS_DEMO_KEY']);
  let table = pick([flags.table, 'flag --table'], [env.KMS_DEMO_TABLE, 'env KMS_DEMO_TABLE']);
  if (table) checkTableName(table);

  if (flags.local) {
    return {
      target: 'local',
      key: key ?? specKey,
      table: table ?? specTable,
      stateDir: resolveStateDir(env),
      ...localIgnored(flags),
    };
  }

  let region = pick(
    [flags.region, 'flag --region'],
    [env.AWS_REGION, 'env AWS_REGION'],
    [env.AWS_DEFAULT_REGION, 'env AWS_DEFAULT_REGION'],
  );
  const endpoint = pick(
    [flags.endpoint, 'flag --endpoint'],
    [env.AWS_ENDPOINT_URL, 'env AWS_ENDPOINT_URL'],
  );
  if (endpoint) checkEndpoint(endpoint);
  if (region) checkRegion(region);
  const profile = pick([env.AWS_PROFILE, 'env AWS_PROFILE']);
  const stackName = pick([flags.stack, 'flag --stack'], [env.KMS_DEMO_STACK, 'env KMS_DEMO_STACK']);

  let stack: StackOutputs | undefined;
  let note: string | undefined;
  if (!(key && table) || stackName) {
    try {
      stack = await deps.readStack(
        stackName?.value,
        stackName &&
          `${stackName.source === 'flag --stack' ? '--stack ' : 'KMS_DEMO_STACK='}${stackName.value}`,
      );
    } catch (error) {
      // A pulumi that cannot list stacks (never logged in, say) must not block a user who
      // asked for no stack: that is "no stack", said once. A named stack stays an error.
      if (!(error instanceof StackListError) || stackName) throw error;
      note = `pulumi stack ls failed: ${redact(error.detail)}`;
    }
  }
  if (stack) {
    const from = `stack ${stack.stack}`;
    checkTableName({ value: stack.tableName, source: from });
    key ??= { value: stack.keyId, source: from };
    table ??= { value: stack.tableName, source: from };
    // The stack's key and table exist in the stack's region only: a shell's AWS_REGION
    // set for other work must not send their requests elsewhere. An explicit --region
    // still wins (a replica, a test); env wins only where the stack supplied neither.
    const fromStack = key.source === from || table.source === from;
    if (fromStack && region?.source !== 'flag --region') {
      region = { value: stack.region, source: from };
    }
    region ??= { value: stack.region, source: from };
  }

  // A named key or table is looked for in AWS when ~/.aws has credentials to reach it
  // with (the original demo's users set up AWS that way); with nothing named, ~/.aws
  // alone does not leave the local default, which stays the no-configuration answer.
  const namedTarget =
    stack !== undefined ||
    endpoint !== undefined ||
    AWS_CREDENTIAL_SIGNALS.some((name) => env[name]) ||
    ((key !== undefined || table !== undefined) &&
      (await deps.hasProfileCredentials?.(profile?.value ?? 'default')) === true);
  if (!namedTarget) {
    return {
      target: 'local',
      key: key ?? specKey,
      table: table ?? specTable,
      stateDir: resolveStateDir(env),
      ...(note ? { note } : {}),
      ...localIgnored(flags),
    };
  }

  if (!region) {
    const profileName = profile?.value ?? 'default';
    const fromProfile = await deps.readProfileRegion(profileName);
    region = fromProfile
      ? { value: fromProfile, source: `AWS config [${profileName}]` }
      : { value: DEFAULT_REGION, source: 'default' };
  }
  return {
    target: 'aws',
    key: key ?? specKey,
    table: table ?? specTable,
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(profile ? { profile } : {}),
    ...(stack ? { stack: stack.stack } : {}),
    ...(note ? { note } : {}),
  };
}

/**
 * Flags the local emulator cannot honour: it serves one region, so a --region would be
 * dropped without a word. Environment settings are left unmentioned: a shell's AWS_REGION
 * is set for other work, and a line on every run would be noise.
 */
function localIgnored(flags: GlobalOptions): { ignored?: string[] } {
  return flags.region === undefined ? {} : { ignored: [`--region ${flags.region}`] };
}

/**
 * DynamoDB's documented rule for table names: 3 to 255 characters, letters, digits,
 * '_', '-' and '.'. Anything else is refused by every request, as a less clear
 * ValidationException, so it is a configuration error before any request.
 */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

function checkTableName(table: Resolved): void {
  if (TABLE_NAME_PATTERN.test(table.value)) return;
  const shown = redact(printable(table.value.slice(0, 60)));
  const setting = table.source.startsWith('stack ')
    ? `the table of ${table.source}`
    : settingName(table);
  throw configError(
    `${setting} '${shown}' is not a valid DynamoDB table name: use 3 to 255 letters, digits, '_', '-' and '.'`,
  );
}

/** `flag --region` → `--region`, `env AWS_REGION` → `AWS_REGION`: what the user set. */
const settingName = (r: Resolved) => r.source.replace(/^(flag|env) /, '');

/**
 * An endpoint the SDK cannot use fails late and misleadingly (as a credentials error),
 * so its shape is checked first. The value is not quoted: a URL may carry a password.
 */
function checkEndpoint(endpoint: Resolved): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw configError(
      `${settingName(endpoint)} is not an http(s) URL; give one such as http://127.0.0.1:4566 or https://kms.eu-west-1.amazonaws.com`,
    );
  }
}

/**
 * AWS region names are lower-case words joined by hyphens ending in a number: us-east-1,
 * eu-central-2, ap-southeast-5, us-gov-west-1, cn-north-1, us-isob-east-1. Anything else
 * would only become an unreachable host name.
 */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function checkRegion(region: Resolved): void {
  if (!REGION.test(region.value)) {
    throw configError(
      `${settingName(region)} '${region.value.slice(0, 40)}' is not an AWS region name; use one such as us-east-1 or eu-west-1`,
    );
  }
}
