import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AwsErrorScope, awsCall } from '../aws-errors.js';
import { isKmsDemoError, KmsDemoError } from '../errors.js';
import { ATTRIBUTES, fromRecord, type StoredItem, toRecord } from './item.js';

interface WriteCondition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * The DynamoDB side: every write is conditional, so a new item never replaces an
 * existing one and a rewrite never replaces a version it has not read.
 */
export class SecretTable {
  private readonly doc: DynamoDBDocumentClient;
  private readonly scope: AwsErrorScope;

  constructor(
    dynamodb: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.scope = { service: 'dynamodb', resource: tableName };
  }

  /** Strongly consistent, so the revision read is the one a conditional write compares. */
  async read(appuser: string): Promise<StoredItem | undefined> {
    const { Item } = await awsCall(this.scope, () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [ATTRIBUTES.appuser]: appuser },
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? fromRecord(Item) : undefined;
  }

  /** The raw record, unparsed: for what must work whatever the item holds (delete). */
  async readRecord(appuser: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await awsCall(this.scope, () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [ATTRIBUTES.appuser]: appuser },
          ConsistentRead: true,
        }),
      ),
    );
    return Item;
  }

  async create(item: StoredItem): Promise<void> {
    await this.conditionalPut(
      item,
      {
        ConditionExpression: 'attribute_not_exists(#u)',
        ExpressionAttributeNames: { '#u': ATTRIBUTES.appuser },
      },
      `An item with id '${item.appuser}' already exists and is never overwritten; choose another id, or delete that item first.`,
    );
  }

  /**
   * Writes `item` only if the stored item is still exactly `previous`. The revision alone
   * is not enough: an item deleted and put again under the same id starts over at
   * revision 1, so the time of the last write is compared too.
   */
  async overwrite(item: StoredItem, previous: StoredItem): Promise<void> {
    const condition: WriteCondition =
      previous.revision !== undefined
        ? {
            ConditionExpression: `#r = :r AND ${previous.updatedAt === undefined ? 'attribute_not_exists(#t)' : '#t = :t'}`,
            ExpressionAttributeNames: { '#r': ATTRIBUTES.revision, '#t': ATTRIBUTES.updatedAt },
            ExpressionAttributeValues: {
              ':r': previous.revision,
              ...(previous.updatedAt === undefined ? {} : { ':t': previous.updatedAt }),
            },
          }
        : {
            // Legacy items carry no revision: compare the ciphertext itself (at most 6 KB).
            ConditionExpression: 'attribute_not_exists(#r) AND #c = :c',
            ExpressionAttributeNames: { '#r': ATTRIBUTES.revision, '#c': ATTRIBUTES.ciphertext },
            ExpressionAttributeValues: { ':c': previous.ciphertext },
          };
    await this.conditionalPut(
      item,
      condition,
      `The item '${item.appuser}' was changed or deleted by someone else while this operation ran; nothing was written. Read it again and retry.`,
    );
  }

  async remove(appuser: string): Promise<void> {
    try {
      await awsCall(this.scope, () =>
        this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { [ATTRIBUTES.appuser]: appuser },
            ConditionExpression: 'attribute_exists(#u)',
            ExpressionAttributeNames: { '#u': ATTRIBUTES.appuser },
          }),
        ),
      );
    } catch (error) {
      if (isKmsDemoError(error, 'CONFLICT')) throw notFound(appuser, error);
      throw error;
    }
  }

  /**
   * Pages through the table; raw records. The ciphertext is read too (it costs no more
   * capacity: a scan is charged by item size, whatever it projects), only so that an item
   * without one can be flagged; the listing drops it.
   */
  async *scan(pageSize: number): AsyncIterable<Record<string, unknown>> {
    const names = Object.fromEntries(
      Object.values(ATTRIBUTES).map((name, index) => [`#a${index}`, name]),
    );
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await awsCall(this.scope, () =>
        this.doc.send(
          new ScanCommand({
            TableName: this.tableName,
            Limit: pageSize,
            ProjectionExpression: Object.keys(names).join(', '),
            ExpressionAttributeNames: names,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  private async conditionalPut(
    item: StoredItem,
    condition: WriteCondition,
    conflictMessage: string,
  ): Promise<void> {
    try {
      await awsCall(this.scope, () =>
        this.doc.send(
          new PutCommand({ TableName: this.tableName, Item: toRecord(item), ...condition }),
        ),
      );
    } catch (error) {
      if (isKmsDemoError(error, 'CONFLICT')) {
        throw new KmsDemoError('CONFLICT', conflictMessage, { cause: error.cause });
      }
      throw error;
    }
  }
}

export function notFound(appuser: string, cause?: unknown): KmsDemoError {
  return new KmsDemoError(
    'NOT_FOUND',
    `No secret is stored under id '${appuser}'; check the id (\`list\` shows the stored ids).`,
    cause === undefined ? undefined : { cause },
  );
}
