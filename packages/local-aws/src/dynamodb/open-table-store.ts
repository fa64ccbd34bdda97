import { LocalAwsError } from '../errors.js';
import { fsErrorReason } from '../state/fs-errors.js';
import { checkTableCounts, checkTableStoreBeforeOpen } from '../state/integrity.js';
import type { Manifest } from '../state/manifest.js';
import { ensurePrivateDir } from '../state/state-dir.js';
import { countTableItems } from '../state/table-census.js';
import { type DynamoBackend, startDynamoBackend } from './dynalite-backend.js';
import type { LoadingDynalite } from './dynalite-worker.js';
import { type OpenSnapshot, takeOpenSnapshot } from './open-snapshot.js';

export interface OpenTableStoreOptions {
  dataDir: string;
  region: string;
  accountId: string;
  manifest: Manifest | undefined;
  /** More checks on the item counts found, before anything is written; throw to refuse. */
  verify?: (found: Record<string, number>) => void;
  /**
   * A dynalite worker already loading (loadDynaliteWorker), which this call then owns:
   * it is ended if the store is refused. By default one is started.
   */
  worker?: LoadingDynalite;
}

/**
 * Opens the LevelDB table store only if it is whole: a store that lost its CURRENT file is
 * refused before LevelDB touches it; one that opens with fewer items than the settled
 * manifest recorded (a lost or damaged write-ahead log) is closed again and its files put
 * back as they were (open-snapshot.ts), so a refused start removes nothing.
 */
export async function openTableStore(options: OpenTableStoreOptions): Promise<DynamoBackend> {
  let snapshot: OpenSnapshot;
  try {
    await ensurePrivateDir(options.dataDir);
    await checkTableStoreBeforeOpen(options.dataDir, options.manifest);
    snapshot = await takeOpenSnapshot(options.dataDir);
  } catch (error) {
    await options.worker?.discard();
    throw error;
  }
  let dynamo: DynamoBackend;
  try {
    dynamo = await startDynamoBackend(options);
  } catch (error) {
    await snapshot.restore().catch(() => {});
    const reason = fsErrorReason(error);
    if (reason || !String((error as Error).cause).includes('did not open')) throw error;
    // LevelDB itself refused the files (a garbled CURRENT or MANIFEST): damaged.
    throw new LocalAwsError(
      'DYNAMODB_DAMAGED',
      `${(error as Error).message.replace(/\.$/, '')}: the table store is damaged; its files were left as they were; restore the state dir from a backup, or erase it knowingly with 'kms-demo local reset'.`,
      { cause: error },
    );
  }
  try {
    const found = await countTableItems(dynamo);
    const problem = checkTableCounts(options.dataDir, options.manifest, found);
    if (problem) throw problem;
    options.verify?.(found);
  } catch (thrown) {
    // A store that dies while opening (a full disk) ends its worker; the worker's error
    // says why, where the request only saw the connection drop.
    await new Promise((r) => setTimeout(r, 50));
    const error = thrown instanceof LocalAwsError ? thrown : (dynamo.failure ?? thrown);
    await dynamo.close().catch(() => {});
    await snapshot.restore().catch(() => {});
    if (error instanceof LocalAwsError) throw error;
    const reason = fsErrorReason(error);
    if (reason === 'no space left on device') {
      throw new LocalAwsError(
        'NO_SPACE',
        `The table store in ${options.dataDir} cannot open: no space left on device; free some space and start again; nothing was removed.`,
        { cause: error },
      );
    }
    const detail = error instanceof Error ? ` (${error.message.replace(/\.$/, '')})` : '';
    throw new LocalAwsError(
      'DYNAMODB_DAMAGED',
      `The table store in ${options.dataDir} could not be read${detail}: it is damaged; its files were left as they were; restore the state dir from a backup, or erase it knowingly with 'kms-demo local reset'.`,
      { cause: error },
    );
  }
  await snapshot.discard();
  return dynamo;
}
