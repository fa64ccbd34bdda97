import type { DynamoResponse } from '../dynalite-backend.js';
import {
  callStore,
  type DynamoFailure,
  errorResponse,
  jsonResponse,
  type SendToStore,
  validationError,
} from './dynamo-call.js';
import { itemIdentity, keyOf, keySchemas } from './item-keys.js';
import { MAX_TRANSACTION_BYTES, MAX_TRANSACTION_ITEMS, SAME_ITEM_MESSAGE } from './limits.js';
import { readItems } from './read-items.js';

type AttributeMap = Record<string, unknown>;
type ActionKind = 'ConditionCheck' | 'Put' | 'Delete' | 'Update';
const ACTION_KINDS: ActionKind[] = ['ConditionCheck', 'Put', 'Delete', 'Update'];

interface Action {
  kind: ActionKind;
  input: AttributeMap & { TableName: string };
  key: AttributeMap;
  /** The item as it was before the transaction, to evaluate ConditionCheck and roll back. */
  before?: AttributeMap;
}

type Outcome = { ok: true } | DynamoFailure;

/**
 * TransactWriteItems on a store without transactions. The caller holds the write lock, so
 * nothing else runs meanwhile: each item's old value is read, every action runs with its
 * own condition (an item appears at most once, so the actions are independent), and if
 * any fails, those that succeeded are undone before the answer. One limit of emulation:
 * a process killed between the writes and their undo leaves the writes.
 */
export async function transactWriteItems(
  send: SendToStore,
  request: AttributeMap,
): Promise<DynamoResponse> {
  const parsed = parseActions(request.TransactItems);
  if (typeof parsed === 'string') return validationError(parsed);
  const schemas = await keySchemas(
    send,
    parsed.map((a) => a.input.TableName),
  );
  if (!(schemas instanceof Map)) return schemas.response;

  const actions: Action[] = [];
  const seen = new Set<string>();
  for (const { kind, input } of parsed) {
    const names = schemas.get(input.TableName) ?? [];
    const source = (kind === 'Put' ? input.Item : input.Key) as AttributeMap | undefined;
    const key = source && keyOf(source, names);
    if (!key) {
      return validationError(
        'One or more parameter values were invalid: Missing the key in the item',
      );
    }
    const identity = itemIdentity(input.TableName, key, names);
    if (seen.has(identity)) return validationError(SAME_ITEM_MESSAGE);
    seen.add(identity);
    actions.push({ kind, input, key });
  }

  const before = await readItems(
    send,
    actions.map((a) => ({ TableName: a.input.TableName, Key: a.key })),
  );
  if (!Array.isArray(before)) return before.response;
  for (const [i, item] of before.entries()) (actions[i] as Action).before = item;

  const outcomes = await Promise.all(actions.map((action) => apply(send, action)));
  if (outcomes.every((o) => o.ok)) return jsonResponse(200, {});

  await Promise.all(actions.map((action, i) => (outcomes[i]?.ok ? undo(send, action) : undefined)));
  const failures = outcomes.filter((o): o is DynamoFailure => !o.ok);
  const other = failures.find((f) => f.type !== 'ConditionalCheckFailedException');
  // A malformed action (bad expression, wrong type) fails the whole request, as on AWS.
  if (other) return other.response;
  const reasons = outcomes.map((outcome, i) => {
    if (outcome.ok) return { Code: 'None' };
    const action = actions[i] as Action;
    const wantsItem = action.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
    return {
      Code: 'ConditionalCheckFailed',
      Message: 'The conditional request failed',
      ...(wantsItem && action.before ? { Item: action.before } : {}),
    };
  });
  return errorResponse(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

function parseActions(
  value: unknown,
): { kind: ActionKind; input: AttributeMap & { TableName: string } }[] | string {
  if (!Array.isArray(value) || value.length === 0) {
    return "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null";
  }
  if (value.length > MAX_TRANSACTION_ITEMS) {
    return `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`;
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_TRANSACTION_BYTES) {
    return 'Transaction request cannot be larger than 4 MB';
  }
  const actions = [];
  for (const entry of value as AttributeMap[]) {
    const kinds = ACTION_KINDS.filter((kind) => entry?.[kind] !== undefined);
    const [kind] = kinds;
    if (kinds.length !== 1 || !kind) {
      return 'TransactItems can only contain one of Check, Put, Update or Delete';
    }
    const input = entry[kind] as AttributeMap;
    if (typeof input?.TableName !== 'string') {
      return "1 validation error detected: Value null at 'transactItems.member.tableName' failed to satisfy constraint: Member must not be null";
    }
    actions.push({ kind, input: input as AttributeMap & { TableName: string } });
  }
  return actions;
}

const CONDITION_FIELDS = [
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

function pick(input: AttributeMap, fields: readonly string[]): AttributeMap {
  return Object.fromEntries(fields.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]));
}

/** Runs one action as its single-item request; a ConditionCheck as a write that changes nothing. */
function apply(send: SendToStore, action: Action): Promise<Outcome> {
  const { kind, input, key, before } = action;
  const condition = pick(input, CONDITION_FIELDS);
  const base = { TableName: input.TableName };
  switch (kind) {
    case 'Put':
      return run(send, 'PutItem', { ...base, Item: input.Item, ...condition });
    case 'Delete':
      return run(send, 'DeleteItem', { ...base, Key: key, ...condition });
    case 'Update':
      return run(send, 'UpdateItem', {
        ...base,
        Key: key,
        ...pick(input, ['UpdateExpression', ...CONDITION_FIELDS]),
      });
    case 'ConditionCheck':
      // Putting back the item as it is, or deleting an absent one, evaluates the condition
      // against the stored item and leaves it unchanged.
      return before
        ? run(send, 'PutItem', { ...base, Item: before, ...condition })
        : run(send, 'DeleteItem', { ...base, Key: key, ...condition });
  }
}

async function run(send: SendToStore, operation: string, input: AttributeMap): Promise<Outcome> {
  const result = await callStore(send, operation, input);
  return result.ok ? { ok: true } : result;
}

/** Restores the item as it was before the transaction. */
async function undo(send: SendToStore, action: Action): Promise<void> {
  if (action.kind === 'ConditionCheck') return;
  const { TableName } = action.input;
  const result = action.before
    ? await callStore(send, 'PutItem', { TableName, Item: action.before })
    : await callStore(send, 'DeleteItem', { TableName, Key: action.key });
  if (!result.ok) {
    throw new Error(`could not undo a cancelled transaction's write: ${result.type}`);
  }
}
