import { describe, expect, it } from 'vitest';
import { addSensitive, mentionsSecret, redact } from '../../src/io/redact.js';

describe('redact', () => {
  it('masks registered credentials, SigV4 signatures and session tokens', () => {
    addSensitive('registered-secret-access-key');
    const signature = 'a'.repeat(64);
    expect(
      redact(
        `key registered-secret-access-key Signature=${signature} X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE1234`,
      ),
    ).toBe('key [redacted] Signature=[redacted] X-Amz-Security-Token=[redacted]');
  });

  it('ignores values too short to be credentials, which would mask ordinary words', () => {
    addSensitive('abc');
    expect(redact('abc def')).toBe('abc def');
  });
});

describe('mentionsSecret', () => {
  const secret = Buffer.from('p4ssw0rd!');

  it('finds the secret as it is, base64-encoded, or in a cause', () => {
    expect(mentionsSecret(new Error('value p4ssw0rd! refused'), secret)).toBe(true);
    const b64 = secret.toString('base64');
    expect(mentionsSecret(new Error(`{"Plaintext":"${b64}"}`), secret)).toBe(true);
    const wrapped = new Error('outer', { cause: new Error(`inner ${b64}`) });
    expect(mentionsSecret(wrapped, secret)).toBe(true);
  });

  it('is false for errors that do not hold it', () => {
    expect(mentionsSecret(new Error('p4ssw0rd refused (no bang)'), secret)).toBe(false);
    expect(mentionsSecret('a string error', secret)).toBe(false);
    const cyclic = new Error('cyclic') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(mentionsSecret(cyclic, secret)).toBe(false);
  });
});

describe('mentionsSecret with short secrets', () => {
  it('does not mistake digits of a stack frame for a base64-encoded one-byte secret', () => {
    const error = new Error('the stack lacks the outputs keyArn and tableName');
    error.stack = 'Error: the stack lacks the outputs\n    at main (kms-demo.js:7054:13)';
    expect(mentionsSecret(error, new TextEncoder().encode('x'))).toBe(false);
  });

  it('finds the whole secret base64-encoded as a JSON request carries it', () => {
    const secret = new TextEncoder().encode('x');
    expect(mentionsSecret(new Error('{"Plaintext":"eA=="}'), secret)).toBe(true);
  });

  it('looks for a secret of under 4 bytes as its exact base64 only, not as a word', () => {
    const kms = new TextEncoder().encode('kms');
    const arn = new Error('Key arn:aws:kms:us-east-1:111122223333:alias/nope is not found');
    expect(mentionsSecret(arn, kms)).toBe(false);
    expect(mentionsSecret(new Error('{"Plaintext":"a21z"}'), kms)).toBe(true);
    // Four bytes and up: the raw text counts again.
    expect(mentionsSecret(new Error('refused pass!'), new TextEncoder().encode('pass'))).toBe(true);
  });
});
