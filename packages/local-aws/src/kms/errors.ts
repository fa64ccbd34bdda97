/**
 * An error AWS KMS documents for an operation. The server turns it into HTTP `status` with
 * the JSON 1.1 body `{"__type": type, "message": message}`; SDKs map `__type` to the
 * error's `name`.
 */
export class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}
