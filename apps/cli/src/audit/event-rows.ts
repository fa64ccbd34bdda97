import type { AuditEvent, AuditFields } from './audit-event.js';

/** A cached event: where its record is in the data file, or the record itself if new. */
export interface CachedEvent extends AuditEvent {
  block?: number;
  line?: number;
}

/** The shown fields, interned: their order in a row of the `fields` column. */
export const FIELDS = [
  'operation',
  'principal',
  'principalArn',
  'user',
  'table',
  'outcome',
  'sourceIp',
] as const;
const WIDTH = FIELDS.length;

/** The cache index's columns, as read from disk: one row per event, newest first. */
export interface Columns {
  at: Float64Array;
  /** WIDTH string numbers per row (-1: none). */
  fields: Int32Array;
  /** Block and line of each row's record. */
  where: Int32Array;
  /** End of each row's id in `ids`. */
  idEnds: Int32Array;
  ids: Buffer;
  strings: string[];
}

export type Matchable = Pick<AuditFields, 'operation' | 'user' | 'table'>;

/**
 * The events a cache holds, newest first: a few as objects (new, or near new ones) and
 * then rows of the stored columns, decoded one at a time when asked for, so a warm audit
 * over a large cache reads numbers rather than building an object per event.
 */
export class EventRows {
  /** One object reused for matching rows, so filtering allocates nothing per row. */
  private readonly view = { operation: '', user: '', table: undefined as string | undefined };

  constructor(
    readonly head: CachedEvent[],
    readonly columns: Columns | undefined,
    /** The rows of `columns` in this list: [start, end). */
    readonly start = 0,
    readonly end = 0,
  ) {}

  static of(events: CachedEvent[]): EventRows {
    return new EventRows(events, undefined);
  }

  get length(): number {
    return this.head.length + this.end - this.start;
  }

  at(i: number): number {
    if (i < this.head.length) return (this.head[i] as CachedEvent).at;
    return (this.columns as Columns).at[this.start + i - this.head.length] as number;
  }

  id(i: number): string {
    if (i < this.head.length) return (this.head[i] as CachedEvent).id;
    const c = this.columns as Columns;
    const row = this.start + i - this.head.length;
    return c.ids.toString('utf8', row === 0 ? 0 : (c.idEnds[row - 1] as number), c.idEnds[row]);
  }

  /** The fields matching looks at; valid until the next call. */
  matchable(i: number): Matchable {
    if (i < this.head.length) return this.head[i] as CachedEvent;
    const c = this.columns as Columns;
    const f = (this.start + i - this.head.length) * WIDTH;
    const view = this.view;
    view.operation = string(c, c.fields[f]) ?? '-';
    view.user = string(c, c.fields[f + 3]) ?? '-';
    view.table = string(c, c.fields[f + 4]);
    return view;
  }

  get(i: number): CachedEvent {
    if (i < this.head.length) return this.head[i] as CachedEvent;
    const c = this.columns as Columns;
    const row = this.start + i - this.head.length;
    const f = row * WIDTH;
    const at = c.at[row] as number;
    return {
      id: this.id(i),
      at,
      time: new Date(at).toISOString(),
      operation: string(c, c.fields[f]) ?? '-',
      principal: string(c, c.fields[f + 1]) ?? '-',
      principalArn: string(c, c.fields[f + 2]),
      user: string(c, c.fields[f + 3]) ?? '-',
      table: string(c, c.fields[f + 4]),
      outcome: string(c, c.fields[f + 5]) ?? 'ok',
      sourceIp: string(c, c.fields[f + 6]),
      block: c.where[row * 2] as number,
      line: c.where[row * 2 + 1] as number,
    };
  }

  /** The events at or after `oldest` (the list is newest first: a cut at its end). */
  keepSince(oldest: number): EventRows {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid) >= oldest) low = mid + 1;
      else high = mid;
    }
    if (low === this.length) return this;
    if (low <= this.head.length) return EventRows.of(this.head.slice(0, low));
    return new EventRows(this.head, this.columns, this.start, this.start + low - this.head.length);
  }

  /**
   * This list with the events of `fresh` it does not hold yet (by EventId: a range looked
   * up again returns the same events); itself when none is new. A repeated event keeps
   * its cached copy, so its record is not written twice. Only the cached events as new as
   * the oldest fresh one are decoded to make room.
   */
  merge(fresh: AuditEvent[]): EventRows {
    if (fresh.length === 0) return this;
    let oldestFresh = Number.POSITIVE_INFINITY;
    for (const e of fresh) oldestFresh = Math.min(oldestFresh, e.at);
    // The same event has the same time: only cached events as new as the oldest fresh
    // one can be repeats, and only those need to move.
    const known = new Set<string>();
    let k = 0;
    for (; k < this.length && this.at(k) >= oldestFresh; k++) known.add(this.id(k));
    const added = fresh.filter((e) => {
      if (known.has(e.id)) return false;
      known.add(e.id);
      return true;
    });
    if (added.length === 0) return this;
    const moved: CachedEvent[] = [...added];
    for (let i = 0; i < k; i++) moved.push(this.get(i));
    // Stable: among events of one second the newly found come first, as LookupEvents
    // lists the later-recorded first.
    moved.sort((a, b) => b.at - a.at);
    if (k >= this.head.length) {
      const start = this.start + k - this.head.length;
      return new EventRows(moved, this.columns, start, Math.max(start, this.end));
    }
    return new EventRows([...moved, ...this.head.slice(k)], this.columns, this.start, this.end);
  }
}

function string(c: Columns, n: number | undefined): string | undefined {
  return n === undefined || n < 0 ? undefined : c.strings[n];
}
