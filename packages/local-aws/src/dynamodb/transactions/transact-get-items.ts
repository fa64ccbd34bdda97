import type { DynamoResponse } from '../dynalite-backend.js';
import { callStore, jsonResponse, type SendToStore, validationError } from './dynamo-call.js';
import { itemIdentity, keyOf, keySchemas } from './item-keys.js';
import { MAX_TRANSACTION_ITEMS, SAME_ITEM_MESSAGE } from './limits.js';

type AttributeMap = Record<string, unknown>;
type GetInput = AttributeMap & { TableName: string; Key: AttributeMap };

/**
 * TransactGetItems: strongly consistent reads of up to 100 items, answered in request
 * order (`{}` for an absent item). The caller shares the lock transactions write under,
 * so the reads never see a write transaction half applied.
 */
export async function transactGetItems(
  send: SendToStore,
  request: AttributeMap,
): Promise<DynamoResponse> {
  const entries = request.TransactItems;
  if (!Array.isArray(entries) || entries.length === 0) {
    return validationError(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (entries.length > MAX_TRANSACTION_ITEMS) {
    return validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  const gets: GetInput[] = [];
  for (const entry of entries as AttributeMap[]) {
    const get = entry?.Get as GetInput | undefined;
    if (typeof get?.TableName !== 'string' || typeof get.Key !== 'object' || get.Key === null) {
      return validationError(
        "1 validation error detected: Value null at 'transactItems.member.get' failed to satisfy constraint: Member must not be null",
      );
    }
    gets.push(get);
  }
  const schemas = await keySchemas(
    send,
    gets.map((g) => g.TableName),
  );
  if (!(schemas instanceof Map)) return schemas.response;
  const seen = new Set<string>();
  for (const get of gets) {
    const names = schemas.get(get.TableName) ?? [];
    const key = keyOf(get.Key, names);
    if (!key) {
      return validationError('The provided key element does not match the schema');
    }
    const identity = itemIdentity(get.TableName, key, names);
    if (seen.has(identity)) return validationError(SAME_ITEM_MESSAGE);
    seen.add(identity);
  }

  const reads = await Promise.all(
    gets.map((get) =>
      callStore<{ Item?: AttributeMap }>(send, 'GetItem', {
        TableName: get.TableName,
        Key: get.Key,
        ConsistentRead: true,
        ...(get.ProjectionExpression !== undefined && {
          ProjectionExpression: get.ProjectionExpression,
        }),
        ...(get.ExpressionAttributeNames !== undefined && {
          ExpressionAttributeNames: get.ExpressionAttributeNames,
        }),
      }),
    ),
  );
  const responses: AttributeMap[] = [];
  for (const read of reads) {
    if (!read.ok) return read.response;
    responses.push(read.output.Item ? { Item: read.output.Item } : {});
  }
  return jsonResponse(200, { Responses: responses });
}
