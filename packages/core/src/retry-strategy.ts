import { StandardRetryStrategy } from '@smithy/core/retry';

/**
 * The SDK's standard retry strategy, except that a connection refused by this machine is
 * not retried. Nothing listens on that port, and the standard backoff over 10 attempts
 * would keep the user waiting 5 to 20 seconds (measured) for the same answer. Refusals
 * from other hosts are retried as usual: a load balancer may refuse for a moment.
 */
export class LoopbackAwareRetryStrategy extends StandardRetryStrategy {
  override async refreshRetryTokenForRetry(
    ...args: Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>
  ): ReturnType<StandardRetryStrategy['refreshRetryTokenForRetry']> {
    // Throwing here ends the retry loop; the SDK then throws the request's own error.
    if (isRefusedByLoopback(args[1].error)) throw new Error('connection refused on loopback');
    return super.refreshRetryTokenForRetry(...args);
  }
}

interface SystemError {
  code?: unknown;
  address?: unknown;
  errors?: unknown;
}

/** ECONNREFUSED from a loopback address; for Node's multi-address attempts, from every one. */
export function isRefusedByLoopback(error: unknown): boolean {
  const { code, address, errors } = (error ?? {}) as SystemError;
  if (code !== 'ECONNREFUSED') return false;
  if (Array.isArray(errors) && errors.length > 0) return errors.every(isRefusedByLoopback);
  return typeof address === 'string' && isLoopbackAddress(address);
}

export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}
