import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { type Columns, EventRows, FIELDS } from '../../src/audit/event-rows.js';

/** Stored columns of events `ids` at times `at` (newest first), all of user `u`. */
function columns(ids: string[], at: number[]): Columns {
  const idBytes = Buffer.from(ids.join(''));
  let end = 0;
  return {
    at: Float64Array.from(at),
    fields: Int32Array.from(ids.flatMap(() => FIELDS.map((f) => (f === 'user' ? 1 : 0)))),
    where: Int32Array.from(ids.flatMap((_, i) => [0, i])),
    idEnds: Int32Array.from(ids.map((id) => (end += Buffer.byteLength(id)))),
    ids: idBytes,
    strings: ['Decrypt', 'u'],
  };
}

const fresh = (id: string, at: number): AuditEvent => ({
  id,
  at,
  time: new Date(at).toISOString(),
  operation: 'Decrypt',
  principal: 'app',
  principalArn: undefined,
  user: 'u',
  table: 'demo-kms',
  outcome: 'ok',
  sourceIp: undefined,
});

const list = (rows: EventRows) =>
  Array.from({ length: rows.length }, (_, i) => [rows.id(i), rows.at(i)]);

describe('EventRows', () => {
  const stored = () => new EventRows([], columns(['a', 'b', 'c', 'd'], [50, 40, 30, 20]), 0, 4);

  it('reads ids, times and fields from the columns, one row at a time', () => {
    const rows = stored();
    expect(list(rows)).toEqual([
      ['a', 50],
      ['b', 40],
      ['c', 30],
      ['d', 20],
    ]);
    expect(rows.matchable(2)).toMatchObject({ operation: 'Decrypt', user: 'u' });
    expect(rows.get(3)).toMatchObject({ id: 'd', at: 20, block: 0, line: 3, user: 'u' });
  });

  it('merges events found again once each, newest first, new ones first within a time', () => {
    const merged = stored().merge([
      fresh('n', 60),
      fresh('b', 40),
      fresh('late', 30),
      fresh('b', 40),
    ]);
    expect(list(merged)).toEqual([
      ['n', 60],
      ['a', 50],
      ['b', 40],
      ['late', 30],
      ['c', 30],
      ['d', 20],
    ]);
    // Only the rows as new as the oldest fresh event were decoded; the rest stay columns.
    expect(merged.head.map((e) => e.id)).toEqual(['n', 'a', 'b', 'late', 'c']);
    expect(merged.get(2).event).toBeUndefined();
  });

  it('is itself when nothing is new', () => {
    const rows = stored();
    expect(rows.merge([fresh('a', 50), fresh('c', 30)])).toBe(rows);
  });

  it('keeps the events since a time, as a cut at the end', () => {
    const merged = stored().merge([fresh('n', 60)]);
    expect(list(merged.keepSince(30))).toEqual([
      ['n', 60],
      ['a', 50],
      ['b', 40],
      ['c', 30],
    ]);
    expect(list(merged.keepSince(55))).toEqual([['n', 60]]);
    expect(merged.keepSince(0)).toBe(merged);
  });
});
