import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type FaultOptions, type LocalAws, startLocalAws } from '@kms-demo/local-aws';
import {
  type AwsClientOptions,
  createAwsClients,
  createSecretStore,
  KEY_ALIAS,
  type KmsApi,
  type KmsApiClient,
  PARTITION_KEY,
  type SecretStore,
  TABLE_NAME,
} from '../../src/index.js';

/** One real local-aws endpoint on an ephemeral port, with clients and helpers around it. */
export interface Emulator {
  aws: LocalAws;
  kms: KmsApiClient;
  dynamodb: DynamoDBClient;
  /** For the raw writes the attack tests make, bypassing the store. */
  doc: DynamoDBDocumentClient;
  clients(options?: AwsClientOptions): { kms: KmsApiClient; dynamodb: DynamoDBClient };
  store(options?: { kms?: KmsApi; keyId?: string; tableName?: string }): SecretStore;
  createTable(name: string): Promise<void>;
  /** A fresh symmetric key; returns its ARN. */
  createKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startEmulator(
  options: { faults?: FaultOptions; maxAttempts?: number } = {},
): Promise<Emulator> {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-core-'));
  // An explicit empty fault set keeps a stray KMS_DEMO_LOCAL_FAULTS from leaking in.
  const aws = await startLocalAws({ stateDir, port: 0, faults: options.faults ?? {} });
  const clients = (extra: AwsClientOptions = {}) =>
    createAwsClients({
      endpoint: aws.endpoint,
      region: aws.region,
      credentials: aws.credentials,
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      ...extra,
    });
  const { kms, dynamodb } = clients();
  const doc = DynamoDBDocumentClient.from(dynamodb);
  return {
    aws,
    kms,
    dynamodb,
    doc,
    clients,
    store: (o = {}) =>
      createSecretStore({
        kms: o.kms ?? kms,
        dynamodb,
        keyId: o.keyId ?? KEY_ALIAS,
        tableName: o.tableName ?? TABLE_NAME,
      }),
    async createTable(name) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: PARTITION_KEY, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: PARTITION_KEY, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await waitForTable(dynamodb, name);
    },
    async createKey() {
      const { KeyMetadata } = await kms.send(
        new CreateKeyCommand({ Description: 'kms-demo core test key' }),
      );
      if (!KeyMetadata?.Arn) throw new Error('CreateKey returned no ARN');
      return KeyMetadata.Arn;
    },
    async close() {
      kms.destroy();
      dynamodb.destroy();
      await aws.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export async function waitForTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

export type KmsCalls = Record<keyof KmsApi, number>;

/**
 * Passes every call through to the real KMS and counts them, optionally running a hook
 * first (to interleave a concurrent change at an exact point).
 */
export function countingKms(
  kms: KmsApi,
  before?: (operation: keyof KmsApi) => Promise<void> | void,
): { kms: KmsApi; calls: KmsCalls } {
  const calls: KmsCalls = { encrypt: 0, decrypt: 0, generateDataKey: 0, describeKey: 0 };
  const wrap =
    <K extends keyof KmsApi>(operation: K) =>
    async (input: Parameters<KmsApi[K]>[0]) => {
      calls[operation] += 1;
      await before?.(operation);
      return (kms[operation] as (i: typeof input) => ReturnType<KmsApi[K]>)(input);
    };
  return {
    calls,
    kms: {
      encrypt: wrap('encrypt'),
      decrypt: wrap('decrypt'),
      generateDataKey: wrap('generateDataKey'),
      describeKey: wrap('describeKey'),
    } as KmsApi,
  };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Byte equality without a per-element deep compare (slow on 300 KB). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
