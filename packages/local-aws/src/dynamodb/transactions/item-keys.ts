import { callStore, type DynamoFailure, type SendToStore } from './dynamo-call.js';

type AttributeMap = Record<string, unknown>;

/** The key attribute names of each table a transaction names, from DescribeTable. */
export async function keySchemas(
  send: SendToStore,
  tableNames: Iterable<string>,
): Promise<Map<string, string[]> | DynamoFailure> {
  const schemas = new Map<string, string[]>();
  for (const TableName of new Set(tableNames)) {
    const described = await callStore<{ Table?: { KeySchema?: { AttributeName: string }[] } }>(
      send,
      'DescribeTable',
      { TableName },
    );
    if (!described.ok) return described;
    schemas.set(
      TableName,
      (described.output.Table?.KeySchema ?? []).map((k) => k.AttributeName),
    );
  }
  return schemas;
}

/**
 * The key attributes of `item` (a Put's item or a Key), or undefined when one is missing.
 * Attribute values are compared by their JSON, which is canonical for the key types
 * (S, N, B) once numbers are written the same way.
 */
export function keyOf(item: AttributeMap, names: string[]): AttributeMap | undefined {
  const key: AttributeMap = {};
  for (const name of names) {
    if (item[name] === undefined) return undefined;
    key[name] = item[name];
  }
  return key;
}

/** One string per item of one table, to find an item named twice in a transaction. */
export function itemIdentity(tableName: string, key: AttributeMap, names: string[]): string {
  return JSON.stringify([tableName, ...names.map((name) => key[name])]);
}
