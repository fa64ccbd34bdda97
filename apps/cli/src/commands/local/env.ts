import { LOCAL_PRINCIPALS, type LocalPrincipalName } from '@kms-demo/spec';
import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, out, outJson, say } from '../../io/output.js';

const UNSET = ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE'];
/** How long to wait for a server that another process is starting. */
const START_WAIT_MS = 10_000;
/**
 * A `local start` launched just before takes about 0.2 s to claim the start lock (more
 * on a busy machine).
 */
const START_GRACE_MS = 1_500;

/** Single-quotes a value for POSIX shells. */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

interface EnvOptions extends GlobalOptions {
  as: LocalPrincipalName;
}

export const localEnvCommand: CommandModule<GlobalOptions, EnvOptions> = {
  command: 'env',
  describe:
    'Print shell lines pointing the AWS CLI / SDKs at the running local endpoint (and unsetting a session token or profile)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('as', {
        choices: LOCAL_PRINCIPALS,
        default: 'admin' as LocalPrincipalName,
        describe:
          'Whose credentials: admin (the account administrator), key-admin (manages the key, cannot use it), app (the key user the CLI runs as), auditor (reads the trail only)',
      })
      .example(
        'vars="$($0 local env --as app)" && eval "$vars"',
        'Act as the app, under the app policy',
      )
      .example(
        'vars="$($0 local env)" && eval "$vars"',
        'Set AWS_ENDPOINT_URL, credentials and region in this shell',
      )
      .example(
        'aws kms list-aliases',
        '…after which the AWS CLI and boto3 talk to the local endpoint',
      )
      .example('$0 local env --json', 'The same values as JSON'),
  handler: async (argv) => {
    const { checkStateDir, resolveStateDir } = await import('../../config/state-dir.js');
    const { findRunningServer, serverCredentials } = await import('@kms-demo/local-aws/state');
    const { startUnderWay } = await import('../../local/start-under-way.js');
    const { AUTO_SERVER_IDLE_SECONDS } = await import('../../local/ensure-local-server.js');
    const dir = resolveStateDir();
    await checkStateDir(dir);
    const stateDir = dir.value;
    // `kms-demo local start &` followed at once by `eval "$(kms-demo local env)"`: the
    // server is on its way, and deciding that none runs would leave the shell pointed
    // at real AWS. Wait for it while a live process is starting one; and for a moment
    // even when none is seen yet, since that start may still be booting Node.
    const now = Date.now();
    const deadline = now + START_WAIT_MS;
    const graceEnd = now + START_GRACE_MS;
    // The same holds after `pnpm demo`: a command's background server runs, and the
    // `local start &` just launched is about to take over from it on port 4566.
    let server = await findRunningServer(stateDir);
    const background = () => server?.meta?.autoStarted === 'true';
    while (
      (!server || background()) &&
      Date.now() < deadline &&
      (Date.now() < graceEnd || (await startUnderWay(stateDir)))
    ) {
      await new Promise((r) => setTimeout(r, 50));
      server = await findRunningServer(stateDir);
    }
    if (!server) {
      throw failedError(
        `no local server runs for ${displayPath(stateDir)}; start one with 'kms-demo local start'`,
      );
    }
    const credentials = await serverCredentials(stateDir, argv.as);
    if (server.meta?.autoStarted === 'true') {
      // Not the shell's own server: it goes away after its idle timeout, and this
      // shell's `aws` commands with it.
      say(
        `kms-demo: note: this is a background server started by a command; it stops after ${AUTO_SERVER_IDLE_SECONDS / 60} idle minutes. For one that stays, run 'kms-demo local start &' first (it takes over)`,
      );
    }
    const vars = {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: server.region,
      // The AWS CLI v1 and boto3 read the region from AWS_DEFAULT_REGION.
      AWS_DEFAULT_REGION: server.region,
    };
    if (argv.json) {
      outJson(vars);
      return;
    }
    // Settings of a real AWS account in the same shell would still apply: the SDKs send a
    // session token along with the local keys (UnrecognizedClientException) and the AWS
    // CLI fails on a profile it cannot find in a fresh HOME; with them unset, only the
    // local endpoint's settings remain.
    out(`unset ${UNSET.join(' ')}`);
    for (const [name, value] of Object.entries(vars)) out(`export ${name}=${shellQuote(value)}`);
  },
};
