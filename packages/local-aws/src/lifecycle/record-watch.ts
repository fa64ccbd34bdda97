import { type FSWatcher, watch } from 'node:fs';
import { SERVER_FILE } from '../state/discovery.js';

/**
 * Waits for a server's record (server.json) to change in a state dir: a server writes it
 * once it answers, so a caller waiting for one looks again at once rather than at its
 * next poll. A poll interval still bounds every wait, so a missed or unsupported watch
 * only costs time.
 */
export class ServerRecordWatch {
  private watcher: FSWatcher | undefined;
  private changed = false;
  private wake: (() => void) | undefined;

  constructor(stateDir: string) {
    try {
      this.watcher = watch(stateDir, { persistent: false }, (_event, name) => {
        if (name !== null && String(name) !== SERVER_FILE) return;
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      // No watch here (a platform or a limit): polling alone.
    }
  }

  /** Resolves once the record changed since the last wait, or after `ms`. */
  next(ms: number): Promise<void> {
    if (this.changed) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake !== done) return resolve();
        this.wake = undefined;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
