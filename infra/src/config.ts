import { KEY_ALIAS, RESOURCE_TAGS, TABLE_NAME } from '@kms-demo/spec';
import type * as pulumi from '@pulumi/pulumi';
import { InfraConfigError } from './config-error.js';

/** The stack configuration, read once and validated before any resource exists. */
export interface InfraConfig {
  /** Alias of the customer managed key; the CLI and the core find the key by it. */
  keyAlias: string;
  /** Name of the DynamoDB table; also the value of the `table` encryption context pair. */
  tableName: string;
  /** Days KMS waits before deleting the key after `pulumi destroy` (AWS allows 7..30). */
  deletionWindowInDays: number;
  /** IAM principals that manage the key but cannot encrypt or decrypt with it. */
  keyAdministrators: string[];
  /** IAM principals that may use the key, bound to this table's encryption context. */
  keyUsers: string[];
  /** Whether DynamoDB refuses to delete the table (so `pulumi destroy` fails while on). */
  tableDeletionProtection: boolean;
  /**
   * Whether key users may Decrypt without an encryption context, which only items written
   * by the original demo need. Off by default: such items are bound to nothing, so anyone
   * who can write the table could swap another user's ciphertext into an item.
   */
  allowLegacyItems: boolean;
  /** Tags on every resource: the project's tags plus the stack's extra tags. */
  tags: Record<string, string>;
}

/**
 * Defaults per config key, as documented in Pulumi.yaml (a test keeps the two equal).
 * Empty principal lists mean "the identity running `pulumi up`".
 */
export const CONFIG_DEFAULTS = {
  keyAlias: KEY_ALIAS,
  tableName: TABLE_NAME,
  deletionWindowInDays: 7,
  keyAdministrators: [] as string[],
  keyUsers: [] as string[],
  tableDeletionProtection: true,
  allowLegacyItems: false,
  tags: [] as string[],
} as const satisfies Record<keyof InfraConfig, unknown>;

/** AWS KMS accepts a pending deletion window of 7 to 30 days. */
export const MIN_DELETION_WINDOW_DAYS = 7;
export const MAX_DELETION_WINDOW_DAYS = 30;

// IAM users and roles (or an account root) only: a session ARN from STS expires with the
// session, and a wildcard principal would open the key to everyone.
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|(user|role)\/[\w+=,.@/-]+)$/;
const ALIAS_NAME = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;
const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;

/**
 * Reads and validates the stack config. `deployerArn` (the IAM identity running
 * `pulumi up`) fills the principal lists left empty.
 */
export function readConfig(config: pulumi.Config, deployerArn: string): InfraConfig {
  const keyAlias = config.get('keyAlias') ?? CONFIG_DEFAULTS.keyAlias;
  if (!ALIAS_NAME.test(keyAlias) || keyAlias.startsWith('alias/aws/')) {
    throw new InfraConfigError(
      'keyAlias',
      `keyAlias "${keyAlias}" is not a valid KMS alias: use "alias/" followed by letters, digits, "/", "_" or "-" (the "alias/aws/" prefix is reserved by AWS).`,
    );
  }

  const tableName = config.get('tableName') ?? CONFIG_DEFAULTS.tableName;
  if (!TABLE_NAME_PATTERN.test(tableName)) {
    throw new InfraConfigError(
      'tableName',
      `tableName "${tableName}" is not a valid DynamoDB table name: use 3 to 255 letters, digits, "_", "-" or ".".`,
    );
  }

  return {
    keyAlias,
    tableName,
    deletionWindowInDays: readDeletionWindow(config),
    keyAdministrators: readPrincipals(config, 'keyAdministrators', deployerArn),
    keyUsers: readPrincipals(config, 'keyUsers', deployerArn),
    tableDeletionProtection: readBoolean(config, 'tableDeletionProtection'),
    allowLegacyItems: readBoolean(config, 'allowLegacyItems'),
    tags: readTags(config),
  };
}

function readDeletionWindow(config: pulumi.Config): number {
  const raw = config.get('deletionWindowInDays');
  const days = raw === undefined ? CONFIG_DEFAULTS.deletionWindowInDays : Number(raw);
  if (
    !Number.isInteger(days) ||
    days < MIN_DELETION_WINDOW_DAYS ||
    days > MAX_DELETION_WINDOW_DAYS
  ) {
    throw new InfraConfigError(
      'deletionWindowInDays',
      `deletionWindowInDays must be a whole number of days from ${MIN_DELETION_WINDOW_DAYS} to ${MAX_DELETION_WINDOW_DAYS} (the AWS KMS limits), got "${raw}". Run: pulumi config set deletionWindowInDays ${CONFIG_DEFAULTS.deletionWindowInDays}`,
    );
  }
  return days;
}

function readBoolean(
  config: pulumi.Config,
  key: 'tableDeletionProtection' | 'allowLegacyItems',
): boolean {
  const raw = config.get(key);
  if (raw === undefined) return CONFIG_DEFAULTS[key];
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new InfraConfigError(key, `${key} must be true or false, got "${raw}".`);
}

function readStringList(config: pulumi.Config, key: string): string[] {
  const value = config.getObject<unknown>(key);
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InfraConfigError(
      key,
      `${key} must be a list of strings; set items with: pulumi config set --path '${key}[0]' <value>`,
    );
  }
  return value;
}

function readPrincipals(
  config: pulumi.Config,
  key: 'keyAdministrators' | 'keyUsers',
  deployerArn: string,
): string[] {
  const principals = readStringList(config, key);
  for (const arn of principals) {
    if (!IAM_PRINCIPAL_ARN.test(arn)) {
      throw new InfraConfigError(
        key,
        `${key} entry "${arn}" is not an IAM user, role or account root ARN (e.g. arn:aws:iam::123456789012:role/Name); wildcards and STS session ARNs are not accepted.`,
      );
    }
  }
  return principals.length > 0 ? [...new Set(principals)] : [deployerArn];
}

function readTags(config: pulumi.Config): Record<string, string> {
  const extra = new Map<string, string>();
  for (const entry of readStringList(config, 'tags')) {
    const separator = entry.indexOf('=');
    const key = separator > 0 ? entry.slice(0, separator) : '';
    const value = entry.slice(separator + 1);
    if (key === '' || key.length > 128 || value.length > 256 || key.startsWith('aws:')) {
      throw new InfraConfigError(
        'tags',
        `tags entry "${entry}" must be "key=value" with a key of 1 to 128 characters not starting with "aws:" and a value of at most 256 characters.`,
      );
    }
    if (Object.hasOwn(RESOURCE_TAGS, key) || extra.has(key)) {
      throw new InfraConfigError(
        'tags',
        `tags sets "${key}" twice or overrides a project tag (${Object.keys(RESOURCE_TAGS).join(', ')}); remove that entry.`,
      );
    }
    extra.set(key, value);
  }
  return { ...Object.fromEntries(extra), ...RESOURCE_TAGS };
}
