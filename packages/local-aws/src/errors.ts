/** Stable codes for everything `startLocalAws` and its helpers can refuse or fail at. */
export type LocalAwsErrorCode =
  | 'STATE_DIR_IN_USE'
  | 'STATE_DIR_INVALID'
  | 'STATE_DIR_UNSAFE'
  | 'KMS_STATE_LOST'
  | 'KMS_STATE_DAMAGED'
  | 'DYNAMODB_DAMAGED'
  | 'NO_SPACE'
  | 'SERVER_HUNG'
  | 'SERVER_START_FAILED'
  | 'SERVER_START_REFUSED'
  | 'STOP_FAILED'
  | 'NON_LOOPBACK_HOST'
  | 'PORT_IN_USE'
  | 'LISTEN_FAILED'
  | 'INVALID_OPTIONS'
  | 'INVALID_FAULTS'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIALS_MISSING'
  | 'BOOTSTRAP_FAILED'
  | 'DYNAMODB_FAILED'
  | 'CLOSE_FAILED';

/**
 * The one error type the local endpoint's public API throws. Messages say what failed and
 * what to do next; the underlying error, if any, rides along as `cause`.
 */
export class LocalAwsError extends Error {
  override readonly name = 'LocalAwsError';

  constructor(
    readonly code: LocalAwsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
