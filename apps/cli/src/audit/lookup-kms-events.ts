import { type CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';
/** LookupEvents' largest page. */
const PAGE_SIZE = 50;

/** Every KMS event since `since`, newest first, one LookupEvents page at a time. */
export async function* lookUpKmsEvents(
  client: CloudTrailClient,
  since: Date,
): AsyncGenerator<Event> {
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: KMS_EVENT_SOURCE }],
        StartTime: since,
        MaxResults: PAGE_SIZE,
        NextToken,
      }),
    );
    yield* page.Events ?? [];
    NextToken = page.NextToken;
  } while (NextToken);
}
