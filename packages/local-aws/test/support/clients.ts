import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import type { LocalAwsCredentials } from '../../src/index.js';
import { sharedLocalAws } from './shared-server.js';

/** Where a client should point: the shared endpoint, a temp server, or anything alike. */
export interface ClientTarget {
  endpoint: string;
  region: string;
  credentials: LocalAwsCredentials;
}

export interface ClientOptions {
  /** SDK attempts including the first; 1 (no retries) unless a test is about retries. */
  maxAttempts?: number;
  /** Override, e.g. wrong credentials for auth tests. */
  credentials?: LocalAwsCredentials;
  /** Sign for this region instead of the endpoint's. */
  region?: string;
}

/** An SDK v3 KMS client for the endpoint (the shared one when no target is given). */
export function kmsClient(target: ClientTarget = sharedLocalAws(), options: ClientOptions = {}) {
  return new KMSClient(clientConfig(target, options));
}

/** An SDK v3 DynamoDB client for the endpoint (the shared one when no target is given). */
export function dynamoClient(target: ClientTarget = sharedLocalAws(), options: ClientOptions = {}) {
  return new DynamoDBClient(clientConfig(target, options));
}

function clientConfig(target: ClientTarget, options: ClientOptions) {
  // A copy: the SDK annotates the credentials object it is given.
  const { accessKeyId, secretAccessKey } = options.credentials ?? target.credentials;
  return {
    endpoint: target.endpoint,
    region: options.region ?? target.region,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: options.maxAttempts ?? 1,
  };
}
