import { invalidState, KmsError } from './errors.js';
import { parseKeyReference } from './identifiers.js';
import type { KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';
import type { Body } from './validation.js';
import { requiredString } from './validation.js';

/** What an operation sees: the store and the request time (epoch milliseconds). */
export interface OperationContext {
  store: KeyStore;
  now: number;
}

/**
 * One KMS operation: validates the request, then executes it, synchronously, so that
 * no other request can observe or change the store half-way through it.
 */
export type Operation = (context: OperationContext, body: Body) => Record<string, unknown>;

/** Reads a KeyId-like member (1..2048 characters) and finds its key. */
export function keyFromMember(
  context: OperationContext,
  body: Body,
  member: string,
  allowAlias: boolean,
): KeyRecord {
  const value = requiredString(body, member, { min: 1, max: 2048 });
  return context.store.resolve(parseKeyReference(context.store.scope, value, allowAlias));
}

/** Cryptographic operations need an enabled key (AWS's key state table). */
export function requireEnabled(context: OperationContext, key: KeyRecord): void {
  const arn = context.store.arn(key);
  if (key.state === 'Disabled') throw new KmsError('DisabledException', `${arn} is disabled.`);
  requireNotPendingDeletion(context, key);
}

export function requireNotPendingDeletion(context: OperationContext, key: KeyRecord): void {
  if (key.state === 'PendingDeletion') {
    throw invalidState(`${context.store.arn(key)} is pending deletion.`);
  }
}

/** Epoch seconds, the JSON 1.1 protocol's timestamp format. */
export function epochSeconds(milliseconds: number): number {
  return milliseconds / 1000;
}

/** DryRun: every check has passed, so report that the call would have succeeded. */
export function dryRunSucceeded(): KmsError {
  return new KmsError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
  );
}
