import { type BulkStore, type Cipher, createBulkStore } from '@kms-demo/core';
import type { Session } from '../session.js';

/**
 * The bulk store of a session's key for `tableName` (the session's table by default);
 * `cipher` seals and opens (a crypto pool), this thread by default.
 */
export function bulkStoreFor(
  session: Session,
  tableName: string = session.config.table.value,
  cipher?: Cipher,
): BulkStore {
  return createBulkStore({
    kms: session.kms,
    dynamodb: session.dynamodb,
    keyId: session.config.key.value,
    tableName,
    ...(cipher && { cipher }),
  });
}
