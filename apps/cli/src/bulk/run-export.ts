import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { isKmsDemoError, KmsDemoError, type StoredItem } from '@kms-demo/core';
import { messageFor } from '../error-boundary.js';
import { failedError, usageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { displayPath, outJson, printable, say } from '../io/output.js';
import { redact } from '../io/redact.js';
import { openSession } from '../session.js';
import { bulkStoreFor } from './bulk-store-for.js';
import { createCryptoPool } from './crypto-pool.js';
import { createLimiter } from './limiter.js';
import { startProgress } from './progress.js';

export interface ExportOptions extends GlobalOptions {
  out?: string;
  force?: boolean;
  encrypted?: boolean;
  allowLegacy?: boolean;
  concurrency: number;
}

const PAGE_SIZE = 100;
const PAGES_IN_FLIGHT = 3;

/** One plaintext export line: text when the secret is UTF-8, else base64. */
function plaintextLine(item: StoredItem, secret: Uint8Array): string {
  const bytes = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  const text = bytes.toString('utf8');
  const isText = Buffer.byteLength(text) === bytes.length && Buffer.from(text).equals(bytes);
  return JSON.stringify({
    appuser: item.appuser,
    ...(isText ? { secret: text } : { secret_base64: bytes.toString('base64') }),
    scheme: item.scheme,
    ...(item.createdAt !== undefined && { createdAt: item.createdAt }),
  });
}

async function openOutput(argv: ExportOptions): Promise<{ stream: Writable; where: string }> {
  if (!argv.out || argv.out === '-') {
    if (process.stdout.isTTY && !argv.force) {
      throw usageError(
        'refusing to print every secret to the terminal; pass --out FILE, pipe the output, or add --force',
      );
    }
    if (argv.json) throw usageError('--json prints the summary on stdout; it needs --out FILE');
    return { stream: process.stdout, where: 'stdout' };
  }
  // O_EXCL: an export never replaces a file, and nobody else can have opened it first.
  const stream = createWriteStream(argv.out, { flags: 'wx', mode: 0o600 });
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw usageError(`${argv.out} exists; an export never overwrites a file: choose a new name`);
    }
    throw usageError(`cannot create ${argv.out} (${code})`, error);
  }
  return { stream, where: displayPath(argv.out) };
}

/** `kms-demo export`: see apps/cli/README.md ("export"). */
export async function runExport(argv: ExportOptions): Promise<void> {
  const output = await openOutput(argv);
  const session = await openSession(argv, { bulk: true });
  const table = session.config.table.value;
  // An encrypted export decrypts nothing: no workers for it.
  const pool = createCryptoPool(argv.encrypted ? 0 : undefined);
  const store = bulkStoreFor(session, table, pool);
  const counts = { exported: 0, failed: 0 };
  const progress = await startProgress('exporting', false);
  const limit = createLimiter(argv.concurrency);
  const failures: string[] = [];
  const fail = (appuser: string, error: unknown) => {
    counts.failed += 1;
    const code = isKmsDemoError(error) ? error.code : 'FAILED';
    failures.push(`${printable(appuser)}: ${code}: ${redact(messageFor(error))}`);
    return undefined;
  };
  const write = async (text: string) => {
    if (!output.stream.write(`${text}\n`)) await once(output.stream, 'drain');
  };

  async function lineOf(item: StoredItem): Promise<string | undefined> {
    if (argv.encrypted) return JSON.stringify(store.toBackupRecord(item));
    if (item.legacy && !argv.allowLegacy) {
      return fail(
        item.appuser,
        new KmsDemoError(
          'LEGACY_REFUSED',
          "an item in the original demo's format, not bound to its id; pass --allow-legacy to export it, or 'kms-demo migrate' it first",
        ),
      );
    }
    let secret: Uint8Array | undefined;
    try {
      secret = await store.open(item);
      return plaintextLine(item, secret);
    } catch (error) {
      return fail(item.appuser, error);
    } finally {
      secret?.fill(0);
    }
  }

  // Pages overlap: the next one is scanned, and its items start decrypting, while the
  // last items of the one before finish; lines are written in scan order, and at most
  // PAGES_IN_FLIGHT pages are held.
  const inFlight: Promise<void>[] = [];
  let written: Promise<void> = Promise.resolve();
  const hand = async (page: StoredItem[]) => {
    const lines = Promise.all(page.map((item) => limit(() => lineOf(item))));
    lines.catch(() => {});
    written = written.then(async () => {
      for (const line of await lines) {
        if (line === undefined) continue;
        await write(line);
        counts.exported += 1;
      }
      progress.update(counts.exported + counts.failed);
    });
    // Awaited in turn below (a write error is thrown from there).
    written.catch(() => {});
    inFlight.push(written);
    while (inFlight.length >= PAGES_IN_FLIGHT) await inFlight.shift();
  };
  try {
    let page: StoredItem[] = [];
    for await (const scanned of store.scan(PAGE_SIZE)) {
      if (!scanned.ok) {
        fail(scanned.appuser, scanned.error);
        continue;
      }
      page.push(scanned.item);
      if (page.length === PAGE_SIZE) {
        await hand(page);
        page = [];
      }
    }
    await hand(page);
    await written;
  } finally {
    // A failed scan leaves pages in flight: let them finish before closing.
    await Promise.allSettled(inFlight);
    progress.stop();
    await pool.close();
    session.close();
    if (output.stream !== process.stdout) {
      output.stream.end();
      await once(output.stream, 'close');
    }
  }
  for (const line of failures) say(`kms-demo: not exported: ${line}`);
  if (argv.json) outJson({ ...counts, table, out: argv.out, encrypted: argv.encrypted === true });
  say(
    `Exported ${counts.exported} ${argv.encrypted ? 'encrypted items' : 'secrets'} from table ${table} to ${output.where}; ${counts.failed} failed`,
  );
  if (counts.failed > 0) {
    throw failedError(
      `${counts.failed} item${counts.failed === 1 ? '' : 's'} could not be exported (listed above)`,
    );
  }
}
