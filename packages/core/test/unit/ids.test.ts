import { describe, expect, it } from 'vitest';
import {
  GENERATED_ID_LENGTH,
  generateUserId,
  ID_ALPHABET,
  isLegacyUserId,
  validateUserId,
} from '../../src/index.js';

describe('generateUserId', () => {
  it('uses 32 unambiguous lower-case symbols: 10 characters carry 50 bits', () => {
    expect(new Set(ID_ALPHABET).size).toBe(32);
    expect(ID_ALPHABET).not.toMatch(/[ilou]/);
    expect(GENERATED_ID_LENGTH * Math.log2(ID_ALPHABET.length)).toBeGreaterThanOrEqual(40);
  });

  it('produces ids that validate, from the alphabet only, without repeats in 10 000 draws', () => {
    const ids = Array.from({ length: 10_000 }, generateUserId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 200)) {
      expect(id).toHaveLength(GENERATED_ID_LENGTH);
      expect([...id].every((c) => ID_ALPHABET.includes(c))).toBe(true);
      expect(() => validateUserId(id)).not.toThrow();
    }
  });

  it('uses every symbol at a roughly even rate (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++)
      for (const c of generateUserId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 40 000 symbols over 32 bins: 1250 expected; ±25% is far outside chance.
    for (const n of counts.values()) expect(n).toBeGreaterThan(940);
  });
});

describe('validateUserId', () => {
  it.each(['12345', 'alice', 'svc.backup-01', 'a_b', 'abc'])('accepts %s', (id) => {
    expect(() => validateUserId(id)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['ab', /3 to 64/],
    ['a'.repeat(65), /3 to 64/],
    ['Alice', /lower case/],
    ['has space', /not valid/],
    ['-leading', /not valid/],
    ['semi;colon', /not valid/],
    ['ünï', /not valid/],
  ])('rejects %j with INVALID_ID and a message saying why', (id, reason) => {
    expect(() => validateUserId(id)).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
    expect(() => validateUserId(id)).toThrow(reason);
  });

  it('keeps control characters out of its message', () => {
    expect(() => validateUserId('bad\nid\u0007')).toThrow(/bad\?id\?/);
  });

  it('recognises the original demo’s 5-digit ids', () => {
    expect(isLegacyUserId('12345')).toBe(true);
    expect(isLegacyUserId('123456')).toBe(false);
    expect(isLegacyUserId(generateUserId())).toBe(false);
  });
});
