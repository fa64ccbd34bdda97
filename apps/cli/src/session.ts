import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMS } from '@aws-sdk/client-kms';
import { createAwsClients, createSecretStore, type SecretStore } from '@kms-demo/core';
import { type LocalAwsCredentials, loadOrCreateCredentials } from '@kms-demo/local-aws';
import { resolveConfig } from './config/resolve-config.js';
import type { ResolvedConfig } from './config/types.js';
import type { GlobalOptions } from './global-options.js';
import { displayPath, say } from './io/output.js';
import { ensureLocalServer } from './local/ensure-local-server.js';

export interface LocalConnection {
  endpoint: string;
  region: string;
  pid: number;
  started: boolean;
  credentials: LocalAwsCredentials;
}

export interface Clients {
  kms: KMS;
  dynamodb: DynamoDBClient;
  region: string;
  endpoint: string | undefined;
  close(): void;
}

/** What the commands work with: the resolved target and a store bound to it. */
export interface Session extends Clients {
  config: ResolvedConfig;
  store: SecretStore;
}

/** AWS clients for the resolved target; `local` is the running emulator for a local target. */
export function createClients(
  config: ResolvedConfig,
  local: LocalConnection | undefined,
  o: { maxAttempts?: number } = {},
): Clients {
  let clients: ReturnType<typeof createAwsClients>;
  let endpoint: string | undefined;
  if (config.target === 'local') {
    if (!local) throw new Error('a local target needs a running local server');
    endpoint = local.endpoint;
    clients = createAwsClients({
      region: local.region,
      endpoint,
      credentials: local.credentials,
      ...o,
    });
  } else {
    endpoint = config.endpoint?.value;
    clients = createAwsClients({
      region: config.region.value,
      ...(endpoint ? { endpoint } : {}),
      ...(config.profile ? { profile: config.profile.value } : {}),
      ...o,
    });
  }
  return {
    kms: clients.kms,
    dynamodb: clients.dynamodb,
    region: clients.region,
    endpoint,
    close() {
      clients.kms.destroy();
      clients.dynamodb.destroy();
    },
  };
}

/** The emulator serving `stateDir`, started in the background when none runs. */
export async function connectLocal(stateDir: string): Promise<LocalConnection> {
  const server = await ensureLocalServer(stateDir);
  return { ...server, credentials: await loadOrCreateCredentials(stateDir) };
}

/**
 * Resolves where secrets live and connects to it. For the embedded local default this
 * brings the background emulator up when needed and announces it in one stderr line.
 */
export async function openSession(argv: GlobalOptions): Promise<Session> {
  const config = await resolveConfig(argv);
  let local: LocalConnection | undefined;
  if (config.target === 'local') {
    local = await connectLocal(config.stateDir.value);
    const why = argv.local ? '--local given' : 'no AWS stack or settings found';
    say(
      `kms-demo: ${why}; using the local emulator at ${local.endpoint} (state in ${displayPath(config.stateDir.value)}${local.started ? ', just started' : ''})`,
    );
  }
  const clients = createClients(config, local);
  const store = createSecretStore({
    kms: clients.kms,
    dynamodb: clients.dynamodb,
    keyId: config.key.value,
    tableName: config.table.value,
  });
  return { ...clients, config, store };
}
