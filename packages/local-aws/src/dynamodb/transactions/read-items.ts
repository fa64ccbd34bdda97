import { callStore, type DynamoFailure, type SendToStore } from './dynamo-call.js';
import { itemIdentity } from './item-keys.js';

type AttributeMap = Record<string, unknown>;

/**
 * The current items at `keys` (distinct items, at most 100), strongly consistent, in the
 * order asked (undefined where absent): one BatchGetItem, repeated for any keys the
 * store leaves unprocessed, instead of one GetItem per item.
 */
export async function readItems(
  send: SendToStore,
  keys: { TableName: string; Key: AttributeMap }[],
): Promise<(AttributeMap | undefined)[] | DynamoFailure> {
  const found = new Map<string, AttributeMap>();
  const namesOf = new Map<string, string[]>();
  let request: Record<string, { Keys: AttributeMap[]; ConsistentRead: boolean }> = {};
  for (const { TableName, Key } of keys) {
    namesOf.set(TableName, Object.keys(Key).sort());
    request[TableName] ??= { Keys: [], ConsistentRead: true };
    request[TableName].Keys.push(Key);
  }
  while (Object.keys(request).length > 0) {
    const result = await callStore<{
      Responses?: Record<string, AttributeMap[]>;
      UnprocessedKeys?: Record<string, { Keys: AttributeMap[]; ConsistentRead: boolean }>;
    }>(send, 'BatchGetItem', { RequestItems: request });
    if (!result.ok) return result;
    for (const [table, items] of Object.entries(result.output.Responses ?? {})) {
      const names = namesOf.get(table) ?? [];
      for (const item of items) found.set(itemIdentity(table, item, names), item);
    }
    request = result.output.UnprocessedKeys ?? {};
  }
  return keys.map(({ TableName, Key }) =>
    found.get(itemIdentity(TableName, Key, namesOf.get(TableName) ?? [])),
  );
}
