/** How long a logged error message may get; longer ones are cut. */
const MAX_MESSAGE_CHARS = 300;
const TARGET_PATTERN = /^[A-Za-z0-9_.]{1,100}$/;

/**
 * One log line for a bug the client only saw as a generic 500: when, which operation, and
 * the error's name and first message line. Never the request body, so never plaintext or
 * keys; the operation is the client's X-Amz-Target, shown only if it looks like one.
 */
export function describeInternalError(error: unknown, operation: string, now = new Date()) {
  const name = error instanceof Error ? error.name : typeof error;
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split(/\r?\n/, 1)[0] ?? '';
  const message =
    firstLine.length > MAX_MESSAGE_CHARS ? `${firstLine.slice(0, MAX_MESSAGE_CHARS)}…` : firstLine;
  const code = (error as { code?: unknown } | null)?.code;
  const codePart = typeof code === 'string' && TARGET_PATTERN.test(code) ? ` [${code}]` : '';
  const where = TARGET_PATTERN.test(operation) ? operation : 'unknown operation';
  return `${now.toISOString()} internal error in ${where}: ${name}${codePart}: ${message}`;
}
