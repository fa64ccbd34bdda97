import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, out, outJson } from '../../io/output.js';

const UNSET = ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE'];

/** Single-quotes a value for POSIX shells. */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export const localEnvCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'env',
  describe:
    'Print shell lines pointing the AWS CLI / SDKs at the running local endpoint (and unsetting a session token or profile)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example(
        'eval "$($0 local env)"',
        'Set AWS_ENDPOINT_URL, credentials and region in this shell',
      )
      .example(
        'aws kms list-aliases',
        '…after which the AWS CLI and boto3 talk to the local endpoint',
      )
      .example('$0 local env --json', 'The same values as JSON'),
  handler: async (argv) => {
    const { resolveStateDir } = await import('../../config/state-dir.js');
    const { findRunningServer, loadOrCreateCredentials } = await import('@kms-demo/local-aws');
    const stateDir = resolveStateDir().value;
    const server = await findRunningServer(stateDir);
    if (!server) {
      throw failedError(
        `no local server runs for ${displayPath(stateDir)}; start one with 'kms-demo local start'`,
      );
    }
    const credentials = await loadOrCreateCredentials(stateDir);
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
