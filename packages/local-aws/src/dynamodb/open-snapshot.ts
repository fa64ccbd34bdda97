import { link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Hard links to every file of the LevelDB store, taken just before it is opened. LevelDB
 * never rewrites a file in place: on open it replays the write-ahead log into a new table
 * file and unlinks the old log and manifest. If what it opened turns out incomplete (a lost
 * or damaged log), `restore` puts the files back exactly as they were, so a failed start
 * removes nothing; `discard` drops the links once the store is known good. Costs no copy.
 */
export interface OpenSnapshot {
  restore(): Promise<void>;
  discard(): Promise<void>;
}

export async function takeOpenSnapshot(dataDir: string): Promise<OpenSnapshot> {
  const snapshotDir = `${dataDir}.before-open`;
  // A leftover from a start that crashed between opening and checking: the store it
  // describes was already opened, so it holds nothing newer than dataDir.
  await rm(snapshotDir, { recursive: true, force: true });
  await mkdir(snapshotDir, { mode: 0o700 });
  const names = await readdir(dataDir);
  for (const name of names) await link(join(dataDir, name), join(snapshotDir, name));
  return {
    async restore() {
      for (const name of await readdir(dataDir)) {
        await rm(join(dataDir, name), { recursive: true, force: true });
      }
      for (const name of names) await rename(join(snapshotDir, name), join(dataDir, name));
      await rm(snapshotDir, { recursive: true, force: true });
    },
    discard: () => rm(snapshotDir, { recursive: true, force: true }),
  };
}
