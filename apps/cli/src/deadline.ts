import { KmsDemoError } from '@kms-demo/core';

/** An SDK client; only its middleware stack is used. */
interface WithMiddleware {
  middlewareStack: unknown;
}
interface Stack {
  add(middleware: unknown, options: object): void;
}
type Handler = (args: unknown) => Promise<unknown>;

export const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * One deadline for all the AWS calls of a command, retries included: the SDK's retries
 * absorb short throttling, but under long throttling or a stalled endpoint a command
 * would otherwise run for minutes without a word. Past the deadline every call in flight
 * or to come fails with one clear line.
 */
export function applyDeadline(clients: WithMiddleware[], seconds: number): () => void {
  const deadline = Date.now() + seconds * 1000;
  // A KmsDemoError passes through core's error mapping unchanged.
  const expired = () =>
    new KmsDemoError(
      'AWS_ERROR',
      `Gave up after ${seconds} s: the AWS calls of this command did not finish in time (throttled, or the endpoint stalls); try again later, or allow more time with --timeout.`,
    );
  let timer: NodeJS.Timeout | undefined;
  const pending = new Set<(error: Error) => void>();
  const middleware =
    (next: Handler): Handler =>
    (args) => {
      if (Date.now() >= deadline) return Promise.reject(expired());
      timer ??= setTimeout(
        () => {
          const error = expired();
          for (const reject of pending) reject(error);
          pending.clear();
          // The SDK's retry back-off timers would keep the process alive until they run
          // out; once the error has been reported, nothing is left to wait for.
          setTimeout(() => process.exit(process.exitCode ?? 1), 2000).unref();
        },
        Math.max(0, deadline - Date.now()),
      );
      timer.unref();
      return new Promise((resolve, reject) => {
        pending.add(reject);
        next(args)
          .then(resolve, reject)
          .finally(() => pending.delete(reject));
      });
    };
  for (const client of clients) {
    (client.middlewareStack as Stack).add(middleware, {
      step: 'initialize',
      name: 'kmsDemoCommandDeadline',
      priority: 'high',
    });
  }
  return () => {
    if (timer) clearTimeout(timer);
  };
}
