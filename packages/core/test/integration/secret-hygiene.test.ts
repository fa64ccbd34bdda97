import { randomBytes } from 'node:crypto';
import { DisableKeyCommand } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import type { KmsApi, WritableScheme } from '../../src/index.js';
import { findBytes } from '../support/deep-search.js';
import { type Emulator, startEmulator } from '../support/emulator.js';
import { closedLoopbackPort } from '../support/ports.js';

/**
 * Errors carry their cause for `--verbose` output. Whatever fails, no part of the thrown
 * error (message, cause chain, SDK metadata and response objects) may hold the secret or
 * a data key.
 */

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A distinctive secret, long enough that finding it anywhere is no coincidence. */
const canary = () => Buffer.from(`canary-${randomBytes(12).toString('hex')}`);

const schemes: WritableScheme[] = ['envelope', 'direct'];

describe('the search itself', () => {
  it('finds bytes hidden in a non-enumerable property of a cause, as text or base64', () => {
    const secret = canary();
    const hidden = new Error('outer', { cause: new Error('inner') });
    Object.defineProperty(hidden.cause as object, '$response', { value: { body: secret } });
    expect(findBytes(hidden, secret)).toBe('error.cause.$response.body');
    expect(findBytes({ m: `x${secret.toString('base64')}` }, secret)).toBe('error.m');
    expect(findBytes(new Error('clean'), secret)).toBeUndefined();
  });
});

describe('no secret in errors', () => {
  it.each(schemes)('%s put under a disabled key', async (scheme) => {
    emulator = await startEmulator();
    const keyArn = await emulator.createKey();
    await emulator.kms.send(new DisableKeyCommand({ KeyId: keyArn }));
    const secret = canary();
    const error = await emulator
      .store({ keyId: keyArn })
      .put(secret, { scheme })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'KEY_UNAVAILABLE' });
    expect(findBytes(error, secret)).toBeUndefined();
  });

  it.each(schemes)('%s put throttled beyond its retries', async (scheme) => {
    emulator = await startEmulator({ faults: { kms: { count: 100 } }, maxAttempts: 2 });
    const secret = canary();
    const error = await emulator
      .store()
      .put(secret, { scheme })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'THROTTLED' });
    expect(findBytes(error, secret)).toBeUndefined();
  });

  it.each(schemes)('%s put to an endpoint that stops answering', async (scheme) => {
    emulator = await startEmulator();
    const { kms: live } = emulator;
    const dead = emulator.clients({
      endpoint: `http://127.0.0.1:${await closedLoopbackPort()}`,
    }).kms;
    // DescribeKey reaches the emulator; the call that carries the secret cannot.
    const kms: KmsApi = {
      describeKey: (input) => live.describeKey(input),
      encrypt: (input) => dead.encrypt(input),
      generateDataKey: (input) => dead.generateDataKey(input),
      decrypt: (input) => dead.decrypt(input),
    };
    const secret = canary();
    const error = await emulator
      .store({ kms })
      .put(secret, { scheme })
      .catch((e) => e);
    dead.destroy();
    expect(error).toMatchObject({ code: 'AWS_ERROR', message: /ECONNREFUSED/ });
    expect(findBytes(error, secret)).toBeUndefined();
  });

  it('an envelope get that fails after KMS returned the data key holds neither', async () => {
    emulator = await startEmulator();
    const secret = canary();
    const { appuser } = await emulator.store().put(secret);
    const dataKeys: Uint8Array[] = [];
    const { kms: live } = emulator;
    const kms: KmsApi = {
      describeKey: (input) => live.describeKey(input),
      encrypt: (input) => live.encrypt(input),
      generateDataKey: (input) => live.generateDataKey(input),
      async decrypt(input) {
        const output = await live.decrypt(input);
        if (output.Plaintext) dataKeys.push(new Uint8Array(output.Plaintext));
        // A corrupted data key: the key commitment check fails after KMS succeeded.
        if (output.Plaintext) output.Plaintext[0] = (output.Plaintext[0] ?? 0) ^ 1;
        return output;
      },
    };
    const error = await emulator
      .store({ kms })
      .get(appuser)
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'INTEGRITY' });
    expect(dataKeys).toHaveLength(1);
    expect(findBytes(error, secret)).toBeUndefined();
    const [dataKey] = dataKeys;
    if (!dataKey) throw new Error('no data key');
    expect(findBytes(error, dataKey.subarray(1))).toBeUndefined();
  });
});
