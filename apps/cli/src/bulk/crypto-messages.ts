import type { Binding, Scheme } from '@kms-demo/core';

/**
 * The messages between the main thread and a crypto worker (crypto-pool.ts). The worker
 * runs the Encryption SDK; every KMS request it makes is sent back to the main thread,
 * which makes it with the command's own client (its credentials, retries, deadline and
 * trail identity), so one KMS request per item stays exactly as without workers.
 */

export type CipherOp = 'seal' | 'open';
export type KmsOp = 'encrypt' | 'decrypt' | 'generateDataKey' | 'describeKey';

/** main → worker: seal `data` (a secret) or open it (a ciphertext). */
export interface JobMessage {
  type: 'job';
  id: number;
  op: CipherOp;
  keyArn: string;
  binding: Binding;
  data: Uint8Array;
  scheme: Scheme;
}

/** worker → main: the job's result, or its error as a code and a message. */
export type DoneMessage =
  | { type: 'done'; id: number; result: Uint8Array }
  | { type: 'done'; id: number; error: { code?: string; message: string } };

/** worker → main: a KMS request on behalf of job `job`. */
export interface KmsRequestMessage {
  type: 'kms';
  call: number;
  job: number;
  op: KmsOp;
  input: Record<string, unknown>;
}

/** main → worker: a KMS response, or the error's name, code and message. */
export type KmsResponseMessage =
  | { type: 'kms'; call: number; output: Record<string, unknown> }
  | { type: 'kms'; call: number; error: { name: string; code?: string; message: string } };

/**
 * A message's byte members copied to buffers of their own, and those buffers. A posted
 * view would carry its whole ArrayBuffer (a pooled Buffer holds other data, secrets
 * included); the copies are transferred, so no second copy stays behind.
 */
export function exactBytes<T extends Record<string, unknown>>(
  value: T,
): { value: T; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member instanceof Uint8Array) {
      const copy = new Uint8Array(member);
      transfer.push(copy.buffer);
      out[key] = copy;
    } else out[key] = member;
  }
  return { value: out as T, transfer };
}

/**
 * Sends messages in batches: those posted in one turn of the event loop go as one
 * message (an array), since waking the other thread costs more than a small message.
 */
export function batchedPoster<M>(
  post: (messages: M[], transfer: ArrayBuffer[]) => void,
): (message: M, transfer?: ArrayBuffer[]) => void {
  let messages: M[] = [];
  let transfers: ArrayBuffer[] = [];
  const flush = () => {
    const batch = messages;
    const transfer = transfers;
    messages = [];
    transfers = [];
    post(batch, transfer);
  };
  return (message, transfer = []) => {
    if (messages.length === 0) setImmediate(flush);
    messages.push(message);
    transfers.push(...transfer);
  };
}
