import type { CloudTrailClient, Event } from '@aws-sdk/client-cloudtrail';
import { displayPath } from '../io/output.js';
import { type AuditEvent, toAuditEvent } from './audit-event.js';
import { CacheDamagedError, type EventCache, emptyCache } from './event-cache.js';
import { EventRows, type Matchable } from './event-rows.js';
import { lookUpKmsPages } from './lookup-kms-events.js';

/** CloudTrail's LookupEvents covers the last 90 days; the cache keeps no more. */
export const RETENTION_MS = 90 * 86_400_000;
/**
 * A long window over a busy account is walked in full but only this many of its events
 * are kept (with their records, in memory until saved); the rest stays live-only.
 */
const MAX_KEPT_PER_AUDIT = 100_000;

export interface AuditQuery {
  /** Epoch ms: events at or after it. */
  since: number;
  limit: number;
  matches(event: Matchable): boolean;
  /**
   * Text every matching event's record contains (the user id), so a live lookup skips
   * parsing the others.
   */
  hint?: string | undefined;
}

export interface AuditAnswer {
  /** At most `limit` matching events, newest first. */
  events: AuditEvent[];
  /** More matched than `limit`. */
  truncated: boolean;
  /** The events as LookupEvents returned them, in the same order (for --json). */
  records(): Promise<Event[]>;
  close(): Promise<void>;
}

/** Only CloudTrail: newest first, stopping at the first match past the limit. */
export async function findEventsLive(
  client: CloudTrailClient,
  q: AuditQuery,
): Promise<AuditAnswer> {
  const events: AuditEvent[] = [];
  let truncated = false;
  pages: for await (const page of lookUpKmsPages(client, { start: q.since })) {
    for (const found of page) {
      if (q.hint !== undefined && !found.CloudTrailEvent?.includes(q.hint)) continue;
      const event = toAuditEvent(found);
      if (!event || !q.matches(event)) continue;
      if (events.length === q.limit) {
        truncated = true;
        break pages;
      }
      events.push(event);
    }
  }
  return {
    events,
    truncated,
    records: async () => events.map((e) => e.event as Event),
    close: async () => {},
  };
}

export interface CachedFindOptions {
  /** Epoch ms of this audit. */
  now: number;
  /**
   * How late an event may become visible: each audit looks up again from the newest
   * cached event minus this, so a late one is still found (CloudTrail: minutes; the
   * local trail records each call before answering it).
   */
  overlapMs: number;
  /** One line on stderr. */
  notice(line: string): void;
}

/**
 * The same answer as findEventsLive, from the local cache plus what CloudTrail has that
 * the cache lacks. Every call asks CloudTrail first, for what is new since the newest
 * cached event (less the overlap), so a caller CloudTrail refuses sees nothing; when that
 * event is no longer there (the trail was reset, another account answers) the cache is
 * rebuilt. A window reaching before what the cache covers is looked up live, as far back
 * as the limit needs, and kept.
 */
export async function findEventsCached(
  client: CloudTrailClient,
  cache: EventCache,
  q: AuditQuery,
  o: CachedFindOptions,
): Promise<AuditAnswer> {
  let stored = emptyCache('none');
  try {
    stored = await cache.load();
  } catch (error) {
    if (!(error instanceof CacheDamagedError)) throw error;
    o.notice(
      `kms-demo: note: the audit cache in ${displayPath(cache.dir)} is damaged (${error.message}); rebuilding it from CloudTrail`,
    );
    await cache.discard();
  }
  try {
    return await answer(client, cache, stored, q, o);
  } catch (error) {
    await stored.handle?.close();
    throw error;
  }
}

async function answer(
  client: CloudTrailClient,
  cache: EventCache,
  stored: Awaited<ReturnType<EventCache['load']>>,
  q: AuditQuery,
  o: CachedFindOptions,
): Promise<AuditAnswer> {
  const oldest = o.now - RETENTION_MS;
  let events = stored.events.keepSince(oldest);
  let completeSince =
    stored.completeSince === undefined ? undefined : Math.max(stored.completeSince, oldest);
  let { account, fetchedAt } = stored;
  let changed = events.length !== stored.events.length || completeSince !== stored.completeSince;

  if (completeSince !== undefined) {
    // The live call every audit makes, before anything cached is used.
    const anchor = events.length > 0 ? { id: events.id(0), at: events.at(0) } : undefined;
    const start = wholeSecond(
      Math.min(anchor?.at ?? o.now, fetchedAt ?? o.now, o.now) - o.overlapMs,
    );
    const fetched = await fetchAll(client, { start });
    fetchedAt = o.now;
    const fetchedAccount = fetched.find((e) => e.account !== undefined)?.account;
    const sameTrail =
      (anchor === undefined || fetched.some((e) => e.id === anchor.id)) &&
      (account === undefined || fetchedAccount === undefined || fetchedAccount === account);
    if (sameTrail) {
      const merged = events.merge(fetched);
      changed ||= merged !== events || events.length === 0;
      events = merged;
      completeSince = Math.min(completeSince, start);
      account ??= fetchedAccount;
    } else {
      o.notice(
        'kms-demo: note: the audit cache no longer matches CloudTrail (its newest event is gone: the trail was reset, or another account answers); rebuilding it',
      );
      events = EventRows.of(fetched);
      completeSince = start;
      account = fetchedAccount;
      changed = true;
    }
  }

  // Newer than `covered`, the cache holds every event; older ones are looked up live.
  const covered = completeSince ?? Number.POSITIVE_INFINITY;
  const from = Math.max(q.since, covered);
  const shown: AuditEvent[] = [];
  let truncated = false;
  for (let i = 0; i < events.length; i++) {
    if (events.at(i) < from) break;
    if (!q.matches(events.matchable(i))) continue;
    if (shown.length === q.limit) {
      truncated = true;
      break;
    }
    shown.push(events.get(i));
  }
  if (!truncated && q.since < covered) {
    const shownIds = new Set(shown.map((e) => e.id));
    const older: AuditEvent[] = [];
    let reachedSince = true;
    let keptAll = true;
    let oldestKept = covered;
    fetchedAt ??= o.now;
    for await (const page of lookUpKmsPages(client, {
      start: q.since,
      end: Number.isFinite(covered) ? covered : undefined,
    })) {
      for (const found of page) {
        const e = toAuditEvent(found);
        if (!e) continue;
        if (older.length < MAX_KEPT_PER_AUDIT) {
          older.push(e);
          oldestKept = Math.min(oldestKept, e.at);
        } else {
          keptAll = false;
        }
        if (truncated || shownIds.has(e.id) || !q.matches(e)) continue;
        if (shown.length === q.limit) truncated = true;
        else shown.push(e);
      }
      if (truncated) {
        reachedSince = false;
        break;
      }
    }
    account ??= older.find((e) => e.account !== undefined)?.account;
    events = events.merge(older);
    // Pages are newest first: everything after the oldest event kept has been kept.
    completeSince = Math.min(
      covered,
      reachedSince && keptAll ? wholeSecond(q.since) : oldestKept + 1,
    );
    changed = true;
  }

  if (changed) {
    try {
      await cache.save(stored, { events, completeSince, fetchedAt, account });
    } catch (error) {
      o.notice(
        `kms-demo: note: the audit cache in ${displayPath(cache.dir)} could not be saved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); this answer is complete, the next audit asks CloudTrail again`,
      );
    }
  }
  return {
    events: shown,
    truncated,
    records: () => cache.readEvents(stored, shown),
    close: async () => {
      await stored.handle?.close();
    },
  };
}

/** Every event of a range, newest first. */
async function fetchAll(
  client: CloudTrailClient,
  range: { start: number; end?: number },
): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for await (const page of lookUpKmsPages(client, range)) {
    for (const found of page) {
      const e = toAuditEvent(found);
      if (e) out.push(e);
    }
  }
  return out;
}

const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
