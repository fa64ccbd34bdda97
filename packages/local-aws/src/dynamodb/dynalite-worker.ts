import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * dynalite runs in a worker thread: it throws from inside its callbacks on store errors
 * (a corrupt or unreadable LevelDB, for one), which in the main thread would crash the
 * whole process. In a worker such a throw ends only the worker, and the endpoint can
 * report it. The worker's code is inline, CommonJS, so it runs the same from the
 * TypeScript sources under test and from dist.
 *
 * It starts in two steps. Loading (booting the thread, then requiring dynalite and its
 * LevelDB binding) reads no state and takes most of the worker's start-up time, so it
 * begins before the state dir is even checked (`loadDynaliteWorker`, or earlier still
 * with `preloadDynalite`). Opening the store waits for the `open` message, which the
 * endpoint sends only once the state dir is checked and locked and the store's files
 * are checked and snapshotted (open-table-store.ts).
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { realpathSync } = require('node:fs');

// dynalite's own 'level' (from where the package manager put dynalite), loaded first so
// that dynalite's store can be the one opened below: dynalite constructs its Level when
// it is called, and the constructor below hands it that already open database instead
// of opening the same files a second time.
const level = createRequire(realpathSync(workerData.dynalitePath))('level');
const { Level } = level;
let opened;
level.Level = function Level_(location, options) {
  if (opened && location === opened.location) {
    const db = opened.db;
    opened = undefined;
    return db;
  }
  return new Level(location, options);
};
const dynalite = require(workerData.dynalitePath);

parentPort.once('message', (message) => {
  if (message.type !== 'open') return;
  openStore(message).then(
    () => serve(message),
    (error) => parentPort.postMessage({ type: 'open-failed', message: error.message }),
  );
});

// Opened here rather than by dynalite, so that a store that cannot open says why (dynalite
// only reports "Database is not open"), and so that an existing store is opened with
// createIfMissing false: LevelDB then refuses a store whose CURRENT is gone instead of
// starting an empty one over it.
async function openStore({ dataDir, exists }) {
  const db = new Level(dataDir, { valueEncoding: 'json', createIfMissing: !exists });
  try {
    await db.open();
  } catch (error) {
    const chain = [];
    for (let e = error; e; e = e.cause) chain.push(String(e.message));
    throw new Error(chain.join(': '));
  }
  opened = { location: dataDir, db };
}

function serve({ dataDir, socketPath, region, accountId }) {
  // dynalite takes the account and region of its table ARNs from the environment (this
  // thread's own copy of it).
  process.env.AWS_REGION = region;
  process.env.AWS_ACCOUNT_ID = accountId;
  const server = dynalite({
    path: dataDir,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // dynalite took the database opened above; a leftover would mean it opened its own.
  if (opened) throw new Error('dynalite did not take the opened store');
  server.on('error', (error) => { throw error; });
  server.listen(socketPath, () => parentPort.postMessage({ type: 'listening' }));
  parentPort.on('message', (message) => {
    if (message.type !== 'close') return;
    server.closeAllConnections();
    server.close((error) => {
      parentPort.postMessage({ type: 'closed', error: error ? String(error.message) : undefined });
      parentPort.close();
    });
  });
}
`;

export interface DynaliteWorkerOptions {
  dataDir: string;
  socketPath: string;
  region: string;
  accountId: string;
}

/** A dynalite worker thread that loads dynalite and then waits to be told what to open. */
export class LoadingDynalite {
  private readonly worker: Worker | undefined;
  /** Resolves with why the thread ended (an error while loading, say), if it ends. */
  private readonly ended: Promise<Error>;
  private opening = false;

  constructor() {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { dynalitePath: createRequire(import.meta.url).resolve('dynalite') },
        stdout: true,
        stderr: true,
      });
    } catch (error) {
      // Reported by open(), where a start reports a store that cannot start.
      this.ended = Promise.resolve(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    this.worker = worker;
    // Listening from the start: a thread that fails while loading must not be an
    // unhandled 'error' event; whoever opens it is told.
    this.ended = new Promise<Error>((resolve) => {
      worker.once('error', resolve);
      worker.once('exit', (code) =>
        resolve(new Error(`dynalite exited with code ${code} while starting`)),
      );
    });
  }

  /**
   * Whether the thread keeps the process alive, as it must once a store is open in it;
   * a preloaded one does not until it is taken.
   */
  keepAlive(keep: boolean): void {
    const { worker } = this;
    if (!worker) return;
    if (keep) {
      worker.ref();
      // Library code never prints: whatever dynalite writes is dropped. (A stream that
      // flows keeps the process alive, so only now.)
      worker.stdout.resume();
      worker.stderr.resume();
    } else {
      worker.unref();
    }
  }

  /**
   * Opens the store under `options.dataDir` and has dynalite listen on
   * `options.socketPath`; resolves with the worker once it listens. On failure the worker
   * is ended. Once only.
   */
  async open(options: DynaliteWorkerOptions): Promise<Worker> {
    if (this.opening) throw new Error('This dynalite worker was opened already.');
    this.opening = true;
    const { worker } = this;
    if (!worker) throw await this.ended;
    worker.postMessage({
      type: 'open',
      dataDir: options.dataDir,
      socketPath: options.socketPath,
      region: options.region,
      accountId: options.accountId,
      exists: existsSync(join(options.dataDir, 'CURRENT')),
    });
    let onMessage: ((message: { type?: string; message?: string }) => void) | undefined;
    const listening = new Promise<void>((resolve, reject) => {
      onMessage = (message) => {
        if (message.type === 'listening') resolve();
        if (message.type === 'open-failed') {
          reject(new Error(`the LevelDB store did not open: ${message.message}`));
        }
      };
      worker.on('message', onMessage);
    });
    try {
      await Promise.race([listening, this.ended.then((error) => Promise.reject(error))]);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      if (onMessage) worker.off('message', onMessage);
    }
    return worker;
  }

  /** Ends the thread unless a store was opened in it (closing that is stopDynaliteWorker's). */
  async discard(): Promise<void> {
    if (!this.opening) await this.worker?.terminate();
  }
}

let preloaded: LoadingDynalite | undefined;

/**
 * Starts loading dynalite in a worker thread now, for the next `loadDynaliteWorker` of
 * this process to take: for a process about to start the endpoint, before it loads the
 * rest of its code. Reads nothing in any state dir. A worker nobody takes does not keep
 * the process alive.
 */
export function preloadDynalite(): void {
  if (preloaded) return;
  preloaded = new LoadingDynalite();
  preloaded.keepAlive(false);
}

/** The preloaded dynalite worker if there is one, else one that starts loading now. */
export function loadDynaliteWorker(): LoadingDynalite {
  const taken = preloaded ?? new LoadingDynalite();
  preloaded = undefined;
  taken.keepAlive(true);
  return taken;
}

/** Asks dynalite to close (which flushes and closes LevelDB) and waits for the worker to end. */
export async function stopDynaliteWorker(worker: Worker, timeoutMs: number): Promise<void> {
  if (worker.threadId === -1) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const reply = new Promise<string | undefined>((resolve) => {
    worker.on('message', (message: { type?: string; error?: string }) => {
      if (message.type === 'closed') resolve(message.error);
    });
    worker.once('exit', () => resolve(undefined));
  });
  worker.postMessage({ type: 'close' });
  const timer = setTimeout(() => void worker.terminate(), timeoutMs);
  try {
    const error = await reply;
    await exited;
    if (error) throw new Error(`dynalite did not close cleanly: ${error}`);
  } finally {
    clearTimeout(timer);
  }
}
