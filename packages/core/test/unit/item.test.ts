import { describe, expect, it } from 'vitest';
import { fromRecord, toRecord } from '../../src/storage/item.js';
import { toListedItem } from '../../src/storage/listing.js';
import { hasControlCharacters } from '../support/fake-kms.js';

const arn = 'arn:aws:kms:us-east-1:111122223333:key/k';
const blob = Uint8Array.of(1, 2, 3);
const current = {
  appuser: 'alice',
  userpasswd: blob,
  scheme: 'envelope',
  keyArn: arn,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  formatVersion: 1,
  revision: 3,
};

describe('stored item format', () => {
  it('an item with only appuser and userpasswd is the original demo’s: legacy', () => {
    expect(fromRecord({ appuser: '12345', userpasswd: blob })).toEqual({
      appuser: '12345',
      ciphertext: blob,
      scheme: 'legacy',
      legacy: true,
    });
  });

  it('round-trips a current item through toRecord', () => {
    const item = fromRecord(current);
    expect(item).toMatchObject({ scheme: 'envelope', revision: 3, legacy: false });
    expect(toRecord(item)).toEqual(current);
  });

  it.each([
    ['the scheme marker removed', { ...current, scheme: undefined }],
    ['an unknown scheme', { ...current, scheme: 'rot13' }],
    ['a newer format version', { ...current, formatVersion: 2 }],
    ['no revision', { ...current, revision: undefined }],
    ['no key ARN', { ...current, keyArn: undefined }],
    ['a string ciphertext', { ...current, userpasswd: 'AQID' }],
  ])('refuses an item with %s as INTEGRITY', (_label, record) => {
    expect(() => fromRecord(record)).toThrow(expect.objectContaining({ code: 'INTEGRITY' }));
  });
});

describe('listing rows', () => {
  it('a readable item is listed as it is', () => {
    expect(toListedItem(current, 'demo-kms')).toEqual({
      appuser: 'alice',
      scheme: 'envelope',
      legacy: false,
      keyArn: arn,
      createdAt: current.createdAt,
      updatedAt: current.updatedAt,
    });
  });

  it('an item in an unknown format is scheme unknown, with the code get would throw', () => {
    const row = toListedItem({ ...current, scheme: 'rot13' }, 'demo-kms');
    expect(row).toMatchObject({ appuser: 'alice', scheme: 'unknown', legacy: false });
    expect(row.unreadable).toMatchObject({ code: 'INTEGRITY', reason: /scheme rot13/ });
  });

  it('an id that get would refuse is flagged INVALID_ID, its format still shown', () => {
    const row = toListedItem({ appuser: 'Alice', userpasswd: blob }, 'demo-kms');
    expect(row).toMatchObject({ appuser: 'Alice', scheme: 'legacy', legacy: true });
    expect(row.unreadable).toMatchObject({ code: 'INVALID_ID', reason: /lower case/ });
  });

  it('keeps terminal control characters from the table out of the reason', () => {
    const row = toListedItem(
      {
        ...current,
        appuser: 'x\u001b[2Jy',
        scheme: '\u001b]0;pwned\u0007',
      },
      'demo-kms',
    );
    expect(hasControlCharacters(row.unreadable?.reason ?? '')).toBe(false);
    expect(row.unreadable?.reason).toContain('x?[2Jy');
  });

  it('an item without its ciphertext is flagged INTEGRITY, not listed as legacy', () => {
    const row = toListedItem({ appuser: '12345' }, 'demo-kms');
    expect(row.unreadable).toMatchObject({ code: 'INTEGRITY', reason: /userpasswd is missing/ });
  });

  it('keeps letters of any script, and replaces bidi overrides', () => {
    const row = toListedItem({ ...current, appuser: 'zoë\u202e', scheme: 'ü' }, 'demo-kms');
    expect(row.unreadable?.reason).toContain("'zoë?'");
    expect(row.unreadable?.reason).toContain('scheme ü');
  });
});
