import { type AwsLogger, quietLogger } from '@kms-demo/core';
import { say } from './output.js';
import { redact } from './redact.js';

const MAX_LINE = 300;
const drop = () => {};

/**
 * Where the AWS SDK's own messages go (e.g. its "multiple credential sources" warning):
 * nowhere, since they are noise to a user, or with --verbose one redacted stderr line per
 * warning or error. Debug and info stay dropped even then: the SDK logs every request's
 * input and output at info.
 */
export function sdkLogger(o: { verbose?: boolean } = {}): AwsLogger {
  // quietLogger: otherwise the SDK copies each request's input and output (a whole
  // LookupEvents or Scan page) for the info line dropped here.
  if (!o.verbose) return quietLogger({ debug: drop, info: drop, warn: drop, error: drop });
  const line = (...content: unknown[]) => {
    const text = oneLine(content);
    if (text) say(`kms-demo: aws-sdk: ${text}`);
  };
  return quietLogger({ debug: drop, info: drop, warn: line, error: line });
}

/**
 * The SDK's multi-line message as one line: its lines trimmed and joined, cut short. The
 * objects it logs (a failed request with its input and error) are left out: the error
 * reaches the user through the error boundary, and the input is not for a terminal.
 */
function oneLine(content: unknown[]): string {
  const text = content
    .filter((c): c is string => typeof c === 'string')
    .join(' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  const safe = redact(text);
  return safe.length > MAX_LINE ? `${safe.slice(0, MAX_LINE - 1)}…` : safe;
}
