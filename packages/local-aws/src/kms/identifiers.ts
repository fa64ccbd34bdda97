import { randomUUID } from 'node:crypto';
import { KmsError, notFound, validationError } from './errors.js';

/** Where the emulator lives: every ARN it issues or accepts names this region and account. */
export interface Scope {
  region: string;
  accountId: string;
}

/** A key reference as the caller wrote it, reduced to what it points at. */
export type KeyReference = { kind: 'key'; keyId: string } | { kind: 'alias'; aliasName: string };

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS_PATTERN = /^[a-zA-Z0-9:/_-]+$/;
const ARN = /^arn:aws:kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;

export function newKeyId(): string {
  return randomUUID();
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function keyArn(scope: Scope, keyId: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:key/${keyId}`;
}

export function aliasArn(scope: Scope, aliasName: string): string {
  return `arn:aws:kms:${scope.region}:${scope.accountId}:${aliasName}`;
}

/**
 * Reads a KeyId parameter. AWS accepts key id and key ARN everywhere, and alias name and
 * alias ARN only on the operations whose reference says so (DescribeKey and the
 * cryptographic operations); elsewhere an alias is not a key and is reported as not found.
 */
export function parseKeyReference(scope: Scope, value: string, allowAlias: boolean): KeyReference {
  const arn = ARN.exec(value);
  if (value.startsWith('arn:') && !arn) {
    throw new KmsError('InvalidArnException', `Invalid arn ${value}`);
  }
  if (arn) {
    const [, region, account, type, rest] = arn as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (region !== scope.region || account !== scope.accountId) {
      throw notFound(`Key '${value}' does not exist`);
    }
    if (type === 'key') return keyReference(value, rest);
    return aliasReference(value, `alias/${rest}`, allowAlias);
  }
  if (value.startsWith('alias/')) return aliasReference(value, value, allowAlias);
  return keyReference(value, value);
}

function keyReference(original: string, keyId: string): KeyReference {
  if (!isKeyId(keyId)) throw notFound(`Invalid keyId ${original}`);
  return { kind: 'key', keyId };
}

function aliasReference(original: string, aliasName: string, allowAlias: boolean): KeyReference {
  if (!allowAlias) throw notFound(`Invalid keyId ${original}`);
  return { kind: 'alias', aliasName };
}

/**
 * Checks an AliasName member: 1..256 characters of the model's pattern, the `alias/`
 * prefix, a name after it, no colon (the developer guide allows only letters, digits,
 * `/`, `_` and `-`), and, for a new alias, not the reserved `alias/aws/` prefix.
 */
export function checkAliasName(aliasName: string, forCreation: boolean): void {
  if (!ALIAS_PATTERN.test(aliasName)) {
    throw validationError(
      'aliasName',
      `Member must satisfy regular expression pattern: ${ALIAS_PATTERN.source}`,
      aliasName,
    );
  }
  if (!aliasName.startsWith('alias/') || aliasName.length === 'alias/'.length) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (aliasName.includes(':')) {
    throw new KmsError(
      'InvalidAliasNameException',
      `${aliasName} contains invalid characters for an alias`,
    );
  }
  if (forCreation && aliasName.startsWith('alias/aws/')) {
    throw new KmsError(
      'InvalidAliasNameException',
      `Alias ${aliasName} uses the prefix alias/aws/, which is reserved for AWS managed keys.`,
    );
  }
}
