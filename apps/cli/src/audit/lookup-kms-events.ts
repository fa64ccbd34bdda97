import { type CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';
/** LookupEvents' largest page. */
const PAGE_SIZE = 50;

/**
 * The KMS events from `start` to `end` (both inclusive, whole seconds: `start` rounded
 * down, `end` up, so the range never shrinks), newest first, one LookupEvents page at a
 * time.
 */
export async function* lookUpKmsPages(
  client: CloudTrailClient,
  range: { start: number; end?: number | undefined },
): AsyncGenerator<Event[]> {
  const StartTime = new Date(Math.floor(range.start / 1000) * 1000);
  const EndTime =
    range.end === undefined ? undefined : new Date(Math.ceil(range.end / 1000) * 1000);
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: KMS_EVENT_SOURCE }],
        StartTime,
        ...(EndTime ? { EndTime } : {}),
        MaxResults: PAGE_SIZE,
        NextToken,
      }),
    );
    yield page.Events ?? [];
    NextToken = page.NextToken;
  } while (NextToken);
}
