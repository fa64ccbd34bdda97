import { timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import {
  type BulkStore,
  ENVELOPE_MAX_SECRET_BYTES,
  generateUserId,
  isKmsDemoError,
  MAX_BATCH_ITEMS,
  type StoredItem,
  validateUserId,
} from '@kms-demo/core';
import { messageFor } from '../error-boundary.js';
import { failedError, usageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { displayPath, outJson, say } from '../io/output.js';
import { mentionsSecret, redact } from '../io/redact.js';
import { openSession, type Session } from '../session.js';
import { bulkStoreFor } from './bulk-store-for.js';
import { createCryptoPool } from './crypto-pool.js';
import { type InputFormat, type InputRecord, readCsv, readJsonLines } from './input-records.js';
import { defaultJournalPath, type Journal, type JournalEntry, openJournal } from './journal.js';
import { createLimiter } from './limiter.js';
import { startProgress } from './progress.js';
import { openRejects, type Rejection, type RejectsFile } from './rejects.js';

export interface ImportOptions extends GlobalOptions {
  file?: string;
  format?: InputFormat;
  dryRun?: boolean;
  concurrency: number;
  rejects?: string;
  journal?: string;
  fromTable?: string;
  encrypted?: boolean;
}

export interface ImportCounts {
  imported: number;
  alreadyDone: number;
  failed: number;
}

/** Batches written at once; each is sealed (KMS) and then written in one transaction. */
const BATCHES_IN_FLIGHT = 3;

interface Pending {
  line: number;
  appuser: string;
  secret: Uint8Array;
  /** The id came from an earlier run's journal: that run may have written it. */
  resumed: boolean;
}

class ImportRun {
  readonly counts: ImportCounts = { imported: 0, alreadyDone: 0, failed: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seal: ReturnType<typeof createLimiter>;
  private readonly idLines = new Map<string, number>();

  constructor(
    private readonly store: BulkStore,
    private readonly journal: Journal | undefined,
    private readonly rejects: RejectsFile,
    concurrency: number,
    private readonly onProgress: () => void,
  ) {
    this.seal = createLimiter(concurrency);
  }

  get handled(): number {
    return this.counts.imported + this.counts.alreadyDone + this.counts.failed;
  }

  async fail(line: number, appuser: string | undefined, code: string, reason: string) {
    this.counts.failed += 1;
    const rejection: Rejection = { line, ...(appuser && { appuser }), code, reason };
    await this.rejects.write(rejection);
    this.onProgress();
  }

  /** Takes one input record: skipped if journaled done, failed if invalid, else batched. */
  async take(record: InputRecord, batch: Pending[]): Promise<void> {
    const before = this.journal?.previous.get(record.line);
    if (before?.state === 'done' && (await this.stillStored(before.id))) {
      this.counts.alreadyDone += 1;
      this.onProgress();
      return;
    }
    // Journaled as done but gone from the table (a `local reset`, a delete, a table made
    // anew): it is imported again under its journaled id, never counted as done.
    if (!record.ok) return this.fail(record.line, record.appuser, 'INVALID_INPUT', record.reason);
    const appuser = record.appuser ?? before?.id ?? generateUserId();
    const problem = checkRecord(appuser, record.secret);
    if (problem) {
      record.secret.fill(0);
      return this.fail(record.line, record.appuser, problem.code, problem.reason);
    }
    const earlier = this.idLines.get(appuser);
    if (earlier !== undefined) {
      record.secret.fill(0);
      return this.fail(record.line, appuser, 'CONFLICT', `the id is also on line ${earlier}`);
    }
    this.idLines.set(appuser, record.line);
    batch.push({
      line: record.line,
      appuser,
      secret: record.secret,
      resumed: before?.id === appuser,
    });
  }

  /** Starts writing a full batch, waiting first while too many are in flight. */
  async dispatch(batch: Pending[]): Promise<void> {
    while (this.inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(this.inFlight);
    const work = this.write(batch).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      // The ids go to disk before anything is written under them.
      await this.journal?.append(
        batch.map((p) => ({ line: p.line, id: p.appuser, state: 'pending' })),
        true,
      );
      const sealed = await Promise.all(
        batch.map((p) =>
          this.seal(async () => {
            try {
              return await this.store.seal(p.appuser, p.secret);
            } catch (error) {
              return { error };
            }
          }),
        ),
      );
      const ready: { pending: Pending; item: StoredItem }[] = [];
      const outcomes: JournalEntry[] = [];
      for (const [i, result] of sealed.entries()) {
        const pending = batch[i] as Pending;
        if ('error' in result) {
          outcomes.push(await this.failPending(pending, result.error));
        } else {
          ready.push({ pending, item: result });
        }
      }
      let written: Awaited<ReturnType<BulkStore['createMany']>>;
      try {
        written = await this.store.createMany(ready.map((r) => r.item));
      } catch (error) {
        for (const { pending } of ready) outcomes.push(await this.failPending(pending, error));
        return void (await this.journal?.append(outcomes));
      }
      for (const [i, outcome] of written.entries()) {
        const { pending } = ready[i] as { pending: Pending };
        if (outcome.ok) {
          this.counts.imported += 1;
          outcomes.push({ line: pending.line, id: pending.appuser, state: 'done' });
          this.onProgress();
        } else if (pending.resumed && (await this.storedEarlier(pending))) {
          this.counts.alreadyDone += 1;
          outcomes.push({ line: pending.line, id: pending.appuser, state: 'done' });
          this.onProgress();
        } else {
          outcomes.push(await this.failPending(pending, outcome.error));
        }
      }
      await this.journal?.append(outcomes);
    } finally {
      for (const p of batch) p.secret.fill(0);
    }
  }

  /**
   * Whether the table still holds `id`; a failed read says no, and the write finds out.
   * An entry without an id (never written by this journal) is taken at its word.
   */
  private async stillStored(id: string | undefined): Promise<boolean> {
    if (id === undefined) return true;
    try {
      return (await this.store.read(id)) !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * An id journaled by an interrupted run is taken: by that run's own write (the same
   * secret is stored: done) or by someone else (a conflict). Only decrypting tells.
   */
  private async storedEarlier(pending: Pending): Promise<boolean> {
    try {
      const item = await this.store.read(pending.appuser);
      if (!item) return false;
      const stored = await this.store.open(item);
      try {
        return stored.length === pending.secret.length && timingSafeEqual(stored, pending.secret);
      } finally {
        stored.fill(0);
      }
    } catch {
      return false;
    }
  }

  private async failPending(pending: Pending, error: unknown): Promise<JournalEntry> {
    const code = isKmsDemoError(error) ? error.code : 'FAILED';
    const reason = mentionsSecret(error, pending.secret)
      ? `${code} (the message quoted the secret, so it is withheld)`
      : redact(messageFor(error));
    await this.fail(pending.line, pending.appuser, code, reason);
    return { line: pending.line, id: pending.appuser, state: 'failed', code };
  }
}

function checkRecord(appuser: string, secret: Uint8Array) {
  try {
    validateUserId(appuser);
  } catch (error) {
    return { code: 'INVALID_ID', reason: messageFor(error) };
  }
  if (secret.length === 0) return { code: 'INVALID_SECRET', reason: 'the secret is empty' };
  if (secret.length > ENVELOPE_MAX_SECRET_BYTES) {
    return {
      code: 'TOO_LARGE',
      reason: `the secret has ${secret.length} bytes; at most ${ENVELOPE_MAX_SECRET_BYTES} can be stored`,
    };
  }
  return undefined;
}

function records(source: Readable, format: InputFormat): AsyncGenerator<InputRecord> {
  return format === 'csv' ? readCsv(source) : readJsonLines(source);
}

/** `kms-demo import`: see apps/cli/README.md ("import"). */
export async function runImport(argv: ImportOptions): Promise<void> {
  if (argv.fromTable !== undefined) {
    const { runTableImport } = await import('./run-table-import.js');
    return runTableImport(argv, argv.fromTable);
  }
  const file = argv.file ?? '-';
  const { formatOf } = await import('./input-records.js');
  const format = argv.encrypted ? 'jsonl' : (argv.format ?? formatOf(file));
  if (!format) {
    throw usageError(
      `cannot tell the format of ${file === '-' ? 'stdin' : file}; name it .jsonl or .csv, or pass --format jsonl|csv`,
    );
  }
  let size: number | undefined;
  if (file !== '-') {
    try {
      size = (await stat(file)).size;
    } catch (error) {
      throw usageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`, error);
    }
  }
  // Opened only when read: a stream left flowing while the session opens would lose data.
  const openSource = (): Readable => (file === '-' ? process.stdin : createReadStream(file));
  if (argv.dryRun) return dryRun(openSource(), format, argv);
  if (argv.encrypted) {
    const { runRestore } = await import('./run-restore.js');
    return runRestore(argv, openSource);
  }

  const session = await openSession(argv, { bulk: true });
  const table = session.config.table.value;
  const journal = await openImportJournal(argv, session, file, table);
  const rejects = await openRejects(argv.rejects);
  const progress = await startProgress('importing', size !== undefined);
  let bytesRead = 0;
  const source = openSource().pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytesRead += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const pool = createCryptoPool();
  const store = bulkStoreFor(session, table, pool);
  const run: ImportRun = new ImportRun(store, journal, rejects, argv.concurrency, () =>
    progress.update(run.handled, size ? bytesRead / size : undefined),
  );
  try {
    await store.resolveKeyArn();
    let batch: Pending[] = [];
    try {
      for await (const record of records(source, format)) {
        await run.take(record, batch);
        if (batch.length === MAX_BATCH_ITEMS) {
          await run.dispatch(batch);
          batch = [];
        }
      }
    } catch (error) {
      const { InputFormatError } = await import('./input-records.js');
      if (error instanceof InputFormatError) throw usageError(`${file}: ${error.message}`);
      throw error;
    }
    if (batch.length > 0) await run.dispatch(batch);
    await run.finish();
  } finally {
    progress.stop();
    await pool.close();
    await journal?.close();
    await rejects.close();
    session.close();
  }
  report(run.counts, table, argv, journal?.path);
}

async function openImportJournal(
  argv: ImportOptions,
  session: Session,
  file: string,
  table: string,
): Promise<Journal | undefined> {
  const { resolveStateDir } = await import('../config/state-dir.js');
  const { JournalMismatchError } = await import('./journal.js');
  let path = argv.journal;
  if (!path) {
    if (file === '-') {
      say('kms-demo: reading stdin without --journal FILE: this import cannot be resumed');
      return undefined;
    }
    // Not the local endpoint's URL: its port changes when the server restarts.
    const where =
      session.config.target === 'local' ? 'local' : (session.endpoint ?? session.region);
    const target = `${where}|${session.config.key.value}|${table}`;
    path = await defaultJournalPath(resolveStateDir().value, file, target);
  }
  try {
    const journal = await openJournal(path, file, table);
    say(`kms-demo: journal ${displayPath(path)} (re-running this command resumes from it)`);
    return journal;
  } catch (error) {
    if (error instanceof JournalMismatchError) {
      throw usageError(
        `${error.message}; to import the input as new, delete that journal (ids it lists may already be stored)`,
      );
    }
    throw error;
  }
}

/** Validates every record without contacting AWS. */
async function dryRun(source: Readable, format: InputFormat, argv: ImportOptions): Promise<void> {
  const rejects = await openRejects(argv.rejects);
  const counts = { valid: 0, invalid: 0 };
  const ids = new Map<string, number>();
  try {
    for await (const record of records(source, format)) {
      let problem: { code: string; reason: string } | undefined;
      if (!record.ok) problem = { code: 'INVALID_INPUT', reason: record.reason };
      else {
        problem = checkRecord(record.appuser ?? generateUserId(), record.secret);
        record.secret.fill(0);
        const earlier = record.appuser === undefined ? undefined : ids.get(record.appuser);
        if (!problem && earlier !== undefined) {
          problem = { code: 'CONFLICT', reason: `the id is also on line ${earlier}` };
        }
        if (record.appuser !== undefined && !ids.has(record.appuser)) {
          ids.set(record.appuser, record.line);
        }
      }
      if (problem) {
        counts.invalid += 1;
        await rejects.write({
          line: record.line,
          ...(record.appuser && { appuser: record.appuser }),
          ...problem,
        });
      } else counts.valid += 1;
    }
  } catch (error) {
    const { InputFormatError } = await import('./input-records.js');
    if (error instanceof InputFormatError) throw usageError(error.message);
    throw error;
  } finally {
    await rejects.close();
  }
  if (argv.json) outJson({ dryRun: true, ...counts });
  say(`Dry run: ${counts.valid} valid, ${counts.invalid} invalid; nothing was written`);
  if (counts.invalid > 0) {
    throw failedError(
      `${counts.invalid} input record${counts.invalid === 1 ? '' : 's'} would fail${argv.rejects ? ` (see ${argv.rejects})` : '; pass --rejects FILE for the list'}`,
    );
  }
}

/** The closing summary: stderr always, stdout with --json; exit 1 if anything failed. */
export function report(
  counts: ImportCounts,
  table: string,
  argv: { json?: boolean; rejects?: string },
  journalPath?: string,
): void {
  if (argv.json) {
    outJson({ ...counts, table, ...(journalPath && { journal: journalPath }) });
  }
  say(
    `Imported ${counts.imported} into table ${table}; ${counts.alreadyDone} already done, ${counts.failed} failed`,
  );
  if (counts.failed > 0) {
    throw failedError(
      `${counts.failed} record${counts.failed === 1 ? '' : 's'} failed${argv.rejects ? ` (see ${argv.rejects})` : '; pass --rejects FILE for the list'}; re-run the same command to retry them`,
    );
  }
}
