import { describe, expect, it } from 'vitest';
import { describeInternalError } from '../src/internal-error-line.js';

const at = new Date('2024-05-06T07:08:09.000Z');

describe('describeInternalError, the server.log line for a 500', () => {
  it('names the time, operation, error name, code and first message line', () => {
    const error = Object.assign(new Error('EEXIST: file already exists, mkdir /s/kms\nmore'), {
      code: 'EEXIST',
    });
    expect(describeInternalError(error, 'TrentService.CreateKey', at)).toBe(
      '2024-05-06T07:08:09.000Z internal error in TrentService.CreateKey: Error [EEXIST]: EEXIST: file already exists, mkdir /s/kms',
    );
  });

  it('is one line of bounded length whatever the error holds', () => {
    const line = describeInternalError(new TypeError(`${'x'.repeat(5000)}\nsecond`), 'A.B', at);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('second');
    expect(line.length).toBeLessThan(400);
    expect(describeInternalError('thrown string', 'A.B', at)).toContain('string: thrown string');
  });

  it('does not echo a target that is not an operation name', () => {
    const line = describeInternalError(new Error('boom'), 'TrentService.Encrypt {"Plaintext"', at);
    expect(line).toContain('internal error in unknown operation: Error: boom');
    expect(line).not.toContain('Plaintext');
    expect(describeInternalError(new Error('boom'), '', at)).toContain('unknown operation');
  });
});
