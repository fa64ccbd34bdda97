import type { Event } from '@aws-sdk/client-cloudtrail';
import { ENCRYPTION_CONTEXT_KEYS } from '@kms-demo/spec';

/** One KMS event as `kms-demo audit` shows it, with the record it came from. */
export interface AuditEvent {
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
  /** The event as LookupEvents returned it. */
  event: Event;
  /** Its CloudTrailEvent, parsed. */
  record: CloudTrailRecord;
}

export interface CloudTrailRecord {
  eventTime?: string;
  eventName?: string;
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

/** The audit view of an event, or undefined if its CloudTrailEvent is not a JSON object. */
export function toAuditEvent(event: Event): AuditEvent | undefined {
  let record: CloudTrailRecord;
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '');
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object') return undefined;
  const identity = record.userIdentity ?? {};
  const context = record.requestParameters?.encryptionContext;
  const principal =
    identity.userName ??
    identity.sessionContext?.sessionIssuer?.userName ??
    event.Username ??
    identity.arn ??
    '-';
  return {
    time: event.EventTime?.toISOString() ?? record.eventTime ?? '',
    operation: event.EventName ?? record.eventName ?? '-',
    principal,
    principalArn: identity.arn,
    user: context?.[ENCRYPTION_CONTEXT_KEYS.user] ?? (context ? '-' : UNBOUND),
    table: context?.[ENCRYPTION_CONTEXT_KEYS.table],
    outcome: record.errorCode ?? 'ok',
    sourceIp: record.sourceIPAddress,
    event,
    record,
  };
}

/**
 * Whether an event belongs in the audit of `table` (and of `user` when given): its
 * encryption context names them. A Decrypt without any context (an item written by the
 * original demo) names no table; it is shown as `unbound` in a table's audit, never in a
 * user's.
 */
export function isAudited(
  event: AuditEvent,
  o: { table: string; user?: string | undefined; all?: boolean | undefined },
): boolean {
  if (o.user !== undefined) return event.user === o.user && (o.all || event.table === o.table);
  if (o.all) return true;
  return event.table === o.table || (event.user === UNBOUND && event.operation === 'Decrypt');
}
