import type { AuthorizationRequest } from '../authz/authorize.js';

/** Transaction members and the item action each needs (DynamoDB's IAM reference). */
const TRANSACT_ACTIONS: Record<string, string> = {
  ConditionCheck: 'ConditionCheckItem',
  Delete: 'DeleteItem',
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
};

/**
 * The permissions a DynamoDB request needs: its action on every table it names (TableName,
 * the tables of RequestItems, or, in a transaction, each member's item action on its
 * table), or on `*` when it names none (ListTables). A body that is not JSON needs
 * none: dynalite refuses it with SerializationException.
 */
export function dynamoAuthorizationRequests(
  operation: string,
  body: Buffer,
  scope: { region: string; accountId: string },
): AuthorizationRequest[] {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  const tableArn = (name: string) =>
    `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
  const request = (action: string, resource: string): AuthorizationRequest => ({
    action: `dynamodb:${action}`,
    resource,
    context: new Map(),
  });
  const fields = isRecord(input) ? input : {};
  const requests: AuthorizationRequest[] = [];
  if (typeof fields.TableName === 'string')
    requests.push(request(operation, tableArn(fields.TableName)));
  if (isRecord(fields.RequestItems)) {
    for (const name of Object.keys(fields.RequestItems))
      requests.push(request(operation, tableArn(name)));
  }
  if (Array.isArray(fields.TransactItems)) {
    for (const member of fields.TransactItems) {
      if (!isRecord(member)) continue;
      for (const [kind, action] of Object.entries(TRANSACT_ACTIONS)) {
        const part = member[kind];
        if (isRecord(part) && typeof part.TableName === 'string') {
          requests.push(request(action, tableArn(part.TableName)));
        }
      }
    }
  }
  return requests.length > 0 ? requests : [request(operation, '*')];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
