import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type Cipher,
  ERROR_CODES,
  type ErrorCode,
  type KmsApi,
  KmsDemoError,
  schemeCipher,
} from '@kms-demo/core';
import {
  batchedPoster,
  type CipherOp,
  type DoneMessage,
  exactBytes,
  type JobMessage,
  type KmsRequestMessage,
  type KmsResponseMessage,
} from './crypto-messages.js';

/** A cipher whose Encryption SDK work runs in worker threads; `close` ends them. */
export interface CryptoPool extends Cipher {
  close(): Promise<void>;
}

interface Job {
  kms: KmsApi;
  resolve(result: Uint8Array): void;
  reject(error: Error): void;
  /** The first KMS error of this job, as the SDK raised it: the typed error's cause. */
  kmsError?: unknown;
  worker: Worker;
}

/**
 * The worker's script, next to the bundle's entry (chunks live in dist/chunks). Absent
 * when the CLI runs from its TypeScript sources: then the work stays in this thread.
 */
function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('../crypto-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * Workers for bulk work: the default leaves a core to the main thread (which makes every
 * KMS and DynamoDB request) and, on a small machine, to the local endpoint.
 */
export function defaultPoolSize(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/**
 * Seals and opens in `size` worker threads, each with its own Encryption SDK. The KMS
 * requests stay in this thread (see crypto-messages.ts); secrets, data keys and results
 * cross only the workers' message ports, copied into buffers of their own and transferred.
 * With size 0, or no worker script, this is the in-thread cipher.
 */
export function createCryptoPool(size = defaultPoolSize()): CryptoPool {
  const script = size > 0 ? workerScript() : undefined;
  if (!script) return { ...schemeCipher, close: async () => {} };
  const workers: Worker[] = [];
  const jobs = new Map<number, Job>();
  const load = new Map<Worker, number>();
  const posters = new Map<
    Worker,
    (message: JobMessage | KmsResponseMessage, transfer?: ArrayBuffer[]) => void
  >();
  let nextJob = 0;
  let broken: Error | undefined;

  const fail = (worker: Worker, error: Error) => {
    broken ??= error;
    for (const [id, job] of jobs) {
      if (job.worker !== worker) continue;
      jobs.delete(id);
      job.reject(error);
    }
  };

  function start(): Worker {
    const worker = new Worker(script as string);
    load.set(worker, 0);
    posters.set(
      worker,
      batchedPoster((messages, transfer) => worker.postMessage(messages, transfer)),
    );
    worker.on('message', (messages: (DoneMessage | KmsRequestMessage)[]) => {
      for (const message of messages) receive(worker, message);
    });
    worker.on('error', (error) => fail(worker, error));
    worker.on('exit', (code) => fail(worker, new Error(`a crypto worker stopped (exit ${code})`)));
    workers.push(worker);
    return worker;
  }

  function receive(worker: Worker, message: DoneMessage | KmsRequestMessage): void {
    if (message.type === 'kms') {
      void serveKms(worker, message);
      return;
    }
    const job = jobs.get(message.id);
    if (!job) return;
    jobs.delete(message.id);
    load.set(worker, (load.get(worker) ?? 1) - 1);
    if ('result' in message) {
      job.resolve(message.result);
      return;
    }
    const { code, message: text } = message.error;
    const options = job.kmsError === undefined ? undefined : { cause: job.kmsError };
    job.reject(
      code && (ERROR_CODES as readonly string[]).includes(code)
        ? new KmsDemoError(code as ErrorCode, text, options)
        : new Error(text, options),
    );
  }

  async function serveKms(worker: Worker, request: KmsRequestMessage): Promise<void> {
    const job = jobs.get(request.job);
    let response: KmsResponseMessage;
    const transfer: ArrayBuffer[] = [];
    try {
      if (!job) throw new Error('no such job');
      const kms = job.kms as unknown as Record<
        string,
        (input: unknown) => Promise<Record<string, unknown>>
      >;
      const output = await (kms[request.op] as (input: unknown) => Promise<object>).call(
        job.kms,
        request.input,
      );
      const { $metadata: _, ...members } = output as Record<string, unknown>;
      const exact = exactBytes(members);
      // The SDK's copy of a data key is zeroed: the worker's copy is the one that is used.
      if (members.Plaintext instanceof Uint8Array) members.Plaintext.fill(0);
      transfer.push(...exact.transfer);
      response = { type: 'kms', call: request.call, output: exact.value };
    } catch (error) {
      if (job && job.kmsError === undefined) job.kmsError = error;
      const e = error as { name?: unknown; code?: unknown; message?: unknown };
      response = {
        type: 'kms',
        call: request.call,
        error: {
          name: typeof e?.name === 'string' ? e.name : 'Error',
          ...(typeof e?.code === 'string' && { code: e.code }),
          message: typeof e?.message === 'string' ? e.message : String(error),
        },
      };
    }
    // The worker may have gone (an error ended it); its jobs have been failed then.
    if (workers.includes(worker)) posters.get(worker)?.(response, transfer);
  }

  /** The least busy worker, starting another while fewer than `size` run. */
  function pick(): Worker {
    let best: Worker | undefined;
    for (const worker of workers) {
      if (best === undefined || (load.get(worker) ?? 0) < (load.get(best) ?? 0)) best = worker;
    }
    if (best === undefined || ((load.get(best) ?? 0) > 0 && workers.length < size)) {
      return start();
    }
    return best;
  }

  function run(
    op: CipherOp,
    kms: KmsApi,
    keyArn: string,
    binding: { tableName: string; appuser: string },
    data: Uint8Array,
    scheme: string,
  ): Promise<Uint8Array> {
    if (broken) return Promise.reject(broken);
    const worker = pick();
    const id = nextJob++;
    return new Promise<Uint8Array>((resolve, reject) => {
      jobs.set(id, { kms, resolve, reject, worker });
      load.set(worker, (load.get(worker) ?? 0) + 1);
      const { value, transfer } = exactBytes({ data });
      const job: JobMessage = {
        type: 'job',
        id,
        op,
        keyArn,
        binding: { ...binding },
        data: value.data,
        scheme: scheme as JobMessage['scheme'],
      };
      posters.get(worker)?.(job, transfer);
    });
  }

  return {
    seal: (kms, keyArn, binding, secret, scheme) =>
      run('seal', kms, keyArn, binding, secret, scheme),
    open: (kms, keyArn, binding, ciphertext, scheme) =>
      run('open', kms, keyArn, binding, ciphertext, scheme),
    async close() {
      const all = workers.splice(0);
      for (const worker of all) worker.removeAllListeners('exit');
      await Promise.all(all.map((worker) => worker.terminate()));
      for (const worker of all) fail(worker, new Error('the crypto workers were closed'));
    },
  };
}
