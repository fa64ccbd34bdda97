import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import type { Manifest } from './manifest.js';

const RESET_ADVICE =
  "restore the state dir from a backup; only if the data is expendable, erase it knowingly with 'kms-demo local reset'";

/**
 * Before LevelDB opens `dataDir`: a store that existed must still have its CURRENT file.
 * Without it LevelDB creates a new empty database and deletes the old table files, so
 * this is refused before the open, with nothing touched.
 */
export async function checkTableStoreBeforeOpen(
  dataDir: string,
  manifest: Manifest | undefined,
): Promise<void> {
  const entries = await readdir(dataDir).catch(() => [] as string[]);
  if (entries.includes('CURRENT')) return;
  const levelFiles = entries.filter((name) => /^(MANIFEST-\d+|\d+\.(log|ldb|sst))$/.test(name));
  if (levelFiles.length === 0 && !manifest) return;
  const recorded = manifest ? describeCounts(manifest.tables) : undefined;
  throw new LocalAwsError(
    'DYNAMODB_DAMAGED',
    `${join(dataDir, 'CURRENT')} is missing${levelFiles.length ? ` though the table store holds ${levelFiles.join(', ')}` : ''}${recorded ? ` (manifest.json records ${recorded})` : ''}: opening it would start an empty store and delete the table files; nothing was changed; ${RESET_ADVICE}.`,
  );
}

/**
 * After the store opened and before anything is written: fewer items than the settled
 * manifest recorded means writes were lost from the write-ahead log (deleted, truncated,
 * garbled: LevelDB skips what it cannot read). Returns the problem, or undefined.
 */
export function checkTableCounts(
  dataDir: string,
  manifest: Manifest | undefined,
  found: Record<string, number>,
): LocalAwsError | undefined {
  if (!manifest?.settled) return undefined;
  const short = Object.entries(manifest.tables)
    .filter(([table, count]) => (found[table] ?? 0) < count)
    .map(([table, count]) => `${table}: ${found[table] ?? 0} of ${count} items`);
  if (short.length === 0) return undefined;
  return new LocalAwsError(
    'DYNAMODB_DAMAGED',
    `The table store ${dataDir} came back with fewer items than at its last clean point (${short.join('; ')}): its write-ahead log (NNNNNN.log) was lost or damaged; the files were left as they were; ${RESET_ADVICE}.`,
  );
}

/**
 * With no key in kms/state.json, existing ciphertexts cannot be decrypted: creating a new
 * key over them would hide that. Refused when the table holds items or the manifest
 * recorded keys.
 */
export function checkKmsNotLost(
  kmsStatePath: string,
  keyCount: number,
  manifest: Manifest | undefined,
  found: Record<string, number>,
): void {
  if (keyCount > 0) return;
  const items = Object.values(found).reduce((a, b) => a + b, 0);
  const keys = manifest?.keyIds.length ?? 0;
  if (items === 0 && keys === 0) return;
  const what = [
    items > 0 ? `${items} stored item(s) encrypted under its keys` : '',
    keys > 0 ? `key ${manifest?.keyIds.join(', ')} recorded in manifest.json` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  throw new LocalAwsError(
    'KMS_STATE_LOST',
    `The KMS key store ${kmsStatePath} is missing or holds no keys, but the state dir has ${what}: without that key material they cannot be decrypted, so no new key was created; ${RESET_ADVICE}.`,
  );
}

function describeCounts(tables: Record<string, number>): string {
  const parts = Object.entries(tables).map(([t, n]) => `${n} item(s) in ${t}`);
  return parts.length ? parts.join(', ') : 'the table store';
}
