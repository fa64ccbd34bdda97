import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** One failed input record: where, which id, why. Never the secret. */
export interface Rejection {
  line: number;
  appuser?: string;
  code: string;
  reason: string;
}

export interface RejectsFile {
  write(rejection: Rejection): Promise<void>;
  close(): Promise<void>;
}

/** The `--rejects` file, JSON Lines, owner-only; each run writes it afresh. */
export async function openRejects(path: string | undefined): Promise<RejectsFile> {
  if (!path) return { write: async () => {}, close: async () => {} };
  const handle: FileHandle = await open(path, 'w', 0o600);
  await handle.chmod(0o600);
  return {
    write: (r) => handle.appendFile(`${JSON.stringify(r)}\n`),
    close: () => handle.close(),
  };
}
