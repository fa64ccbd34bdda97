import { KmsDemoError } from '../errors.js';
import { printable } from '../printable.js';
import { PARTITION_KEY, SECRET_ATTRIBUTE } from '../spec.js';

/** The stored item format; docs/FORMAT.md describes each version. */
export const FORMAT_VERSION = 1;

export type Scheme = 'envelope' | 'direct' | 'legacy';
export type WritableScheme = Exclude<Scheme, 'legacy'>;

export const ATTRIBUTES = {
  appuser: PARTITION_KEY,
  ciphertext: SECRET_ATTRIBUTE,
  scheme: 'scheme',
  keyArn: 'keyArn',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
  formatVersion: 'formatVersion',
  revision: 'revision',
} as const;

/** What can be said about an item without decrypting it. */
export interface StoredItemInfo {
  appuser: string;
  scheme: Scheme;
  keyArn?: string;
  createdAt?: string;
  updatedAt?: string;
  legacy: boolean;
}

export interface StoredItem extends StoredItemInfo {
  ciphertext: Uint8Array;
  formatVersion?: number;
  /** Bumped on every write; conditional writes compare it (optimistic concurrency). */
  revision?: number;
}

export function toRecord(item: StoredItem): Record<string, unknown> {
  return {
    [ATTRIBUTES.appuser]: item.appuser,
    [ATTRIBUTES.ciphertext]: item.ciphertext,
    [ATTRIBUTES.scheme]: item.scheme,
    [ATTRIBUTES.keyArn]: item.keyArn,
    [ATTRIBUTES.createdAt]: item.createdAt,
    [ATTRIBUTES.updatedAt]: item.updatedAt,
    [ATTRIBUTES.formatVersion]: FORMAT_VERSION,
    [ATTRIBUTES.revision]: item.revision,
  };
}

function malformed(appuser: string, reason: string): KmsDemoError {
  return new KmsDemoError(
    'INTEGRITY',
    `The item '${printable(appuser)}' is not in a format this version understands (${printable(reason)}). ` +
      'If a newer kms-demo wrote it, upgrade; otherwise it was altered: restore it from a backup, ' +
      'or delete it and store the secret again.',
  );
}

/**
 * Parses a raw item. Legacy items (the original demo's) have only `appuser` and
 * `userpasswd`; any item with one of our attributes must be complete, so deleting the
 * scheme marker cannot downgrade an item to the unbound legacy read.
 */
export function fromRecord(record: Record<string, unknown>, withCiphertext = true): StoredItem {
  const appuser = record[ATTRIBUTES.appuser];
  if (typeof appuser !== 'string') throw malformed(String(appuser), 'no string appuser');
  const ciphertext = record[ATTRIBUTES.ciphertext];
  if (withCiphertext && !(ciphertext instanceof Uint8Array)) {
    const why = ciphertext === undefined ? 'is missing' : 'is not binary';
    throw malformed(appuser, `${ATTRIBUTES.ciphertext} ${why}`);
  }
  const bytes = ciphertext instanceof Uint8Array ? ciphertext : new Uint8Array(0);
  const ours = [
    ATTRIBUTES.scheme,
    ATTRIBUTES.formatVersion,
    ATTRIBUTES.revision,
    ATTRIBUTES.keyArn,
  ];
  if (ours.every((name) => record[name] === undefined)) {
    return { appuser, ciphertext: bytes, scheme: 'legacy', legacy: true };
  }

  const { scheme, keyArn, createdAt, updatedAt, formatVersion, revision } = {
    scheme: record[ATTRIBUTES.scheme],
    keyArn: record[ATTRIBUTES.keyArn],
    createdAt: record[ATTRIBUTES.createdAt],
    updatedAt: record[ATTRIBUTES.updatedAt],
    formatVersion: record[ATTRIBUTES.formatVersion],
    revision: record[ATTRIBUTES.revision],
  };
  if (formatVersion !== FORMAT_VERSION) throw malformed(appuser, `formatVersion ${formatVersion}`);
  if (scheme !== 'envelope' && scheme !== 'direct') throw malformed(appuser, `scheme ${scheme}`);
  if (typeof keyArn !== 'string') throw malformed(appuser, 'no keyArn');
  if (typeof revision !== 'number' || !Number.isInteger(revision)) {
    throw malformed(appuser, 'no revision');
  }
  return {
    appuser,
    ciphertext: bytes,
    scheme,
    keyArn,
    legacy: false,
    formatVersion,
    revision,
    ...(typeof createdAt === 'string' ? { createdAt } : {}),
    ...(typeof updatedAt === 'string' ? { updatedAt } : {}),
  };
}

export function infoOf(item: StoredItem): StoredItemInfo {
  const { appuser, scheme, keyArn, createdAt, updatedAt, legacy } = item;
  return {
    appuser,
    scheme,
    legacy,
    ...(keyArn !== undefined ? { keyArn } : {}),
    ...(createdAt !== undefined ? { createdAt } : {}),
    ...(updatedAt !== undefined ? { updatedAt } : {}),
  };
}

/** The item to write over `base` (or as a new item): same id, next revision, times kept. */
export function nextRevision(
  base: StoredItem | undefined,
  fields: Pick<StoredItem, 'appuser' | 'ciphertext' | 'keyArn'> & { scheme: WritableScheme },
): StoredItem {
  const now = new Date().toISOString();
  return {
    ...fields,
    legacy: false,
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
    formatVersion: FORMAT_VERSION,
    revision: (base?.revision ?? 0) + 1,
  };
}
