import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import { writeFileAtomic } from './state-dir.js';

export const MANIFEST_FILE = 'manifest.json';

/**
 * What the state dir holds, kept by the endpoint beside the data it describes, so that a
 * store that comes back smaller than it was (a lost write-ahead log, a deleted CURRENT or
 * KMS state) is noticed instead of silently recreated empty.
 */
export interface Manifest {
  format: 1;
  /** Ids of the KMS keys in kms/state.json when the manifest was written. */
  keyIds: string[];
  /** Item count per table. */
  tables: Record<string, number>;
  /**
   * True when `tables` was counted with no table write in flight or since: the counts are
   * exact. False while writes may have changed them (a crash then leaves it false).
   */
  settled: boolean;
  updatedAt: string;
}

export async function readManifest(stateDir: string): Promise<Manifest | undefined> {
  const path = join(stateDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot read ${path}.`, { cause: error });
  }
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (
      parsed.format === 1 &&
      Array.isArray(parsed.keyIds) &&
      parsed.keyIds.every((id) => typeof id === 'string') &&
      typeof parsed.tables === 'object' &&
      parsed.tables !== null &&
      Object.values(parsed.tables).every((n) => Number.isSafeInteger(n) && n >= 0) &&
      typeof parsed.settled === 'boolean'
    ) {
      return parsed as Manifest;
    }
  } catch {}
  throw new LocalAwsError(
    'DYNAMODB_DAMAGED',
    `${path} is damaged, so the tool cannot tell whether the stored data is complete; restore the state dir from a backup, or, if you accept the risk, move that one file aside (the next start writes it anew from what is on disk).`,
  );
}

export function writeManifest(stateDir: string, manifest: Omit<Manifest, 'format' | 'updatedAt'>) {
  const full: Manifest = { format: 1, ...manifest, updatedAt: new Date().toISOString() };
  return writeFileAtomic(join(stateDir, MANIFEST_FILE), `${JSON.stringify(full, null, 2)}\n`);
}
