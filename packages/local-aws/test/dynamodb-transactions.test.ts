import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from './support/clients.js';
import { sharedLocalAws } from './support/shared-server.js';
import { boto3Unavailable, isolatedAwsEnv, run } from './support/third-party-clients.js';

const ddb = dynamoClient();
const TableName = `transactions-${process.pid}-${Date.now()}`;
const noBoto3 = boto3Unavailable();
if (noBoto3) console.warn(`Skipping the boto3 transaction test: ${noBoto3}.`);

const key = (id: string) => ({ id: { S: id } });
const put = (id: string, value: string, condition = true): TransactWriteItem => ({
  Put: {
    TableName,
    Item: { ...key(id), value: { S: value } },
    ...(condition && {
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  },
});
async function read(id: string): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await ddb.send(
    new GetItemCommand({ TableName, Key: key(id), ConsistentRead: true }),
  );
  return Item;
}
async function seed(id: string, value: string) {
  await ddb.send(new PutItemCommand({ TableName, Item: { ...key(id), value: { S: value } } }));
}
async function cancelled(items: TransactWriteItem[], token?: string) {
  const error = await ddb
    .send(new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(TransactionCanceledException);
  return error as TransactionCanceledException;
}

beforeAll(async () => {
  await ddb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

describe('TransactWriteItems', () => {
  it('applies Put, Update, Delete and a passing ConditionCheck together', async () => {
    await seed('w-upd', 'old');
    await seed('w-del', 'doomed');
    await seed('w-chk', 'present');
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          put('w-new', 'fresh'),
          {
            Update: {
              TableName,
              Key: key('w-upd'),
              UpdateExpression: 'SET #v = :v',
              ConditionExpression: '#v = :old',
              ExpressionAttributeNames: { '#v': 'value' },
              ExpressionAttributeValues: { ':v': { S: 'new' }, ':old': { S: 'old' } },
            },
          },
          { Delete: { TableName, Key: key('w-del'), ConditionExpression: 'attribute_exists(id)' } },
          {
            ConditionCheck: {
              TableName,
              Key: key('w-chk'),
              ConditionExpression: 'attribute_exists(id)',
            },
          },
        ],
      }),
    );
    expect((await read('w-new'))?.value?.S).toBe('fresh');
    expect((await read('w-upd'))?.value?.S).toBe('new');
    expect(await read('w-del')).toBeUndefined();
    expect((await read('w-chk'))?.value?.S).toBe('present');
  });

  it('is all or nothing: one failed condition cancels every write, with reasons in request order', async () => {
    await seed('c-taken', 'original');
    await seed('c-upd', 'before');
    await seed('c-del', 'kept');
    const error = await cancelled([
      put('c-a', 'a'),
      {
        Update: {
          TableName,
          Key: key('c-upd'),
          UpdateExpression: 'SET #v = :v',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':v': { S: 'after' } },
        },
      },
      put('c-taken', 'overwrite'),
      { Delete: { TableName, Key: key('c-del') } },
      put('c-b', 'b'),
    ]);
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual([
      'None',
      'None',
      'ConditionalCheckFailed',
      'None',
      'None',
    ]);
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed, None, None]',
    );
    expect(await read('c-a')).toBeUndefined();
    expect(await read('c-b')).toBeUndefined();
    expect((await read('c-taken'))?.value?.S).toBe('original');
    expect((await read('c-upd'))?.value?.S).toBe('before');
    expect((await read('c-del'))?.value?.S).toBe('kept');
  });

  it('cancels on a failing ConditionCheck and returns the old item when asked (ALL_OLD)', async () => {
    await seed('k-item', 'seen');
    const error = await cancelled([
      put('k-new', 'x'),
      {
        ConditionCheck: {
          TableName,
          Key: key('k-item'),
          ConditionExpression: 'attribute_not_exists(id)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
    expect(error.CancellationReasons?.[1]).toMatchObject({
      Code: 'ConditionalCheckFailed',
      Item: { id: { S: 'k-item' }, value: { S: 'seen' } },
    });
    expect(await read('k-new')).toBeUndefined();
  });

  it('refuses one item named twice, more than 100 actions, and an empty list', async () => {
    await expect(
      ddb.send(
        new TransactWriteItemsCommand({ TransactItems: [put('d-1', 'a'), put('d-1', 'b')] }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Transaction request cannot include multiple operations on one item',
    });
    const many = Array.from({ length: 101 }, (_, i) => put(`m-${i}`, 'v'));
    await expect(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: many })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await read('d-1')).toBeUndefined();
    expect(await read('m-0')).toBeUndefined();
  });

  it('accepts exactly 100 actions', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => put(`h-${i}`, 'v'));
    await ddb.send(new TransactWriteItemsCommand({ TransactItems: hundred }));
    expect(await read('h-99')).toBeDefined();
  });

  it('refuses a transaction over 4 MB', async () => {
    const big = 'x'.repeat(350_000);
    const items = Array.from({ length: 13 }, (_, i) => put(`big-${i}`, big));
    await expect(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: items })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await read('big-0')).toBeUndefined();
  });

  it('makes a ClientRequestToken idempotent: the same call succeeds again without writing', async () => {
    const token = `token-${Date.now()}`;
    const items = [put('i-1', 'first')];
    await ddb.send(
      new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }),
    );
    await seed('i-1', 'changed since');
    // Re-executed, the attribute_not_exists put would now fail; idempotent, it does not run.
    await ddb.send(
      new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: token }),
    );
    expect((await read('i-1'))?.value?.S).toBe('changed since');
    await expect(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [put('i-2', 'other')],
          ClientRequestToken: token,
        }),
      ),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
    expect(await read('i-2')).toBeUndefined();
  });

  it('lets exactly one of many concurrent transactions take the same new id', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        ddb.send(
          new TransactWriteItemsCommand({
            TransactItems: [put('race', `writer-${i}`), put(`race-own-${i}`, 'x')],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect((await read('race'))?.value?.S).toBe(`writer-${winner}`);
    for (let i = 0; i < 8; i++) {
      expect(await read(`race-own-${i}`)).toEqual(i === winner ? expect.anything() : undefined);
    }
  });

  it('answers a missing table with ResourceNotFoundException and writes nothing', async () => {
    await expect(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [put('r-1', 'v'), { Put: { TableName: 'no-such-table', Item: key('x') } }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await read('r-1')).toBeUndefined();
  });
});

describe('TransactGetItems', () => {
  it('reads items consistently in request order, {} for an absent one, with projections', async () => {
    await seed('g-1', 'one');
    await seed('g-2', 'two');
    const { Responses } = await ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName, Key: key('g-2') } },
          { Get: { TableName, Key: key('g-absent') } },
          {
            Get: {
              TableName,
              Key: key('g-1'),
              ProjectionExpression: '#v',
              ExpressionAttributeNames: { '#v': 'value' },
            },
          },
        ],
      }),
    );
    expect(Responses).toEqual([
      { Item: { id: { S: 'g-2' }, value: { S: 'two' } } },
      {},
      { Item: { value: { S: 'one' } } },
    ]);
  });

  it('refuses one item named twice', async () => {
    await expect(
      ddb.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName, Key: key('g-1') } },
            { Get: { TableName, Key: key('g-1') } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe.skipIf(noBoto3)("boto3's transact_write_items through the endpoint", () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'kms-demo-tx-'));
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('writes atomically and reports a cancellation with its reasons', async () => {
    const shared = sharedLocalAws();
    const emptyFile = join(workDir, 'empty');
    await writeFile(emptyFile, '');
    const script = join(workDir, 'tx.py');
    await writeFile(
      script,
      [
        'import json, boto3',
        'ddb = boto3.client("dynamodb")',
        `t = "${TableName}"`,
        'def put(i): return {"Put": {"TableName": t, "Item": {"id": {"S": i}}, "ConditionExpression": "attribute_not_exists(id)"}}',
        'ddb.transact_write_items(TransactItems=[put("py-1"), put("py-2")])',
        'try:',
        '    ddb.transact_write_items(TransactItems=[put("py-3"), put("py-1")])',
        '    codes = None',
        'except ddb.exceptions.TransactionCanceledException as e:',
        '    codes = [r["Code"] for r in e.response["CancellationReasons"]]',
        'got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": t, "Key": {"id": {"S": k}}}} for k in ("py-1", "py-3")])',
        'print(json.dumps({"codes": codes, "found": [bool(r.get("Item")) for r in got["Responses"]]}))',
      ].join('\n'),
    );
    const result = await run('python3', [script], {
      ...isolatedAwsEnv(shared, emptyFile),
      AWS_ENDPOINT_URL: shared.endpoint,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      codes: ['None', 'ConditionalCheckFailed'],
      found: [true, false],
    });
  });
});
