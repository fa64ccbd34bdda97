import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { awsCall } from '../aws-errors.js';
import { isKmsDemoError, KmsDemoError } from '../errors.js';
import { ATTRIBUTES } from '../storage/item.js';

/** DynamoDB's limit of actions per TransactWriteItems. */
export const MAX_BATCH_ITEMS = 100;

export type CreateOutcome = { ok: true } | { ok: false; error: KmsDemoError };

const NEW_ITEM = {
  ConditionExpression: 'attribute_not_exists(#u)',
  ExpressionAttributeNames: { '#u': ATTRIBUTES.appuser },
};

/**
 * Writes new items, never over existing ones: one TransactWriteItems for the batch (one
 * round trip, all or nothing), and when a taken id cancels it, each item again on its own
 * with the same condition, so a taken id fails only its own item. Outcomes are in the
 * order of `records`.
 */
export async function createMany(
  dynamodb: DynamoDBClient,
  tableName: string,
  records: Record<string, unknown>[],
): Promise<CreateOutcome[]> {
  if (records.length === 0) return [];
  if (records.length > MAX_BATCH_ITEMS) {
    throw new RangeError(`createMany: at most ${MAX_BATCH_ITEMS} items per batch`);
  }
  const doc = DynamoDBDocumentClient.from(dynamodb);
  const scope = { service: 'dynamodb' as const, resource: tableName };
  try {
    await awsCall(scope, () =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: records.map((Item) => ({
            Put: { TableName: tableName, Item, ...NEW_ITEM },
          })),
        }),
      ),
    );
    return records.map(() => ({ ok: true }));
  } catch (error) {
    if (!wasCancelledByCondition(error)) throw error;
  }
  return Promise.all(
    records.map(async (Item): Promise<CreateOutcome> => {
      try {
        await awsCall(scope, () =>
          doc.send(new PutCommand({ TableName: tableName, Item, ...NEW_ITEM })),
        );
        return { ok: true };
      } catch (error) {
        if (!isKmsDemoError(error, 'CONFLICT')) throw error;
        const appuser = String(Item[ATTRIBUTES.appuser]);
        return {
          ok: false,
          error: new KmsDemoError(
            'CONFLICT',
            `An item with id '${appuser}' already exists and is never overwritten.`,
            { cause: error.cause },
          ),
        };
      }
    }),
  );
}

function wasCancelledByCondition(error: unknown): boolean {
  const cause = isKmsDemoError(error) ? error.cause : error;
  const { name, CancellationReasons } = (cause ?? {}) as {
    name?: string;
    CancellationReasons?: { Code?: string }[];
  };
  return (
    name === 'TransactionCanceledException' &&
    (CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}
