/** An error CloudTrail documents for LookupEvents; sent as HTTP 400 `{"__type", "message"}`. */
export class CloudTrailError extends Error {
  readonly status = 400;

  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}
