import type { Event } from '@aws-sdk/client-cloudtrail';
import { ENCRYPTION_CONTEXT_KEYS } from '@kms-demo/spec';

/** The fields of one KMS event that `kms-demo audit` shows, in the order --json prints them. */
export interface AuditFields {
  time: string;
  operation: string;
  /** The IAM user or role name, else the principal's ARN. */
  principal: string;
  principalArn: string | undefined;
  /** The user id in the encryption context; `unbound` for a call without any context. */
  user: string;
  table: string | undefined;
  /** `ok`, or the error code CloudTrail recorded. */
  outcome: string;
  sourceIp: string | undefined;
}

/** One KMS event as the audit works with it, live or from the local cache. */
export interface AuditEvent extends AuditFields {
  /** CloudTrail's EventId: the same event looked up twice has the same id. */
  id: string;
  /** `time` in epoch milliseconds. */
  at: number;
  /** The account the event was recorded in (recipientAccountId), when it says. */
  account?: string | undefined;
  /** The event as LookupEvents returned it; absent for a cached event until read back. */
  event?: Event;
}

export interface CloudTrailRecord {
  eventTime?: string;
  eventName?: string;
  eventID?: string;
  recipientAccountId?: string;
  userIdentity?: {
    arn?: string;
    userName?: string;
    sessionContext?: { sessionIssuer?: { userName?: string } };
  };
  sourceIPAddress?: string;
  errorCode?: string;
  requestParameters?: { encryptionContext?: Record<string, string> } | null;
  [field: string]: unknown;
}

export const UNBOUND = 'unbound';

/**
 * The audit view of an event, or undefined if its CloudTrailEvent is not a JSON object or
 * it has no id or time (CloudTrail always gives both).
 */
export function toAuditEvent(event: Event): AuditEvent | undefined {
  const record = parseRecord(event);
  if (!record) return undefined;
  const identity = record.userIdentity ?? {};
  const context = record.requestParameters?.encryptionContext;
  const principal =
    identity.userName ??
    identity.sessionContext?.sessionIssuer?.userName ??
    event.Username ??
    identity.arn ??
    '-';
  const at = event.EventTime?.getTime() ?? Date.parse(record.eventTime ?? '');
  const id = event.EventId ?? record.eventID;
  if (Number.isNaN(at) || typeof id !== 'string') return undefined;
  return {
    id,
    at,
    account: record.recipientAccountId,
    event,
    time: new Date(at).toISOString(),
    operation: event.EventName ?? record.eventName ?? '-',
    principal,
    principalArn: identity.arn,
    user: context?.[ENCRYPTION_CONTEXT_KEYS.user] ?? (context ? '-' : UNBOUND),
    table: context?.[ENCRYPTION_CONTEXT_KEYS.table],
    outcome: record.errorCode ?? 'ok',
    sourceIp: record.sourceIPAddress,
  };
}

export function parseRecord(event: Event): CloudTrailRecord | undefined {
  let record: unknown;
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '');
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  return record as CloudTrailRecord;
}

/** What `--json` prints for one event: the shown fields, the event, and its parsed record. */
export function jsonView(e: AuditEvent, event: Event) {
  return {
    time: e.time,
    operation: e.operation,
    principal: e.principal,
    principalArn: e.principalArn,
    user: e.user,
    table: e.table,
    outcome: e.outcome,
    sourceIp: e.sourceIp,
    event,
    record: parseRecord(event),
  };
}

/**
 * Whether an event belongs in the audit of `table` (and of `user` when given): its
 * encryption context names them. A Decrypt without any context (an item written by the
 * original demo) names no table; it is shown as `unbound` in a table's audit, never in a
 * user's.
 */
export function isAudited(
  event: Pick<AuditFields, 'operation' | 'user' | 'table'>,
  o: { table: string; user?: string | undefined; all?: boolean | undefined },
): boolean {
  if (o.user !== undefined) return event.user === o.user && (o.all || event.table === o.table);
  if (o.all) return true;
  return event.table === o.table || (event.user === UNBOUND && event.operation === 'Decrypt');
}
