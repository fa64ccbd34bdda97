import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NoOpLogger } from '@smithy/core/client';
import { BULK_MAX_ATTEMPTS, BulkRetryStrategy } from './bulk/bulk-retry-strategy.js';
import { KmsApiClient } from './kms-api-client.js';
import { LoopbackAwareRetryStrategy } from './retry-strategy.js';
import { DEFAULT_REGION } from './spec.js';

/**
 * The one place SDK clients are built. Whatever is not given is left to the SDK's own
 * resolution (AWS_PROFILE, AWS_ENDPOINT_URL, shared config and credentials files), so
 * the tool behaves like every other AWS tool on the machine.
 */

export interface AwsClientOptions {
  region?: string;
  endpoint?: string;
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * Attempts per request, first one included; standard retry mode. Default 10. A
   * connection refused on a loopback address is not retried (see retry-strategy.ts).
   */
  maxAttempts?: number;
  /**
   * Where the SDK's own messages go (e.g. its "multiple credential sources" warning).
   * Without one the SDK writes some of them to the console. Its info messages (every
   * request's input and output) are dropped.
   */
  logger?: AwsLogger;
  /**
   * Retries for bulk work (import, export): no shared retry quota, so sustained throttling
   * slows the work down instead of failing it; `maxAttempts` defaults to 20.
   */
  bulk?: boolean;
}

export interface AwsLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

export interface AwsClients {
  kms: KmsApiClient;
  dynamodb: DynamoDBClient;
  /** The region both clients use. */
  region: string;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

/**
 * Passes debug, warn and error on to `logger` and drops info, as a NoOpLogger: for any
 * other logger the SDK builds a filtered copy of every request's input and output (a
 * whole Scan page) to log at info, on every call, whether or not it is kept.
 */
class InfoDroppingLogger extends NoOpLogger {
  constructor(private readonly logger: AwsLogger) {
    super();
  }
  override debug(...content: unknown[]): void {
    this.logger.debug(...content);
  }
  override warn(...content: unknown[]): void {
    this.logger.warn(...content);
  }
  override error(...content: unknown[]): void {
    this.logger.error(...content);
  }
}

/**
 * `logger` for an AWS SDK client that does not make the SDK copy every request's input and
 * output for an info line (see InfoDroppingLogger); one that already is such a logger
 * is used as it is.
 */
export function quietLogger(logger: AwsLogger): AwsLogger {
  return logger instanceof NoOpLogger ? logger : new InfoDroppingLogger(logger);
}

export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  // The SDK needs a region before its first call and reads AWS_REGION itself; the spec's
  // default only fills the gap so a fresh machine does not fail with "Region is missing".
  const region = options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
  const maxAttempts =
    options.maxAttempts ?? (options.bulk ? BULK_MAX_ATTEMPTS : DEFAULT_MAX_ATTEMPTS);
  // Each client gets its own strategy: the standard mode's retry quota is per client.
  const config = () => ({
    region,
    retryMode: 'standard',
    maxAttempts,
    retryStrategy: options.bulk
      ? new BulkRetryStrategy(maxAttempts)
      : new LoopbackAwareRetryStrategy(maxAttempts),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.logger ? { logger: quietLogger(options.logger) } : {}),
  });
  return { kms: new KmsApiClient(config()), dynamodb: new DynamoDBClient(config()), region };
}
