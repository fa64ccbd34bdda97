import type { AuthorizationRequest } from '../authz/authorize.js';
import type { CompiledPolicy } from '../authz/compiled-policy.js';
import { decodeHeader } from './ciphertext.js';
import { aliasArn, parseKeyReference } from './identifiers.js';
import type { KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';
import type { Body } from './validation.js';

/** Operations on no key: only identity policies decide, on the resource `*`. */
const KEYLESS = new Set(['CreateKey', 'GenerateRandom', 'ListAliases', 'ListKeys']);

/** Operations whose KeyId names the key, and the member holding their encryption context. */
const KEYED: ReadonlyMap<string, string | undefined> = new Map([
  ['CancelKeyDeletion', undefined],
  // Not emulated, but authorized first, as AWS would: the app policy must refuse them.
  ['CreateGrant', undefined],
  ['ListGrants', undefined],
  ['RevokeGrant', undefined],
  ['DescribeKey', undefined],
  ['DisableKey', undefined],
  ['DisableKeyRotation', undefined],
  ['EnableKey', undefined],
  ['EnableKeyRotation', undefined],
  ['Encrypt', 'EncryptionContext'],
  ['GenerateDataKey', 'EncryptionContext'],
  ['GenerateDataKeyWithoutPlaintext', 'EncryptionContext'],
  ['GetKeyPolicy', undefined],
  ['GetKeyRotationStatus', undefined],
  ['ListResourceTags', undefined],
  ['PutKeyPolicy', undefined],
  ['RotateKeyOnDemand', undefined],
  ['ScheduleKeyDeletion', undefined],
  ['TagResource', undefined],
  ['UntagResource', undefined],
]);

/**
 * The permissions a KMS request needs, read from its body before it runs: the action on
 * the key it names (with the key's policy) and the request's condition keys. A key that
 * cannot be found adds no permission: the operation then fails with its own
 * NotFoundException or validation error, as it would for any caller.
 */
export function kmsAuthorizationRequests(
  store: KeyStore,
  operation: string,
  body: Body,
  compile: (policy: string) => CompiledPolicy,
): AuthorizationRequest[] {
  const onKey = (
    action: string,
    key: KeyRecord | undefined,
    context?: unknown,
  ): AuthorizationRequest[] =>
    key
      ? [
          {
            action: `kms:${action}`,
            resource: store.arn(key),
            keyPolicy: compile(key.policy),
            context: encryptionContextKeys(context),
          },
        ]
      : [];
  if (KEYLESS.has(operation)) {
    return [{ action: `kms:${operation}`, resource: '*', context: new Map() }];
  }
  if (KEYED.has(operation)) {
    const member = KEYED.get(operation);
    return onKey(operation, findKey(store, body.KeyId), member ? body[member] : undefined);
  }
  switch (operation) {
    case 'Decrypt':
      return onKey(
        'Decrypt',
        findKey(store, body.KeyId) ?? keyOfBlob(store, body.CiphertextBlob),
        body.EncryptionContext,
      );
    case 'ReEncrypt':
      return [
        ...onKey(
          'ReEncryptFrom',
          findKey(store, body.SourceKeyId) ?? keyOfBlob(store, body.CiphertextBlob),
          body.SourceEncryptionContext,
        ),
        ...onKey(
          'ReEncryptTo',
          findKey(store, body.DestinationKeyId),
          body.DestinationEncryptionContext,
        ),
      ];
    case 'CreateAlias':
    case 'UpdateAlias':
    case 'DeleteAlias': {
      // AWS checks the alias (identity policies only) and the key it points to.
      const name = typeof body.AliasName === 'string' ? body.AliasName : undefined;
      const target =
        operation === 'DeleteAlias'
          ? name && findKey(store, name)
          : findKey(store, body.TargetKeyId);
      return [
        ...(name
          ? [
              {
                action: `kms:${operation}`,
                resource: aliasArn(store.scope, name),
                context: new Map(),
              },
            ]
          : []),
        ...onKey(operation, target || undefined),
      ];
    }
    default:
      return [];
  }
}

function findKey(store: KeyStore, value: unknown): KeyRecord | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  try {
    return store.resolve(parseKeyReference(store.scope, value, true));
  } catch {
    return undefined;
  }
}

function keyOfBlob(store: KeyStore, blob: unknown): KeyRecord | undefined {
  if (typeof blob !== 'string') return undefined;
  try {
    return store.findKey(decodeHeader(Buffer.from(blob, 'base64')).keyId);
  } catch {
    return undefined;
  }
}

/**
 * `kms:EncryptionContext:<key>` per pair and `kms:EncryptionContextKeys` (all keys). Key
 * names are matched without regard to case, as IAM condition key names are; a
 * case-sensitive test uses kms:EncryptionContextKeys, as the KMS guide advises.
 */
function encryptionContextKeys(context: unknown): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  if (typeof context !== 'object' || context === null || Array.isArray(context)) return keys;
  const names: string[] = [];
  for (const [name, value] of Object.entries(context)) {
    if (typeof value !== 'string') continue;
    names.push(name);
    const lookup = `kms:encryptioncontext:${name.toLowerCase()}`;
    keys.set(lookup, [...(keys.get(lookup) ?? []), value]);
  }
  keys.set('kms:encryptioncontextkeys', names);
  return keys;
}
