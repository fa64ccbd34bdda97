import { KmsDemoError } from '../errors.js';
import { printable } from '../printable.js';
import { validateUserId } from '../storage/ids.js';
import { ATTRIBUTES, fromRecord, type StoredItem, toRecord } from '../storage/item.js';

/**
 * One line of an encrypted backup (`export --encrypted`): the stored item as it is, the
 * ciphertext in base64, and the table it came from. Its encryption context binds each
 * ciphertext to that table and id, so a backup restores only there, under the same ids.
 */
export interface BackupRecord {
  table: string;
  appuser: string;
  ciphertext_base64: string;
  scheme: StoredItem['scheme'];
  keyArn?: string;
  createdAt?: string;
  updatedAt?: string;
  formatVersion?: number;
  revision?: number;
}

export function toBackupRecord(item: StoredItem, tableName: string): BackupRecord {
  return {
    table: tableName,
    appuser: item.appuser,
    ciphertext_base64: Buffer.from(item.ciphertext).toString('base64'),
    scheme: item.scheme,
    ...(item.keyArn !== undefined && { keyArn: item.keyArn }),
    ...(item.createdAt !== undefined && { createdAt: item.createdAt }),
    ...(item.updatedAt !== undefined && { updatedAt: item.updatedAt }),
    ...(item.formatVersion !== undefined && { formatVersion: item.formatVersion }),
    ...(item.revision !== undefined && { revision: item.revision }),
  };
}

/**
 * The DynamoDB record to restore from a backup line, checked as `get` would check the
 * item (format, id), and refused for another table than the one it was taken from.
 */
export function restoreRecord(value: unknown, tableName: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('it is not a JSON object');
  }
  const line = value as Partial<BackupRecord>;
  if (typeof line.table !== 'string') throw invalid('it names no table');
  if (line.table !== tableName) {
    throw new KmsDemoError(
      'INTEGRITY',
      `This backup line comes from table '${printable(line.table)}', not '${tableName}': its ciphertext is bound to that table and id, so it cannot be read here. Restore it into '${printable(line.table)}', or export the plaintext and import that instead.`,
    );
  }
  if (typeof line.appuser !== 'string') throw invalid('it has no appuser');
  if (!line.scheme || !['legacy', 'envelope', 'direct'].includes(line.scheme)) {
    throw invalid('it has no known scheme');
  }
  if (line.scheme !== 'legacy') validateUserId(line.appuser);
  if (typeof line.ciphertext_base64 !== 'string' || line.ciphertext_base64 === '') {
    throw invalid('it has no ciphertext_base64');
  }
  const ciphertext = new Uint8Array(Buffer.from(line.ciphertext_base64, 'base64'));
  if (line.scheme === 'legacy') {
    return { [ATTRIBUTES.appuser]: line.appuser, [ATTRIBUTES.ciphertext]: ciphertext };
  }
  const record = toRecord({
    appuser: line.appuser,
    ciphertext,
    scheme: line.scheme,
    legacy: false,
    ...(line.keyArn !== undefined && { keyArn: line.keyArn }),
    ...(line.createdAt !== undefined && { createdAt: line.createdAt }),
    ...(line.updatedAt !== undefined && { updatedAt: line.updatedAt }),
    ...(line.revision !== undefined && { revision: line.revision }),
  });
  if (line.formatVersion !== undefined) record[ATTRIBUTES.formatVersion] = line.formatVersion;
  // The same checks as reading it back: a damaged line fails here, not on a later read.
  fromRecord(Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)));
  return record;
}

function invalid(reason: string): KmsDemoError {
  return new KmsDemoError('INVALID_SECRET', `Not a kms-demo backup line: ${reason}.`);
}
