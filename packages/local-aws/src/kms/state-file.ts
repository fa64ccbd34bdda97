import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/state-dir.js';

const DIRECTORY_MODE = 0o700;

/**
 * One JSON document on disk, holding key material: directory 0700, file 0600. Each write
 * is atomic and durable (see writeFileAtomic), so a crash or power loss leaves either the
 * old or the new state, never a torn file. Writes are serialized; a write requested while
 * one is queued joins it, and the queued write serializes the state only when it starts,
 * so it carries every change made before it.
 */
export class StateFile {
  readonly path: string;
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(readonly directory: string) {
    this.path = join(directory, 'state.json');
  }

  /** The parsed document, or undefined when there is none yet. */
  async load(): Promise<unknown> {
    await this.ensureDirectory();
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new Error(
        `The KMS key store ${this.path} is damaged (not valid JSON${text.trim() === '' ? ': it is empty' : ''}); without it the stored secrets cannot be decrypted, so nothing was changed; restore it from a backup, or erase the state dir knowingly with 'kms-demo local reset'.`,
        { cause },
      );
    }
  }

  write(serialize: () => string): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.tail.then(() => {
      this.queued = undefined;
      return this.writeNow(serialize());
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async ensureDirectory(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: DIRECTORY_MODE });
    // Modes are checked, never silently repaired, before the state dir is used
    // (state/safety.ts).
    const info = await stat(this.directory);
    if (!info.isDirectory()) throw new Error(`${this.directory} is not a directory`);
  }

  private async writeNow(text: string): Promise<void> {
    await this.ensureDirectory();
    await writeFileAtomic(this.path, text);
  }
}
