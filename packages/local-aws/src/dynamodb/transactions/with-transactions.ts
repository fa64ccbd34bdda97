import { createHash } from 'node:crypto';
import type { DynamoResponse } from '../dynalite-backend.js';
import { errorResponse, type SendToStore } from './dynamo-call.js';
import { IDEMPOTENCY_WINDOW_MS } from './limits.js';
import { ReadWriteLock } from './rw-lock.js';
import { transactGetItems } from './transact-get-items.js';
import { transactWriteItems } from './transact-write-items.js';

interface TokenRecord {
  digest: string;
  at: number;
  /** Undefined while the first call with this token runs. */
  response?: DynamoResponse;
}

/**
 * TransactWriteItems and TransactGetItems in front of a store that has neither (dynalite).
 * Write transactions run one at a time under an exclusive lock that every other request
 * shares. A ClientRequestToken makes a write transaction idempotent for 10 minutes: the
 * same call again answers as the first did without writing again; the same token with
 * other parameters is refused.
 */
export function withTransactions(send: SendToStore, now: () => number = Date.now): SendToStore {
  const lock = new ReadWriteLock();
  const tokens = new Map<string, TokenRecord>();

  const parse = (body: Buffer): Record<string, unknown> | undefined => {
    try {
      const value = JSON.parse(body.toString('utf8'));
      return typeof value === 'object' && value !== null ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const serialization = () =>
    errorResponse('SerializationException', 'Start of structure or map found where not expected.');

  async function write(body: Buffer): Promise<DynamoResponse> {
    const request = parse(body);
    if (!request) return serialization();
    const token = request.ClientRequestToken;
    if (typeof token !== 'string') return lock.exclusive(() => transactWriteItems(send, request));

    const { ClientRequestToken: _, ...rest } = request;
    const digest = createHash('sha256').update(JSON.stringify(rest)).digest('hex');
    for (const [key, record] of tokens) {
      if (now() - record.at > IDEMPOTENCY_WINDOW_MS) tokens.delete(key);
    }
    const known = tokens.get(token);
    if (known) {
      if (known.digest !== digest) {
        return errorResponse(
          'IdempotentParameterMismatchException',
          'The request uses the same client token as a previous, but non-identical request.',
        );
      }
      if (!known.response) {
        return errorResponse(
          'TransactionInProgressException',
          'The transaction with the given request token is already in progress.',
        );
      }
      return known.response;
    }
    const record: TokenRecord = { digest, at: now() };
    tokens.set(token, record);
    try {
      const response = await lock.exclusive(() => transactWriteItems(send, request));
      // Only a transaction that wrote is remembered; a refused one may be sent again.
      if (response.status === 200) record.response = response;
      else tokens.delete(token);
      return response;
    } catch (error) {
      tokens.delete(token);
      throw error;
    }
  }

  return (operation, body) => {
    if (operation === 'TransactWriteItems') return write(body);
    if (operation === 'TransactGetItems') {
      const request = parse(body);
      if (!request) return Promise.resolve(serialization());
      return lock.shared(() => transactGetItems(send, request));
    }
    return lock.shared(() => send(operation, body));
  };
}
