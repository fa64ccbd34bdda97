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
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { realpathSync } = require('node:fs');
const dynalite = require(workerData.dynalitePath);

// Opened once on its own first, as dynalite would (the same 'level' package), so that a
// store that cannot open says why (dynalite only reports "Database is not open"), and so
// that an existing store is opened with createIfMissing false: LevelDB then refuses a
// store whose CURRENT is gone instead of starting an empty one over it.
async function probeOpen() {
  // From dynalite's real location, where the package manager put its own 'level'.
  const { Level } = createRequire(realpathSync(workerData.dynalitePath))('level');
  const db = new Level(workerData.dataDir, {
    valueEncoding: 'json',
    createIfMissing: !workerData.exists,
  });
  try {
    await db.open();
  } catch (error) {
    const chain = [];
    for (let e = error; e; e = e.cause) chain.push(String(e.message));
    throw new Error(chain.join(': '));
  }
  await db.close();
}

probeOpen().then(serve, (error) => {
  parentPort.postMessage({ type: 'open-failed', message: error.message });
});

function serve() {
const server = dynalite({
  path: workerData.dataDir,
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.on('error', (error) => { throw error; });
server.listen(workerData.socketPath, () => parentPort.postMessage({ type: 'listening' }));
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

/** Starts dynalite listening on `socketPath`; resolves once it listens. */
export async function startDynaliteWorker(options: DynaliteWorkerOptions): Promise<Worker> {
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dynalitePath,
      dataDir: options.dataDir,
      socketPath: options.socketPath,
      exists: existsSync(join(options.dataDir, 'CURRENT')),
    },
    // dynalite takes the account and region of its table ARNs from the environment.
    env: { ...process.env, AWS_REGION: options.region, AWS_ACCOUNT_ID: options.accountId },
    stdout: true,
    stderr: true,
  });
  // Library code never prints: whatever dynalite writes is dropped.
  worker.stdout.resume();
  worker.stderr.resume();
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { type?: string; message?: string }) => {
      if (message.type === 'listening') settle(resolve);
      if (message.type === 'open-failed') {
        settle(() => reject(new Error(`the LevelDB store did not open: ${message.message}`)));
        void worker.terminate();
      }
    };
    const onError = (error: Error) => settle(() => reject(error));
    const onExit = (code: number) =>
      settle(() => reject(new Error(`dynalite exited with code ${code} while starting`)));
    const settle = (done: () => void) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      done();
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
  return worker;
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
