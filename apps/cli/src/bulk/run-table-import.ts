import { MAX_BATCH_ITEMS } from '@kms-demo/core';
import { messageFor } from '../error-boundary.js';
import { usageError } from '../errors.js';
import { redact } from '../io/redact.js';
import { openSession } from '../session.js';
import { bulkStoreFor } from './bulk-store-for.js';
import { createLimiter } from './limiter.js';
import { startProgress } from './progress.js';
import { openRejects } from './rejects.js';
import { type ImportCounts, type ImportOptions, report } from './run-import.js';

/**
 * `import --from-table NAME`: the original demo's table (items of `appuser` and a KMS
 * ciphertext made without context) into this one, under the same ids, as bound envelope
 * items. Its ids are fixed, so re-running is safe without a journal: an id already
 * stored here with the same secret counts as already done; with another, it fails.
 */
export async function runTableImport(argv: ImportOptions, sourceTable: string): Promise<void> {
  const session = await openSession(argv, { bulk: true });
  const table = session.config.table.value;
  if (sourceTable === table) {
    session.close();
    throw usageError(`--from-table names the target table ${table} itself; name the old table`);
  }
  const stores = [sourceTable, table].map((tableName) => bulkStoreFor(session, tableName));
  const [source, target] = stores as [(typeof stores)[0], (typeof stores)[0]];
  const rejects = await openRejects(argv.rejects);
  const counts: ImportCounts = { imported: 0, alreadyDone: 0, failed: 0 };
  const progress = await startProgress('migrating', false);
  const limit = createLimiter(argv.concurrency);
  const tick = () => progress.update(counts.imported + counts.alreadyDone + counts.failed);
  let ordinal = 0;
  const fail = async (line: number, appuser: string, error: unknown) => {
    counts.failed += 1;
    const code = (error as { code?: unknown }).code;
    await rejects.write({
      line,
      appuser,
      code: typeof code === 'string' ? code : 'FAILED',
      reason: redact(messageFor(error)),
    });
    tick();
  };

  async function migrate(batch: { line: number; item: Parameters<typeof source.open>[0] }[]) {
    const sealed = await Promise.all(
      batch.map(({ line, item }) =>
        limit(async () => {
          let secret: Uint8Array | undefined;
          try {
            secret = await source.open(item);
            return { line, item: await target.seal(item.appuser, secret), secret };
          } catch (error) {
            secret?.fill(0);
            await fail(line, item.appuser, error);
            return undefined;
          }
        }),
      ),
    );
    const ready = sealed.filter((s) => s !== undefined);
    try {
      const outcomes = await target.createMany(ready.map((r) => r.item));
      for (const [i, outcome] of outcomes.entries()) {
        const entry = ready[i] as (typeof ready)[0];
        if (outcome.ok) counts.imported += 1;
        else if (await sameSecret(entry.item.appuser, entry.secret)) counts.alreadyDone += 1;
        else await fail(entry.line, entry.item.appuser, outcome.error);
        tick();
      }
    } catch (error) {
      for (const entry of ready) await fail(entry.line, entry.item.appuser, error);
    } finally {
      for (const entry of ready) entry.secret.fill(0);
    }
  }

  async function sameSecret(appuser: string, secret: Uint8Array): Promise<boolean> {
    try {
      const stored = await target.read(appuser);
      if (!stored) return false;
      const plain = await target.open(stored);
      const same = Buffer.from(plain).equals(Buffer.from(secret));
      plain.fill(0);
      return same;
    } catch {
      return false;
    }
  }

  try {
    let batch: { line: number; item: Parameters<typeof source.open>[0] }[] = [];
    for await (const scanned of source.scan()) {
      ordinal += 1;
      if (!scanned.ok) {
        await fail(ordinal, scanned.appuser, scanned.error);
        continue;
      }
      batch.push({ line: ordinal, item: scanned.item });
      if (batch.length === MAX_BATCH_ITEMS) {
        await migrate(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await migrate(batch);
  } finally {
    progress.stop();
    await rejects.close();
    session.close();
  }
  report(counts, table, argv);
}
