import { parentPort } from 'node:worker_threads';
import { isKmsDemoError, type KmsApi, schemeCipher, type WritableScheme } from '@kms-demo/core';
import {
  batchedPoster,
  type DoneMessage,
  exactBytes,
  type JobMessage,
  type KmsOp,
  type KmsRequestMessage,
  type KmsResponseMessage,
} from './crypto-messages.js';

// A crypto worker (see crypto-pool.ts): seals and opens with the Encryption SDK, asking
// the main thread for each KMS request. It holds no credentials and prints nothing.
const port = parentPort;
if (!port) throw new Error('crypto-worker runs only as a worker thread');

const post = batchedPoster<DoneMessage | KmsRequestMessage>((messages, transfer) =>
  port.postMessage(messages, transfer),
);
const calls = new Map<number, { resolve(output: unknown): void; reject(error: Error): void }>();
let nextCall = 0;

function kmsFor(job: number): KmsApi {
  const call = (op: KmsOp) => (input: Record<string, unknown>) =>
    new Promise<never>((resolve, reject) => {
      const id = nextCall++;
      calls.set(id, { resolve: resolve as (output: unknown) => void, reject });
      const { value, transfer } = exactBytes(input);
      const message: KmsRequestMessage = { type: 'kms', call: id, job, op, input: value };
      post(message, transfer);
    });
  return {
    encrypt: call('encrypt'),
    decrypt: call('decrypt'),
    generateDataKey: call('generateDataKey'),
    describeKey: call('describeKey'),
  };
}

/** The SDK error as the main thread saw it: name, code and message are what core maps. */
function remoteError(error: { name: string; code?: string; message: string }): Error {
  const rebuilt = new Error(error.message) as Error & { code?: string };
  rebuilt.name = error.name;
  if (error.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

async function runJob(job: JobMessage): Promise<void> {
  let done: DoneMessage;
  const transfer: ArrayBuffer[] = [];
  try {
    const kms = kmsFor(job.id);
    const result =
      job.op === 'seal'
        ? await schemeCipher.seal(
            kms,
            job.keyArn,
            job.binding,
            job.data,
            job.scheme as WritableScheme,
          )
        : await schemeCipher.open(kms, job.keyArn, job.binding, job.data, job.scheme);
    const own = new Uint8Array(result);
    result.fill(0);
    transfer.push(own.buffer);
    done = { type: 'done', id: job.id, result: own };
  } catch (error) {
    done = {
      type: 'done',
      id: job.id,
      error: {
        ...(isKmsDemoError(error) && { code: error.code }),
        message: error instanceof Error ? error.message : String(error),
      },
    };
  } finally {
    job.data.fill(0);
  }
  post(done, transfer);
}

function receive(message: JobMessage | KmsResponseMessage): void {
  if (message.type === 'job') {
    void runJob(message);
    return;
  }
  const pending = calls.get(message.call);
  if (!pending) return;
  calls.delete(message.call);
  if ('error' in message) pending.reject(remoteError(message.error));
  else pending.resolve(message.output);
}

port.on('message', (messages: (JobMessage | KmsResponseMessage)[]) => {
  for (const message of messages) receive(message);
});
