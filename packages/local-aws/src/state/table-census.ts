import type { DynamoBackend } from '../dynamodb/dynalite-backend.js';

/** The item count of every table in the store, by paged Scans with Select COUNT. */
export async function countTableItems(dynamo: DynamoBackend): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let startTable: string | undefined;
  do {
    const page = (await call(dynamo, 'ListTables', {
      ...(startTable ? { ExclusiveStartTableName: startTable } : {}),
    })) as { TableNames?: string[]; LastEvaluatedTableName?: string };
    for (const table of page.TableNames ?? []) counts[table] = await countItems(dynamo, table);
    startTable = page.LastEvaluatedTableName;
  } while (startTable);
  return counts;
}

async function countItems(dynamo: DynamoBackend, table: string): Promise<number> {
  let total = 0;
  let startKey: unknown;
  do {
    const page = (await call(
      dynamo,
      'Scan',
      {
        TableName: table,
        Select: 'COUNT',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      },
      // Listed but not scannable: its definition survived a damaged log only in part.
      ['ResourceNotFoundException'],
    )) as { Count?: number; LastEvaluatedKey?: unknown } | undefined;
    if (!page) return 0;
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
}

async function call(
  dynamo: DynamoBackend,
  operation: string,
  input: unknown,
  expected: string[] = [],
): Promise<unknown> {
  const reply = await dynamo.send(operation, Buffer.from(JSON.stringify(input)));
  const body = JSON.parse(reply.body.toString('utf8') || '{}') as { __type?: string };
  if (reply.status !== 200) {
    if (expected.includes(body.__type?.split('#').pop() ?? '')) return undefined;
    throw new Error(
      `${operation} failed in the local DynamoDB store (${body.__type ?? reply.status})`,
    );
  }
  return body;
}
