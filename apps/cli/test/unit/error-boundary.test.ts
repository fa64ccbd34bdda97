import { KmsDemoError } from '@kms-demo/core';
import { describe, expect, it } from 'vitest';
import { exitCodeFor, reportError } from '../../src/error-boundary.js';
import { configError, failedError, ParseError } from '../../src/errors.js';

function report(error: unknown, verbose = false) {
  const lines: string[] = [];
  const code = reportError(error, { verbose, write: (l) => lines.push(l) });
  return { code, lines };
}

describe('the error boundary', () => {
  it('maps errors to exit codes: 2 for usage and configuration, 1 for failed operations', () => {
    expect(exitCodeFor(new ParseError('x'))).toBe(2);
    expect(exitCodeFor(configError('x'))).toBe(2);
    expect(exitCodeFor(failedError('x'))).toBe(1);
    expect(exitCodeFor(new KmsDemoError('NOT_FOUND', 'x'))).toBe(1);
    expect(exitCodeFor(new KmsDemoError('INTEGRITY', 'x'))).toBe(1);
    expect(exitCodeFor(new KmsDemoError('INVALID_ID', 'x'))).toBe(2);
    expect(exitCodeFor(new TypeError('bug'))).toBe(1);
  });

  it('prints one line, without the stack, by default', () => {
    const cause = new Error('socket hang up');
    const { code, lines } = report(
      new KmsDemoError('AWS_ERROR', 'Could not reach\nthe endpoint', { cause }),
    );
    expect(code).toBe(1);
    expect(lines).toEqual(['kms-demo: Could not reach the endpoint']);
  });

  it('adds the cause chain with --verbose', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' });
    const error = new KmsDemoError('AWS_ERROR', 'Could not reach', {
      cause: new Error('wrapped', { cause: root }),
    });
    expect(report(error, true).lines).toEqual([
      'kms-demo: Could not reach',
      '  caused by: wrapped',
      '  caused by: TimeoutError: connect ECONNREFUSED',
    ]);
  });

  it('labels AWS responses and unexpected errors', () => {
    const aws = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: {},
    });
    expect(report(aws).lines).toEqual([
      'kms-demo: AWS request failed: ThrottlingException: Rate exceeded',
    ]);
    expect(report(new TypeError('x is undefined')).lines).toEqual([
      'kms-demo: unexpected error: TypeError: x is undefined',
    ]);
  });

  it('adds only the stack frames of an unexpected error with --verbose, redacted', () => {
    const bug = new TypeError('token=FwoGZXIvYXdzEXAMPLE1234 leaked');
    const { lines } = report(bug, true);
    expect(lines[0]).toBe('kms-demo: unexpected error: TypeError: token=[redacted] leaked');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line).toMatch(/^\s+at /);
  });
});
