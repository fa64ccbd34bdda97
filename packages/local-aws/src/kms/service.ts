import { join } from 'node:path';
import { KmsError } from './errors.js';
import { checkAliasName } from './identifiers.js';
import { KeyStore } from './key-store.js';
import { newKeyRecord } from './operations/create-key.js';
import { operations } from './operations/index.js';
import { asBody } from './validation.js';

export interface KmsServiceOptions {
  stateDir: string;
  region: string;
  accountId: string;
}

export interface KmsService {
  /**
   * operation = the part after "TrentService." in X-Amz-Target; body = the parsed JSON
   * request. Returns the JSON response object. Throws KmsError for AWS-documented errors.
   */
  handle(operation: string, body: unknown): Promise<unknown>;
  /** Idempotently ensure a SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT key with this alias exists; returns its key ARN. */
  ensureKeyWithAlias(aliasName: string, description: string): Promise<string>;
  /** Flush state to disk. */
  close(): Promise<void>;
}

/**
 * The KMS engine behind the local endpoint. Keys, aliases and key material live under
 * `<stateDir>/kms/`. Each request runs its operation synchronously against the store and
 * then waits until any change is on disk, so a response is never ahead of the state file.
 */
export async function createKmsService(options: KmsServiceOptions): Promise<KmsService> {
  const store = await KeyStore.open(join(options.stateDir, 'kms'), {
    region: options.region,
    accountId: options.accountId,
  });
  let closed = false;

  return {
    async handle(operation, body) {
      if (closed) throw new Error('The KMS service is closed.');
      const run = operations.get(operation);
      if (!run) {
        throw new KmsError(
          'UnknownOperationException',
          `Operation ${operation} is not supported by the local KMS emulator.`,
        );
      }
      const now = Date.now();
      store.housekeeping(now);
      try {
        return run({ store, now }, asBody(body));
      } finally {
        await store.flush();
      }
    },

    async ensureKeyWithAlias(aliasName, description) {
      checkAliasName(aliasName, true);
      const now = Date.now();
      store.housekeeping(now);
      const existing = store.findAlias(aliasName);
      const target = existing && store.findKey(existing.targetKeyId);
      if (target) return store.arn(target);
      const key = newKeyRecord(store, now, description);
      store.addKey(key);
      store.putAlias({ aliasName, targetKeyId: key.keyId, createdAt: now, updatedAt: now });
      await store.flush();
      return store.arn(key);
    },

    async close() {
      closed = true;
      await store.flush();
    },
  };
}
