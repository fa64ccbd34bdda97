import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { ResolvedConfig } from '../config/types.js';
import type { LocalConnection } from '../connect-target.js';
import { sdkLogger } from '../io/sdk-logger.js';

/**
 * LookupEvents allows two requests per second per account and region; adaptive retries
 * slow the client down to that rate instead of failing a long audit half-way.
 */
const AWS_MAX_ATTEMPTS = 10;

/** A CloudTrail client for the same target, credentials and endpoint as KMS and DynamoDB. */
export function createCloudTrailClient(
  config: ResolvedConfig,
  local: LocalConnection | undefined,
  o: { verbose?: boolean } = {},
): CloudTrailClient {
  const logger = sdkLogger(o);
  if (config.target === 'local') {
    if (!local) throw new Error('a local target needs a running local server');
    return new CloudTrailClient({
      region: local.region,
      endpoint: local.endpoint,
      credentials: { ...local.credentials },
      maxAttempts: 3,
      logger,
    });
  }
  return new CloudTrailClient({
    region: config.region.value,
    ...(config.endpoint ? { endpoint: config.endpoint.value } : {}),
    ...(config.profile ? { profile: config.profile.value } : {}),
    retryMode: 'adaptive',
    maxAttempts: AWS_MAX_ATTEMPTS,
    logger,
  });
}
