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
