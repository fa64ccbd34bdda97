import type { Readable } from 'node:stream';
import { isKmsDemoError, MAX_BATCH_ITEMS } from '@kms-demo/core';
import { messageFor } from '../error-boundary.js';
import { failedError } from '../errors.js';
import { redact } from '../io/redact.js';
import { openSession } from '../session.js';
import { bulkStoreFor } from './bulk-store-for.js';
import { readJsonObjects } from './input-records.js';
import { startProgress } from './progress.js';
import { openRejects } from './rejects.js';
import { type ImportCounts, type ImportOptions, report } from './run-import.js';

interface Restorable {
  line: number;
  appuser: string;
  record: Record<string, unknown>;
}

/**
 * `import --encrypted`: an `export --encrypted` backup back into the table it came from,
 * under the same ids, ciphertexts unchanged (no KMS call). Every write is conditional;
 * an id that is already stored with the very same ciphertext counts as already done,
 * so a restore can simply be run again. A backup of another table is refused.
 */
export async function runRestore(argv: ImportOptions, openSource: () => Readable): Promise<void> {
  const session = await openSession(argv, { bulk: true });
  const table = session.config.table.value;
  const store = bulkStoreFor(session);
  const rejects = await openRejects(argv.rejects);
  const counts: ImportCounts = { imported: 0, alreadyDone: 0, failed: 0 };
  const progress = await startProgress('restoring', false);
  const tick = () => progress.update(counts.imported + counts.alreadyDone + counts.failed);
  const fail = async (line: number, appuser: string | undefined, error: unknown) => {
    counts.failed += 1;
    const code = isKmsDemoError(error) ? error.code : 'FAILED';
    await rejects.write({
      line,
      ...(appuser && { appuser }),
      code,
      reason: redact(messageFor(error)),
    });
    tick();
  };

  async function write(batch: Restorable[]) {
    let outcomes: Awaited<ReturnType<typeof store.restoreMany>>;
    try {
      outcomes = await store.restoreMany(batch.map((b) => b.record));
    } catch (error) {
      for (const b of batch) await fail(b.line, b.appuser, error);
      return;
    }
    for (const [i, outcome] of outcomes.entries()) {
      const entry = batch[i] as Restorable;
      if (outcome.ok) counts.imported += 1;
      else if (await sameCiphertext(entry)) counts.alreadyDone += 1;
      else await fail(entry.line, entry.appuser, outcome.error);
      tick();
    }
  }

  async function sameCiphertext(entry: Restorable): Promise<boolean> {
    const stored = await store.read(entry.appuser).catch(() => undefined);
    const wanted = entry.record.userpasswd as Uint8Array;
    return stored !== undefined && Buffer.from(stored.ciphertext).equals(Buffer.from(wanted));
  }

  let checkedTable = false;
  try {
    let batch: Restorable[] = [];
    for await (const input of readJsonObjects(openSource())) {
      if (!input.ok) {
        await fail(input.line, undefined, new Error(input.reason));
        continue;
      }
      const named = (input.value as { appuser?: unknown }).appuser;
      const appuser = typeof named === 'string' ? named : undefined;
      let record: Record<string, unknown>;
      try {
        record = store.restoreRecord(input.value);
      } catch (error) {
        const { table: from } = input.value as { table?: unknown };
        // A backup of another table: said once, before anything is written.
        if (!checkedTable && typeof from === 'string' && from !== table) {
          throw failedError(`nothing restored: ${messageFor(error)}`);
        }
        await fail(input.line, appuser, error);
        continue;
      }
      checkedTable = true;
      batch.push({ line: input.line, appuser: String(record.appuser), record });
      if (batch.length === MAX_BATCH_ITEMS) {
        await write(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await write(batch);
  } finally {
    progress.stop();
    await rejects.close();
    session.close();
  }
  report(counts, table, argv);
}
