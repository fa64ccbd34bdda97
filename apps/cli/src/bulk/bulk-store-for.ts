import { type BulkStore, createBulkStore } from '@kms-demo/core';
import type { Session } from '../session.js';

/** The bulk store of a session's key for `tableName` (the session's table by default). */
export function bulkStoreFor(
  session: Session,
  tableName: string = session.config.table.value,
): BulkStore {
  return createBulkStore({
    kms: session.kms,
    dynamodb: session.dynamodb,
    keyId: session.config.key.value,
    tableName,
  });
}
