import { type LocalAwsCredentials, serverCredentials } from '@kms-demo/local-aws/state';
import { type LocalPrincipalName, localPrincipalArn } from '@kms-demo/spec';
import { resolveConfig } from './config/resolve-config.js';
import { prepareStateDir } from './config/state-dir.js';
import type { Resolved, ResolvedConfig } from './config/types.js';
import type { GlobalOptions } from './global-options.js';
import { displayPath, say } from './io/output.js';
import { addSensitive } from './io/redact.js';
import { ensureLocalServer, type LocalServer } from './local/ensure-local-server.js';

// Where secrets live, without the AWS SDK: the resolved configuration and, for the
// embedded local default, the running emulator and the credentials the CLI uses there.
// Kept apart from session.ts (which loads core and the SDK) so that a command can resolve
// its target while those load (start-session.ts).

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
