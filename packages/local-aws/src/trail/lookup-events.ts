import { createHash, randomUUID } from 'node:crypto';
import { CloudTrailError } from './cloudtrail-error.js';
import type { Trail } from './trail.js';
import type { LookupAttribute } from './trail-index.js';

/** The attribute keys LookupEvents accepts (its LookupAttributeKey enum). */
const ATTRIBUTE_KEYS = new Set([
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
]);
const MAX_RESULTS = 50;
const MAX_ATTRIBUTE_VALUE = 2000;

/** Tokens from another run of the endpoint are refused rather than misread. */
const RUN_ID = randomUUID();

interface LookupRequest {
  attribute?: LookupAttribute;
  startTime?: number;
  endTime?: number;
  maxResults: number;
  nextToken?: string;
}

/**
 * CloudTrail's LookupEvents over the local trail: one lookup attribute at most, a time
 * range, pages of up to 50 events, newest first, each with the record as a JSON string.
 */
export async function lookupEvents(trail: Trail, body: unknown): Promise<unknown> {
  const request = parseRequest(body);
  const fingerprint = requestFingerprint(request);
  const before =
    request.nextToken === undefined ? undefined : readToken(request.nextToken, fingerprint);
  const page = await trail.query({
    ...(request.attribute ? { attribute: request.attribute } : {}),
    ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
    ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
    ...(before !== undefined ? { before } : {}),
    limit: request.maxResults,
  });
  return {
    Events: page.events.map(({ entry, json }) => ({
      EventId: entry.eventId,
      EventName: entry.eventName,
      ReadOnly: String(entry.readOnly),
      AccessKeyId: entry.accessKeyId,
      EventTime: entry.time / 1000,
      EventSource: entry.eventSource,
      Username: entry.userName,
      Resources: entry.resources.map((arn) => ({
        ResourceType: 'AWS::KMS::Key',
        ResourceName: arn,
      })),
      CloudTrailEvent: json,
    })),
    ...(page.next !== undefined ? { NextToken: writeToken(page.next, fingerprint) } : {}),
  };
}

function parseRequest(body: unknown): LookupRequest {
  const input = (body ?? {}) as Record<string, unknown>;
  const request: LookupRequest = { maxResults: MAX_RESULTS };
  const attributes = input.LookupAttributes;
  if (attributes !== undefined && attributes !== null) {
    if (!Array.isArray(attributes)) {
      throw new CloudTrailError(
        'InvalidLookupAttributesException',
        'LookupAttributes must be a list.',
      );
    }
    if (attributes.length > 1) {
      throw new CloudTrailError(
        'InvalidLookupAttributesException',
        'You can specify only one lookup attribute.',
      );
    }
    if (attributes.length === 1) request.attribute = parseAttribute(attributes[0]);
  }
  if (input.StartTime !== undefined) request.startTime = parseTime(input.StartTime, 'StartTime');
  if (input.EndTime !== undefined) request.endTime = parseTime(input.EndTime, 'EndTime');
  if (
    request.startTime !== undefined &&
    request.endTime !== undefined &&
    request.startTime > request.endTime
  ) {
    throw new CloudTrailError('InvalidTimeRangeException', 'Start time must be before end time.');
  }
  if (input.MaxResults !== undefined) {
    const max = input.MaxResults;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
      throw new CloudTrailError(
        'InvalidMaxResultsException',
        `MaxResults must be an integer from 1 to ${MAX_RESULTS}.`,
      );
    }
    request.maxResults = max;
  }
  if (input.NextToken !== undefined) {
    if (typeof input.NextToken !== 'string') {
      throw new CloudTrailError('InvalidNextTokenException', 'Invalid NextToken.');
    }
    request.nextToken = input.NextToken;
  }
  if (input.EventCategory !== undefined && input.EventCategory !== 'insight') {
    throw new CloudTrailError('InvalidEventCategoryException', 'EventCategory must be insight.');
  }
  return request;
}

function parseAttribute(value: unknown): LookupAttribute {
  const { AttributeKey: key, AttributeValue: text } = (value ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !ATTRIBUTE_KEYS.has(key)) {
    throw new CloudTrailError(
      'InvalidLookupAttributesException',
      `AttributeKey must be one of ${[...ATTRIBUTE_KEYS].join(', ')}.`,
    );
  }
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_ATTRIBUTE_VALUE) {
    throw new CloudTrailError(
      'InvalidLookupAttributesException',
      `AttributeValue must be 1 to ${MAX_ATTRIBUTE_VALUE} characters.`,
    );
  }
  return { key, value: text };
}

/** JSON 1.1 timestamps are epoch seconds. */
function parseTime(value: unknown, member: string): number {
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new CloudTrailError('InvalidTimeRangeException', `${member} is not a valid timestamp.`);
  }
  return seconds * 1000;
}

function requestFingerprint(request: LookupRequest): string {
  const { attribute, startTime, endTime } = request;
  return createHash('sha256')
    .update(JSON.stringify([attribute?.key, attribute?.value, startTime, endTime]))
    .digest('base64url')
    .slice(0, 16);
}

function writeToken(position: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ r: RUN_ID, p: position, f: fingerprint })).toString(
    'base64url',
  );
}

/** A token is only good for the parameters and the run of the endpoint it came from. */
function readToken(token: string, fingerprint: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (parsed.r === RUN_ID && parsed.f === fingerprint && Number.isInteger(parsed.p)) {
      return parsed.p as number;
    }
  } catch {}
  throw new CloudTrailError(
    'InvalidNextTokenException',
    'The NextToken is not valid, or was issued for a request with other parameters.',
  );
}
