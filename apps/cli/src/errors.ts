/**
 * Errors the CLI itself raises. Library errors (KmsDemoError, LocalAwsError, AWS SDK
 * errors) are mapped to exit codes in error-boundary.ts; these carry their exit code.
 */

/** Exit codes: 0 ok, 1 the operation failed, 2 usage or configuration error. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The shell's convention for "interrupted by Ctrl-C" (128 + SIGINT). */
export const EXIT_CANCELLED = 130;

export type CliErrorCode = 'USAGE' | 'CONFIG' | 'FAILED' | 'CANCELLED';

export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): number {
    if (this.code === 'FAILED') return EXIT_FAILED;
    if (this.code === 'CANCELLED') return EXIT_CANCELLED;
    return EXIT_USAGE;
  }
}

export const usageError = (message: string, cause?: unknown) =>
  new CliError('USAGE', message, { cause });

export const configError = (message: string, cause?: unknown) =>
  new CliError('CONFIG', message, { cause });

export const failedError = (message: string, cause?: unknown) =>
  new CliError('FAILED', message, { cause });

/** A usage error found by the argument parser; the CLI adds where to read the usage. */
export class ParseError extends CliError {
  override name = 'ParseError';
  constructor(message: string) {
    super('USAGE', message);
  }
}
