import { KmsDemoError } from './errors.js';

/**
 * Maps AWS SDK errors to typed errors. The SDK has already retried (standard mode) by the
 * time an error arrives here, so a throttling error means the retries were used up.
 */

export interface AwsErrorScope {
  /** Which service raised it: the same error name means different things in each. */
  service: 'kms' | 'dynamodb';
  /** The KMS key or DynamoDB table the call was about, named in messages. */
  resource: string;
  /** The item the call was about, for integrity messages. */
  appuser?: string;
}

const KEY_UNAVAILABLE_HINTS: Record<string, string> = {
  DisabledException: 'is disabled; enable it (kms:EnableKey) or configure another key',
  KMSInvalidStateException:
    'is not in a usable state (pending deletion or import); cancel the deletion or configure another key',
  AccessDeniedException:
    'refused access; grant your principal kms:Encrypt, kms:Decrypt, kms:GenerateDataKey and kms:DescribeKey on it (the app policy allows them only with the encryption context pair table=<your table>)',
  NotFoundException: 'was not found; check the key id or alias and the region',
  KeyUnavailableException: 'is temporarily unavailable in KMS; retry in a moment',
  InvalidKeyUsageException:
    'cannot be used for this operation; configure a symmetric ENCRYPT_DECRYPT key',
};

const INTEGRITY_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'MissingAuthenticationTokenException',
]);

/** Node system errors (and the SDK's timeout) that mean the endpoint could not be reached. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
]);

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

function errorCodeProp(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function fromAwsError(error: unknown, scope: AwsErrorScope): KmsDemoError {
  if (error instanceof KmsDemoError) return error;
  const name = errorName(error);
  const options = { cause: error };
  const what = scope.service === 'kms' ? `KMS key ${scope.resource}` : `table ${scope.resource}`;

  if (scope.service === 'kms' && KEY_UNAVAILABLE_HINTS[name]) {
    return new KmsDemoError('KEY_UNAVAILABLE', `${what} ${KEY_UNAVAILABLE_HINTS[name]}.`, options);
  }
  if (scope.service === 'kms' && INTEGRITY_ERRORS.has(name)) {
    const who = scope.appuser ? `The stored secret of '${scope.appuser}'` : 'The ciphertext';
    return new KmsDemoError(
      'INTEGRITY',
      `${who} failed verification in KMS (${name}): it was altered, copied from another item, or encrypted under another key than ${scope.resource}. ` +
        'Do not trust this item; restore it from a backup, or delete the item and store the secret again.',
      options,
    );
  }
  // Not throttling: KMS and DynamoDB use it for a quota (keys, aliases, concurrent table
  // operations) that waiting and retrying will not lift.
  if (name === 'LimitExceededException') {
    return new KmsDemoError(
      'AWS_ERROR',
      `AWS refused a request to ${what} because an account quota is exhausted (${name}); free some of it or ask AWS to raise it.`,
      options,
    );
  }
  if (THROTTLING_ERRORS.has(name)) {
    return new KmsDemoError(
      'THROTTLED',
      `AWS throttled requests to ${what} (${name}) and retries did not absorb it; wait and retry, or raise the quota.`,
      options,
    );
  }
  if (scope.service === 'dynamodb' && name === 'ResourceNotFoundException') {
    return new KmsDemoError(
      'TABLE_NOT_FOUND',
      `DynamoDB ${what} does not exist in this region; deploy the stack (infra/) or check the table name and region.`,
      options,
    );
  }
  if (scope.service === 'dynamodb' && name === 'ConditionalCheckFailedException') {
    return new KmsDemoError(
      'CONFLICT',
      `The item changed in ${what} while this operation ran; read it again and retry.`,
      options,
    );
  }
  if (scope.service === 'dynamodb' && name === 'AccessDeniedException') {
    return new KmsDemoError(
      'AWS_ERROR',
      `DynamoDB refused access to ${what}; grant your principal dynamodb:GetItem, PutItem, DeleteItem and Scan on it (the stack's app policy does), or check the profile in use.`,
      options,
    );
  }
  if (
    scope.service === 'dynamodb' &&
    name === 'ValidationException' &&
    /item size/i.test(error instanceof Error ? error.message : '')
  ) {
    return new KmsDemoError(
      'TOO_LARGE',
      `The encrypted item is larger than DynamoDB's 400 KB item limit for ${what}; store a smaller secret.`,
      options,
    );
  }
  if (name === 'CredentialsProviderError') {
    // The SDK found no credentials at all: no request was made, so nothing was refused.
    return new KmsDemoError(
      'AWS_ERROR',
      `No AWS credentials were found for ${what} (${name}): set AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws configure'.`,
      options,
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new KmsDemoError(
      'AWS_ERROR',
      `AWS did not accept the credentials (${name}); set AWS_PROFILE or AWS credentials, or check the endpoint.`,
      options,
    );
  }
  const network = [errorCodeProp(error), name].find((code) => code && NETWORK_ERRORS.has(code));
  if (network) {
    return new KmsDemoError(
      'AWS_ERROR',
      `Could not reach the AWS endpoint for ${what} (${network}); check the endpoint URL and your network${network === 'ECONNREFUSED' ? ', or start the local emulator if the endpoint is on this machine' : ''}.`,
      options,
    );
  }
  const detail = error instanceof Error && error.message ? `: ${error.message}` : '';
  return new KmsDemoError(
    'AWS_ERROR',
    `AWS request for ${what} failed (${name}${detail}); check the region, endpoint and permissions.`,
    options,
  );
}

/** Runs an AWS call and converts whatever it throws into a KmsDemoError. */
export async function awsCall<T>(scope: AwsErrorScope, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAwsError(error, scope);
  }
}
