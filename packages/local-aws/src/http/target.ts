import type { ServiceName } from './aws-error.js';

/** X-Amz-Target prefixes of the JSON APIs this endpoint serves. */
const TARGET_PREFIXES: Record<string, ServiceName> = {
  TrentService: 'kms',
  DynamoDB_20120810: 'dynamodb',
  // The AWS CLI (botocore) sends the long form, the SDK for JavaScript v3 the short one.
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  CloudTrail_20131101: 'cloudtrail',
};

export interface Target {
  service: ServiceName | undefined;
  operation: string;
  raw: string;
}

/** `TrentService.Encrypt` → kms/Encrypt; anything else has no service. */
export function parseTarget(header: string | undefined): Target {
  const raw = header ?? '';
  // CloudTrail's prefix has dots of its own: the operation follows the last one.
  const dot = raw.lastIndexOf('.');
  const prefix = dot > 0 ? raw.slice(0, dot) : '';
  const operation = dot > 0 ? raw.slice(dot + 1) : '';
  const service = Object.hasOwn(TARGET_PREFIXES, prefix) ? TARGET_PREFIXES[prefix] : undefined;
  return { service: operation ? service : undefined, operation, raw };
}

/** The service name SigV4 credential scopes use for each API. */
export const SIGNING_NAMES: Record<ServiceName, string> = {
  kms: 'kms',
  dynamodb: 'dynamodb',
  cloudtrail: 'cloudtrail',
};
