/**
 * The AWS JSON protocol error shape: HTTP status plus `{"__type", "message"}`. SDKs take
 * the part of `__type` after `#` as the error's name.
 */
export interface AwsErrorReply {
  status: number;
  type: string;
  message: string;
}

/** Which service a request is for, from its X-Amz-Target prefix. */
export type ServiceName = 'kms' | 'dynamodb' | 'cloudtrail';

/** Content types of the JSON protocols: KMS and CloudTrail speak 1.1, DynamoDB 1.0. */
export const CONTENT_TYPES: Record<ServiceName, string> = {
  kms: 'application/x-amz-json-1.1',
  dynamodb: 'application/x-amz-json-1.0',
  cloudtrail: 'application/x-amz-json-1.1',
};

/**
 * Error type as the service spells it on the wire: DynamoDB qualifies the front-door errors
 * (authentication, unknown operation) with `com.amazon.coral.service#` and its own with
 * its API namespace; KMS sends the bare name.
 */
export function wireType(service: ServiceName | undefined, reply: AwsErrorReply): string {
  if (service !== 'dynamodb') return reply.type;
  return FRONT_DOOR_ERRORS.has(reply.type)
    ? `com.amazon.coral.service#${reply.type}`
    : `com.amazonaws.dynamodb.v20120810#${reply.type}`;
}

const FRONT_DOOR_ERRORS = new Set([
  'AccessDeniedException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'UnknownOperationException',
  'SerializationException',
  'RequestEntityTooLargeException',
  'InternalFailure',
]);

const INTERNAL_ERROR_TYPES = {
  kms: 'KMSInternalException',
  dynamodb: 'InternalServerError',
  cloudtrail: 'InternalFailure',
  none: 'InternalFailure',
} as const;

export const authErrors = {
  missing: (): AwsErrorReply => ({
    status: 400,
    type: 'MissingAuthenticationTokenException',
    message: 'Request is missing Authentication Token',
  }),
  incomplete: (detail: string): AwsErrorReply => ({
    status: 400,
    type: 'IncompleteSignatureException',
    message: detail,
  }),
  unrecognizedClient: (): AwsErrorReply => ({
    status: 400,
    type: 'UnrecognizedClientException',
    message: 'The security token included in the request is invalid.',
  }),
  invalidSignature: (
    detail = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  ): AwsErrorReply => ({ status: 400, type: 'InvalidSignatureException', message: detail }),
};

export const protocolErrors = {
  unknownOperation: (target: string): AwsErrorReply => ({
    status: 400,
    type: 'UnknownOperationException',
    message: target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header',
  }),
  serialization: (): AwsErrorReply => ({
    status: 400,
    type: 'SerializationException',
    message: 'The request body is not valid JSON.',
  }),
  tooLarge: (limit: number): AwsErrorReply => ({
    status: 413,
    type: 'RequestEntityTooLargeException',
    message: `Request body is larger than ${limit} bytes.`,
  }),
  /** A bug on our side: each service's own 500 error name, and never any detail. */
  internal: (service: ServiceName | undefined): AwsErrorReply => ({
    status: 500,
    type: INTERNAL_ERROR_TYPES[service ?? 'none'],
    message: 'The request processing has failed because of an unknown error, exception or failure.',
  }),
};
