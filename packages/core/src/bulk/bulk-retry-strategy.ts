import { isRefusedByLoopback } from '../retry-strategy.js';

/** The parts of the SDK's retry token and error info this strategy reads (RetryStrategyV2). */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryErrorInfo {
  errorType: string;
  error?: unknown;
}

export const BULK_MAX_ATTEMPTS = 20;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 10_000;

/**
 * Retries for bulk work, where throttling must slow the run down, never fail it. The
 * standard strategy's retry quota (500 tokens, 5 per retry, refunded only in part) is
 * right for an interactive call, but a bulk import under sustained throttling would
 * spend it within a few hundred requests and then fail every later throttled request at
 * once. Here each request has its own budget of attempts, with exponential backoff and
 * full jitter, so concurrent requests back off together and spread out again. A
 * connection refused on loopback is not retried: nothing listens there.
 */
export class BulkRetryStrategy {
  readonly mode = 'standard';

  constructor(
    private readonly maxAttempts = BULK_MAX_ATTEMPTS,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = previous.getRetryCount() + 1;
    const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
    if (!retryable || retries >= this.maxAttempts || isRefusedByLoopback(info.error)) {
      throw new Error('no retry');
    }
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (retries - 1));
    const delay = Math.round(this.random() * ceiling);
    await new Promise((resolve) => setTimeout(resolve, delay));
    return token(retries, delay);
  }

  recordSuccess(_token: RetryToken): void {}
}

function token(retryCount: number, delay: number): RetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => delay };
}
