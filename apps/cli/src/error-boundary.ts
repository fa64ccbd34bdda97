import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors.js';
import { redact } from './io/redact.js';

/** Core error codes that mean the input was wrong rather than the operation failing. */
const USAGE_CODES = new Set([
  'INVALID_ID',
  'INVALID_SECRET',
  'TOO_LARGE',
  'NON_LOOPBACK_HOST',
  // The local state dir must be fixed (restored, chmod-ed) by a person: the emulator
  // refuses it, and a background server that exits 2 is not started again.
  'STATE_DIR_UNSAFE',
  'KMS_STATE_LOST',
  'KMS_STATE_DAMAGED',
  'DYNAMODB_DAMAGED',
  'SERVER_START_REFUSED',
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  stack?: unknown;
  $metadata?: unknown;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

function describe(error: unknown): string {
  if (error instanceof Error || (error && typeof error === 'object')) {
    const e = error as ErrorLike;
    const name = typeof e.name === 'string' ? e.name : 'Error';
    const message = typeof e.message === 'string' ? oneLine(e.message) : String(error);
    return name === 'Error' ? message : `${name}: ${message}`;
  }
  return String(error);
}

/** The exit code for an error: 2 for usage and configuration, 1 when the operation failed. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  const code = (error as ErrorLike | undefined)?.code;
  if (typeof code === 'string' && USAGE_CODES.has(code)) return EXIT_USAGE;
  return EXIT_FAILED;
}

/**
 * The one line a user sees for an error. Errors from the project (CliError, core's
 * KmsDemoError, the emulator's LocalAwsError) already say what failed and what to do;
 * anything else is labelled so a bug or an AWS response is recognisable.
 */
export function messageFor(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const message = typeof e.message === 'string' ? oneLine(e.message) : String(error);
  if (error instanceof CliError || e.name === 'KmsDemoError' || e.name === 'LocalAwsError') {
    return message;
  }
  if (e.$metadata !== undefined) return `AWS request failed: ${describe(error)}`;
  return `unexpected error: ${describe(error)}`;
}

/**
 * Prints the error (one line, or the cause chain with --verbose) and returns the exit code.
 * Every line is redacted: endpoints quote requests back, and those carry credentials.
 */
export function reportError(
  error: unknown,
  o: { verbose?: boolean; write?: (line: string) => void } = {},
): number {
  const print = o.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (line: string) => print(redact(line));
  write(`kms-demo: ${messageFor(error)}`);
  if (o.verbose) {
    const seen = new Set<unknown>([error]);
    let cause = (error as ErrorLike | undefined)?.cause;
    while (cause !== undefined && cause !== null && !seen.has(cause)) {
      seen.add(cause);
      write(`  caused by: ${describe(cause)}`);
      cause = (cause as ErrorLike).cause;
    }
    const known = error instanceof CliError || (error as ErrorLike)?.name === 'KmsDemoError';
    // Only the frames, for a bug report: the message above it was printed already.
    const stack = (error as ErrorLike | undefined)?.stack;
    if (!known && typeof stack === 'string') {
      for (const frame of stack.split('\n').filter((l) => /^\s+at /.test(l))) write(frame);
    }
  }
  return exitCodeFor(error);
}
