/**
 * Typed errors with stable codes. Callers (the CLI) branch on `code`, never on message
 * text; messages say what failed and what to do next, and the original error rides
 * along as `cause`. No message ever contains plaintext or key material.
 */

export type ErrorCode =
  | 'NOT_FOUND'
  | 'INTEGRITY'
  | 'LEGACY_REFUSED'
  | 'KEY_UNAVAILABLE'
  | 'TOO_LARGE'
  | 'INVALID_ID'
  | 'INVALID_SECRET'
  | 'CONFLICT'
  | 'THROTTLED'
  | 'TABLE_NOT_FOUND'
  | 'AWS_ERROR';

export const ERROR_CODES: readonly ErrorCode[] = [
  'NOT_FOUND',
  'INTEGRITY',
  'LEGACY_REFUSED',
  'KEY_UNAVAILABLE',
  'TOO_LARGE',
  'INVALID_ID',
  'INVALID_SECRET',
  'CONFLICT',
  'THROTTLED',
  'TABLE_NOT_FOUND',
  'AWS_ERROR',
];

export class KmsDemoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KmsDemoError';
    this.code = code;
  }
}

export function isKmsDemoError(error: unknown, code?: ErrorCode): error is KmsDemoError {
  return error instanceof KmsDemoError && (code === undefined || error.code === code);
}

/** The message every integrity failure shares, so users learn one remedy. */
export function integrityError(appuser: string, reason: string, cause?: unknown): KmsDemoError {
  return new KmsDemoError(
    'INTEGRITY',
    `The stored secret of '${appuser}' failed verification: ${reason}. ` +
      'Do not trust this item: it was altered or copied from another item or table. ' +
      'Restore it from a backup, or delete the item and store the secret again.',
    cause === undefined ? undefined : { cause },
  );
}
