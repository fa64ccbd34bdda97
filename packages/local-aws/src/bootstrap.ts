import {
  KEY_ALIAS,
  KEY_DESCRIPTION,
  PARTITION_KEY,
  PARTITION_KEY_TYPE,
  TABLE_NAME,
} from '@kms-demo/spec';
import type { DynamoBackend } from './dynamodb/dynalite-backend.js';
import { LocalAwsError } from './errors.js';
import type { KmsService } from './kms/service.js';

/**
 * Makes sure the resources the original demo created by hand exist (the key behind
 * alias/demo-kms and the table demo-kms keyed by appuser), so a user following its steps
 * finds them ready, the key with `keyPolicy`. This is the administrator's work (the
 * `admin` principal's, as the original demo's console user did it), done before the
 * endpoint takes requests. Safe to run at every start. Returns the key's ARN.
 */
export async function bootstrapResources(
  kms: KmsService,
  dynamo: DynamoBackend,
  keyPolicy?: { document: string; replaces: string[] },
): Promise<string> {
  // Independent of each other: the key's state file is written while the table is made.
  const [key, table] = await Promise.allSettled([
    kms.ensureKeyWithAlias(KEY_ALIAS, KEY_DESCRIPTION, keyPolicy),
    ensureTable(dynamo),
  ]);
  if (key.status === 'rejected') {
    throw new LocalAwsError('BOOTSTRAP_FAILED', `Could not create the KMS key ${KEY_ALIAS}.`, {
      cause: key.reason,
    });
  }
  if (table.status === 'rejected') throw table.reason;
  return key.value;
}

/** The ARN of the key behind alias/demo-kms if it exists, else an empty string. */
export async function findBootstrapKeyArn(kms: KmsService): Promise<string> {
  try {
    const described = (await kms.handle('DescribeKey', { KeyId: KEY_ALIAS })) as {
      KeyMetadata?: { Arn?: string };
    };
    return described.KeyMetadata?.Arn ?? '';
  } catch {
    return '';
  }
}

/** How long a new table may take to become ACTIVE. */
const ACTIVE_WAIT_MS = 1000;

interface TableDescription {
  TableStatus?: string;
  KeySchema?: { AttributeName: string; KeyType: string }[];
}

async function ensureTable(dynamo: DynamoBackend): Promise<void> {
  let table = await describeTable(dynamo);
  if (!table) {
    const created = (await callDynamo(dynamo, 'CreateTable', {
      TableName: TABLE_NAME,
      AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: PARTITION_KEY_TYPE }],
      KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    })) as { TableDescription?: TableDescription };
    table = created.TableDescription;
  }
  const keys = table?.KeySchema ?? [];
  if (keys.length !== 1 || keys[0]?.AttributeName !== PARTITION_KEY) {
    throw new LocalAwsError(
      'BOOTSTRAP_FAILED',
      `Table ${TABLE_NAME} exists with a key schema other than a "${PARTITION_KEY}" partition key; delete it and start again.`,
    );
  }
  // Tables are created with no delay here, but become ACTIVE a moment later (dynalite
  // records that on its next turn): asked again after a millisecond, for a second at most.
  const deadline = Date.now() + ACTIVE_WAIT_MS;
  while (table?.TableStatus !== 'ACTIVE' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    table = await describeTable(dynamo);
  }
}

async function describeTable(dynamo: DynamoBackend): Promise<TableDescription | undefined> {
  const result = await callDynamo(dynamo, 'DescribeTable', { TableName: TABLE_NAME }, [
    'ResourceNotFoundException',
  ]);
  return (result as { Table?: TableDescription } | undefined)?.Table;
}

/** Returns undefined for an expected error type, throws for any other. */
async function callDynamo(
  dynamo: DynamoBackend,
  operation: string,
  input: unknown,
  expectedErrors: string[] = [],
): Promise<unknown> {
  const reply = await dynamo.send(operation, Buffer.from(JSON.stringify(input)));
  const body = JSON.parse(reply.body.toString('utf8') || '{}') as { __type?: string };
  if (reply.status === 200) return body;
  const type = body.__type?.split('#').pop() ?? '';
  if (expectedErrors.includes(type)) return undefined;
  throw new LocalAwsError(
    'BOOTSTRAP_FAILED',
    `Could not ${operation} ${TABLE_NAME} in the local DynamoDB store (${type || reply.status}).`,
  );
}
