import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createAwsClients,
  createSecretStore,
  type KmsApiClient,
  KmsDemoError,
  type SecretStore,
} from '@kms-demo/core';
import type { ResolvedConfig } from './config/types.js';
import { connectTarget, type LocalConnection } from './connect-target.js';
import { applyDeadline, DEFAULT_TIMEOUT_SECONDS } from './deadline.js';
import type { GlobalOptions } from './global-options.js';
import { say } from './io/output.js';
import { sdkLogger } from './io/sdk-logger.js';
import { ensureLocalServer } from './local/ensure-local-server.js';
import { rediscoverOnRefused } from './local/rediscover.js';

export interface Clients {
  kms: KmsApiClient;
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
  o: { maxAttempts?: number; verbose?: boolean; bulk?: boolean } = {},
): Clients {
  const { verbose, ...sdk } = o;
  const logger = sdkLogger({ verbose });
  let clients: ReturnType<typeof createAwsClients>;
  let endpoint: string | undefined;
  if (config.target === 'local') {
    if (!local) throw new Error('a local target needs a running local server');
    endpoint = local.endpoint;
    clients = createAwsClients({
      region: local.region,
      endpoint,
      credentials: local.credentials,
      logger,
      ...sdk,
    });
  } else {
    endpoint = config.endpoint?.value;
    clients = createAwsClients({
      region: config.region.value,
      ...(endpoint ? { endpoint } : {}),
      ...(config.profile ? { profile: config.profile.value } : {}),
      logger,
      ...sdk,
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

/**
 * Connects to where secrets live (see connectTarget) with clients and a store bound to it.
 * `bulk` gives the clients retries for bulk work (no shared retry quota); `target` is a
 * connectTarget already under way (start-session.ts).
 */
export async function openSession(
  argv: GlobalOptions,
  o: { bulk?: boolean; target?: ReturnType<typeof connectTarget> } = {},
): Promise<Session> {
  const { config, local } = await (o.target ?? connectTarget(argv));
  const clients = createClients(config, local, {
    verbose: argv.verbose === true,
    ...(o.bulk && { bulk: true }),
  });
  const sdkClients = [clients.kms, clients.dynamodb];
  // Bulk work (import, export) may rightly run for many minutes: no deadline for the whole
  // command unless --timeout asks for one; each of its requests has its own retry budget.
  const seconds = argv.timeout ?? (o.bulk ? undefined : DEFAULT_TIMEOUT_SECONDS);
  const stopDeadline = seconds === undefined ? () => {} : applyDeadline(sdkClients, seconds);
  if (local && config.target === 'local') {
    const stateDir = config.stateDir;
    rediscoverOnRefused(sdkClients, async () => {
      const server = await ensureLocalServer(stateDir.value).catch((error: unknown) => {
        // Told as it is, not as a failed AWS request (core passes its own errors through).
        throw new KmsDemoError('AWS_ERROR', (error as Error).message, { cause: error });
      });
      say(
        `kms-demo: the local server went away mid-command; continuing with the one at ${server.endpoint}`,
      );
      return server;
    });
  }
  const close = clients.close;
  clients.close = () => {
    stopDeadline();
    close();
  };
  const store = createSecretStore({
    kms: clients.kms,
    dynamodb: clients.dynamodb,
    keyId: config.key.value,
    tableName: config.table.value,
  });
  return { ...clients, config, store };
}
