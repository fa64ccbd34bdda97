import type { Caller } from './caller.js';

/** One CloudTrail record, in the shape AWS documents for KMS API calls. */
export interface TrailRecord {
  eventVersion: string;
  userIdentity: {
    type: 'IAMUser';
    principalId: string;
    arn: string;
    accountId: string;
    accessKeyId: string;
    userName: string;
  };
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources: { accountId: string; type: string; ARN: string }[];
  eventType: 'AwsApiCall';
  managementEvent: true;
  recipientAccountId: string;
  eventCategory: 'Management';
}

/** A KMS request whose outcome is known. */
export interface KmsCall {
  caller: Caller;
  operation: string;
  /** The parsed request body; only the members listed in LOGGED_MEMBERS are copied. */
  input: unknown;
  /** The response on success; only its KeyId is read. */
  output?: unknown;
  error?: { type: string; message: string };
  /** The key ARN the request named, when it names one the emulator knows. */
  keyArn?: string;
  requestId: string;
  eventId: string;
  time: Date;
  region: string;
  sourceIp: string;
  userAgent: string;
}

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';
export const KMS_KEY_RESOURCE_TYPE = 'AWS::KMS::Key';

/**
 * Request members CloudTrail logs for KMS, and their record names. An allow-list on
 * purpose: Plaintext, CiphertextBlob and every other member not named here (a future
 * operation's secret included) never reach the trail.
 */
const LOGGED_MEMBERS: Readonly<Record<string, string>> = {
  KeyId: 'keyId',
  EncryptionContext: 'encryptionContext',
  EncryptionAlgorithm: 'encryptionAlgorithm',
  KeySpec: 'keySpec',
  NumberOfBytes: 'numberOfBytes',
  GrantTokens: 'grantTokens',
  DryRun: 'dryRun',
  AliasName: 'aliasName',
  TargetKeyId: 'targetKeyId',
  Description: 'description',
  KeyUsage: 'keyUsage',
  CustomerMasterKeySpec: 'customerMasterKeySpec',
  Origin: 'origin',
  MultiRegion: 'multiRegion',
  BypassPolicyLockoutSafetyCheck: 'bypassPolicyLockoutSafetyCheck',
  Policy: 'policy',
  PolicyName: 'policyName',
  PendingWindowInDays: 'pendingWindowInDays',
  RotationPeriodInDays: 'rotationPeriodInDays',
  Limit: 'limit',
  Marker: 'marker',
  TagKeys: 'tagKeys',
  Tags: 'tags',
  SourceKeyId: 'sourceKeyId',
  DestinationKeyId: 'destinationKeyId',
  SourceEncryptionContext: 'sourceEncryptionContext',
  DestinationEncryptionContext: 'destinationEncryptionContext',
  SourceEncryptionAlgorithm: 'sourceEncryptionAlgorithm',
  DestinationEncryptionAlgorithm: 'destinationEncryptionAlgorithm',
};

/** Operations that change nothing; CloudTrail marks their events `readOnly: true`. */
const READ_ONLY = /^(Describe|List|Get|Generate|Encrypt$|Decrypt$|ReEncrypt$|Sign$|Verify)/;

/** Operations whose record always names the algorithm, the default when none was sent. */
const ALGORITHM_ALWAYS = new Set(['Encrypt', 'Decrypt']);

/** CloudTrail names a KMS authorization failure `AccessDenied`, not the API's exception. */
function errorCode(type: string): string {
  return type === 'AccessDeniedException' ? 'AccessDenied' : type;
}

export function kmsRecord(call: KmsCall, accountId: string): TrailRecord {
  const parameters = loggedParameters(call.operation, call.input);
  const keyArn = call.keyArn ?? responseKeyArn(call.output);
  // Decrypt names its key inside the ciphertext; AWS logs the key it used.
  if (parameters && parameters.keyId === undefined && keyArn && call.operation === 'Decrypt') {
    parameters.keyId = keyArn;
  }
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'IAMUser',
      principalId: call.caller.principalId,
      arn: call.caller.arn,
      accountId: call.caller.accountId,
      accessKeyId: call.caller.accessKeyId,
      userName: call.caller.userName,
    },
    eventTime: call.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: KMS_EVENT_SOURCE,
    eventName: call.operation,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent,
    ...(call.error
      ? { errorCode: errorCode(call.error.type), errorMessage: call.error.message }
      : {}),
    requestParameters: parameters,
    responseElements: null,
    requestID: call.requestId,
    eventID: call.eventId,
    readOnly: READ_ONLY.test(call.operation),
    resources: keyArn
      ? [{ accountId: call.caller.accountId, type: KMS_KEY_RESOURCE_TYPE, ARN: keyArn }]
      : [],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
}

function loggedParameters(operation: string, input: unknown): Record<string, unknown> | null {
  const body =
    input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const logged: Record<string, unknown> = {};
  for (const [member, name] of Object.entries(LOGGED_MEMBERS)) {
    if (Object.hasOwn(body, member)) logged[name] = body[member];
  }
  if (ALGORITHM_ALWAYS.has(operation)) logged.encryptionAlgorithm ??= 'SYMMETRIC_DEFAULT';
  return Object.keys(logged).length > 0 ? logged : null;
}

function responseKeyArn(output: unknown): string | undefined {
  if (output === null || typeof output !== 'object') return undefined;
  const { KeyId, KeyMetadata } = output as { KeyId?: unknown; KeyMetadata?: { Arn?: unknown } };
  if (typeof KeyId === 'string' && KeyId.startsWith('arn:')) return KeyId;
  if (typeof KeyMetadata?.Arn === 'string') return KeyMetadata.Arn;
  return undefined;
}
