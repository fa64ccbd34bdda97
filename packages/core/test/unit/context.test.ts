import { describe, expect, it } from 'vitest';
import { ENCRYPTION_PURPOSE, itemContext, sameContext } from '../../src/index.js';

describe('itemContext', () => {
  it('names the purpose, the table and the item', () => {
    expect(itemContext('demo-kms', 'alice')).toEqual({
      purpose: ENCRYPTION_PURPOSE,
      table: 'demo-kms',
      appuser: 'alice',
    });
  });
});

describe('direct ciphertexts carry one more pair than envelope data keys', () => {
  it('names the scheme, so KMS never opens one as the other', () => {
    const direct = itemContext('demo-kms', 'alice', 'direct');
    expect(direct).toEqual({ ...itemContext('demo-kms', 'alice'), scheme: 'direct' });
    expect(sameContext(direct, itemContext('demo-kms', 'alice', 'envelope'))).toBe(false);
  });
});

describe('sameContext requires exactly the same pairs', () => {
  const expected = itemContext('demo-kms', 'alice');

  it('accepts the same pairs in any order', () => {
    expect(
      sameContext({ appuser: 'alice', table: 'demo-kms', purpose: ENCRYPTION_PURPOSE }, expected),
    ).toBe(true);
  });

  it.each([
    ['another item', itemContext('demo-kms', 'bob')],
    ['another table', itemContext('other', 'alice')],
    ['another purpose', { ...expected, purpose: 'something-else' }],
    ['a missing pair', { purpose: ENCRYPTION_PURPOSE, table: 'demo-kms' }],
    ['an extra pair', { ...expected, 'aws-crypto-public-key': 'AAAA' }],
    ['an empty context', {}],
    ['a value differing only in case', itemContext('demo-kms', 'Alice')],
  ])('rejects %s', (_label, actual) => {
    expect(sameContext(actual, expected)).toBe(false);
  });

  it('is not fooled by inherited properties', () => {
    const tricky = Object.create({ appuser: 'alice' }) as Record<string, string>;
    tricky.purpose = ENCRYPTION_PURPOSE;
    tricky.table = 'demo-kms';
    tricky.extra = 'x';
    expect(sameContext(tricky, expected)).toBe(false);
  });
});
