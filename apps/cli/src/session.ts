import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createAwsClients,
  createSecretStore,
  type KmsApiClient,
  KmsDemoError,
  type SecretStore,
} from '@kms-demo/core';
import { type LocalAwsCredentials, serverCredentials } from '@kms-demo/local-aws/state';
import { type LocalPrincipalName, localPrincipalArn } from '@kms-demo/spec';
import { resolveConfig } from './config/resolve-config.js';
import { prepareStateDir } from './config/state-dir.js';
import type { Resolved, ResolvedConfig } from './config/types.js';
import { applyDeadline, DEFAULT_TIMEOUT_SECONDS } from './deadline.js';
import type { GlobalOptions } from './global-options.js';
import { displayPath, say } from './io/output.js';
import { addSensitive } from './io/redact.js';
import { sdkLogger } from './io/sdk-logger.js';
import { ensureLocalServer, type LocalServer } from './local/ensure-local-server.js';
import { rediscoverOnRefused } from './local/rediscover.js';

export interface LocalConnection extends LocalServer {
  credentials: LocalAwsCredentials;
  /** Which local principal the credentials are: the CLI runs as `app`. */
  principal: LocalPrincipalName;
}

/**
 * The local principal the CLI acts as: `app`, the key user with the app policy attached,
 * so every local command runs under the policy `pulumi up` would attach.
 */
export const CLI_PRINCIPAL: LocalPrincipalName = 'app';

/** `app (arn:aws:iam::000000000000:user/kms-demo-app)`, for status lines. */
export function describePrincipal(name: LocalPrincipalName): string {
  return `${name} (${localPrincipalArn(name)})`;
}

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

/** The emulator serving `stateDir`, started in the background when none runs. */
export async function connectLocal(dir: Resolved): Promise<LocalConnection> {
  await prepareStateDir(dir);
  const stateDir = dir.value;
  const server = await ensureLocalServer(stateDir);
  // Only the server creates credentials; a client reads them (local-aws lifecycle).
  const credentials = await serverCredentials(stateDir, CLI_PRINCIPAL);
  addSensitive(credentials.secretAccessKey);
  return { ...server, credentials, principal: CLI_PRINCIPAL };
}

/**
 * Resolves where secrets live and, for the embedded local default, brings the background
 * emulator up when needed and announces it in one stderr line.
 */
export async function connectTarget(
  argv: GlobalOptions,
): Promise<{ config: ResolvedConfig; local: LocalConnection | undefined }> {
  const config = await resolveConfig(argv);
  let local: LocalConnection | undefined;
  if (config.target === 'local') {
    local = await connectLocal(config.stateDir);
    const why = argv.local
      ? '--local given'
      : `no AWS stack or settings found${config.note ? ` (${config.note})` : ''}`;
    const started = local.replaced
      ? `, just restarted: its credentials file had been removed (old pid ${local.replaced.pid})`
      : local.started
        ? ', just started'
        : '';
    say(
      `kms-demo: ${why}; using the local emulator at ${local.endpoint} (state in ${displayPath(config.stateDir.value)}${started})`,
    );
    if (config.ignored) {
      say(
        `kms-demo: note: ${config.ignored.join(', ')} ignored: the local emulator serves its own region`,
      );
    }
    if (argv.verbose && local.origin !== 'current' && !local.started) {
      say(
        `kms-demo: note: that server (pid ${local.pid}) was not started by this build of kms-demo; restart it ('kms-demo local stop') to run this one`,
      );
    }
  }
  return { config, local };
}

/**
 * Connects to where secrets live (see connectTarget) with clients and a store bound to it.
 * `bulk` gives the clients retries for bulk work (no shared retry quota).
 */
export async function openSession(
  argv: GlobalOptions,
  o: { bulk?: boolean } = {},
): Promise<Session> {
  const { config, local } = await connectTarget(argv);
  const clients = createClients(config, local, {
    verbose: argv.verbose === true,
    ...(o.bulk && { bulk: true }),
  });
  const sdkClients = [clients.kms, clients.dynamodb];
  const stopDeadline = applyDeadline(sdkClients, argv.timeout ?? DEFAULT_TIMEOUT_SECONDS);
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
