import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoClient } from './support/clients.js';

describe('DynamoDB on the same endpoint (dynalite)', () => {
  const ddb = dynamoClient();

  it('creates a table, rejects a conditional put on an existing item, and queries', async () => {
    const TableName = `passthrough-${Date.now()}`;
    const created = await ddb.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(created.TableDescription?.TableName).toBe(TableName);
    await waitForActive(TableName);

    const put = (sk: string, value: string) =>
      ddb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: 'user' }, sk: { N: sk }, value: { S: value } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await put('1', 'first');
    await put('2', 'second');
    await expect(put('1', 'overwrite')).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    const kept = await ddb.send(
      new GetItemCommand({ TableName, Key: { pk: { S: 'user' }, sk: { N: '1' } } }),
    );
    expect(kept.Item?.value?.S).toBe('first');

    const queried = await ddb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk AND sk > :min',
        ExpressionAttributeValues: { ':pk': { S: 'user' }, ':min': { N: '1' } },
      }),
    );
    expect(queried.Items?.map((item) => item.value?.S)).toEqual(['second']);
  });

  async function waitForActive(TableName: string) {
    for (let i = 0; i < 50; i++) {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`table ${TableName} never became ACTIVE`);
  }
});
