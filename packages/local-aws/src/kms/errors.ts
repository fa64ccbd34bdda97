/**
 * KMS answers every client error with HTTP 400 (the API reference's "HTTP Status Code: 400"
 * on NotFoundException, DisabledException, KMSInvalidStateException and the rest); only
 * the service-side faults are 5xx.
 */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  DependencyTimeoutException: 500,
  KMSInternalException: 500,
  KeyUnavailableException: 500,
};

/**
 * An error AWS KMS documents for an operation. The server turns it into HTTP `status` with
 * the JSON 1.1 body `{"__type": type, "message": message}`; SDKs map `__type` to the
 * error's `name`.
 */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = HTTP_STATUS[type] ?? 400,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * AWS's wording for a request that breaks a modelled constraint, e.g.
 * `1 validation error detected: Value at 'plaintext' failed to satisfy constraint: ...`.
 * Sensitive members (plaintext, ciphertext) are reported without their value.
 */
export function validationError(member: string, constraint: string, value?: unknown): KmsError {
  const shown = value === undefined ? '' : ` '${String(value).slice(0, 256)}'`;
  return new KmsError(
    'ValidationException',
    `1 validation error detected: Value${shown} at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

export function notFound(message: string): KmsError {
  return new KmsError('NotFoundException', message);
}

export function invalidState(message: string): KmsError {
  return new KmsError('KMSInvalidStateException', message);
}

export function invalidCiphertext(): KmsError {
  // One message for every cause, so a caller learns nothing about which check failed.
  return new KmsError(
    'InvalidCiphertextException',
    'The ciphertext is invalid or was tampered with.',
  );
}
