import { KmsError } from './errors.js';

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

export async function createKmsService(_options: KmsServiceOptions): Promise<KmsService> {
  return {
    async handle(operation) {
      throw new KmsError('UnknownOperationException', `Operation ${operation} is not supported.`);
    },
    async ensureKeyWithAlias() {
      throw new KmsError('KMSInternalException', 'The KMS engine is still being built.', 500);
    },
    async close() {},
  };
}
