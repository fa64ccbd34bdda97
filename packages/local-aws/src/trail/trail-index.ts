import { KMS_KEY_RESOURCE_TYPE } from './kms-record.js';

/** What a lookup filters on, kept in memory per record; the record itself stays on disk. */
export interface IndexEntry {
  time: number;
  eventId: string;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  userName: string;
  accessKeyId: string;
  /** Key ARNs the record names. */
  resources: string[];
  generation: number;
  offset: number;
  length: number;
}

/** One lookup attribute, as LookupEvents takes it. */
export interface LookupAttribute {
  key: string;
  value: string;
}

/** The index entry of one stored line, or undefined for a damaged one. */
export function indexEntry(
  line: string,
  location: Pick<IndexEntry, 'generation' | 'offset' | 'length'>,
): IndexEntry | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (record === null || typeof record !== 'object') return undefined;
  const r = record as Record<string, unknown>;
  const time = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : Number.NaN;
  if (
    Number.isNaN(time) ||
    typeof r.eventID !== 'string' ||
    typeof r.eventName !== 'string' ||
    typeof r.eventSource !== 'string'
  ) {
    return undefined;
  }
  const identity = (r.userIdentity ?? {}) as Record<string, unknown>;
  const resources = Array.isArray(r.resources) ? r.resources : [];
  return {
    time,
    eventId: r.eventID,
    eventName: r.eventName,
    eventSource: r.eventSource,
    readOnly: r.readOnly === true,
    userName: typeof identity.userName === 'string' ? identity.userName : '',
    accessKeyId: typeof identity.accessKeyId === 'string' ? identity.accessKeyId : '',
    resources: resources
      .map((x) => (x as { ARN?: unknown } | null)?.ARN)
      .filter((arn): arn is string => typeof arn === 'string'),
    ...location,
  };
}

/** Whether an entry matches a lookup attribute, as CloudTrail compares them. */
export function matches(entry: IndexEntry, attribute: LookupAttribute): boolean {
  const { value } = attribute;
  switch (attribute.key) {
    case 'EventId':
      return entry.eventId === value;
    case 'EventName':
      return entry.eventName === value;
    case 'EventSource':
      return entry.eventSource === value;
    case 'ReadOnly':
      return String(entry.readOnly) === value;
    case 'Username':
      return entry.userName === value;
    case 'AccessKeyId':
      return entry.accessKeyId === value;
    case 'ResourceType':
      return entry.resources.length > 0 && value === KMS_KEY_RESOURCE_TYPE;
    case 'ResourceName':
      return entry.resources.some((arn) => arn === value || arn.endsWith(`/${value}`));
    default:
      return false;
  }
}
