import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The import journal: JSON Lines, owner-only, appended. Before a record is written its
 * line and id are journaled (`pending`, flushed to disk), after it its outcome, so that a
 * re-run after a crash or Ctrl-C skips what is done and reuses the id of what may have
 * been written: never a duplicate. It holds line numbers, ids and error codes; never a
 * secret, nor anything derived from one.
 */

export type JournalState = 'pending' | 'done' | 'failed';

export interface JournalEntry {
  line: number;
  id?: string;
  state: JournalState;
  code?: string;
}

interface JournalHeader {
  journal: 'kms-demo-import';
  version: 1;
  input: string;
  table: string;
  size?: number;
  mtimeMs?: number;
}

export class JournalMismatchError extends Error {
  override name = 'JournalMismatchError';
}

export interface Journal {
  readonly path: string;
  /** The last entry journaled for each line by earlier runs. */
  readonly previous: Map<number, JournalEntry>;
  /** Appends entries and, with `durable`, flushes them to disk before returning. */
  append(entries: JournalEntry[], durable?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Where the journal of importing `input` into `table` lives by default (in the state dir). */
export async function defaultJournalPath(
  stateDir: string,
  input: string,
  target: string,
): Promise<string> {
  const real = await realpath(input);
  const digest = createHash('sha256')
    .update(JSON.stringify([real, target]))
    .digest('hex');
  return join(stateDir, 'imports', `${digest.slice(0, 20)}.jsonl`);
}

/**
 * Opens (creating it 0600 if needed) the journal for `input`. A journal written for
 * another input, table, or an input that has changed since, is refused.
 */
export async function openJournal(path: string, input: string, table: string): Promise<Journal> {
  const fileInfo = input === '-' ? undefined : await stat(input);
  const header: JournalHeader = {
    journal: 'kms-demo-import',
    version: 1,
    input,
    table,
    ...(fileInfo && { size: fileInfo.size, mtimeMs: Math.trunc(fileInfo.mtimeMs) }),
  };
  const previous = new Map<number, JournalEntry>();
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (existing) {
    const lines = existing.split('\n').filter((l) => l !== '');
    const first = parseLine(lines[0]) as Partial<JournalHeader> | undefined;
    if (first?.journal !== 'kms-demo-import') {
      throw new JournalMismatchError(`${path} is not an import journal`);
    }
    if (first.table !== table) {
      throw new JournalMismatchError(
        `the journal ${path} records an import into table '${first.table}', not '${table}'`,
      );
    }
    if (first.size !== header.size || first.mtimeMs !== header.mtimeMs) {
      throw new JournalMismatchError(
        `the input changed since the journal ${path} was written, so its line numbers no longer match`,
      );
    }
    // A line cut short by a crash is the last one; entries before it stand.
    for (const text of lines.slice(1)) {
      const entry = parseLine(text) as JournalEntry | undefined;
      if (entry && Number.isSafeInteger(entry.line)) previous.set(entry.line, entry);
    }
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle: FileHandle = await open(path, 'a', 0o600);
  await handle.chmod(0o600);
  if (!existing) await handle.appendFile(`${JSON.stringify(header)}\n`);
  return {
    path,
    previous,
    async append(entries, durable = false) {
      if (entries.length > 0) {
        await handle.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      }
      if (durable) await handle.datasync();
    },
    close: () => handle.close(),
  };
}

function parseLine(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
