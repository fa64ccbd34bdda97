import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, out, outJson } from '../../io/output.js';

export const localStatusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'Say whether a local endpoint runs for the state directory, and where',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 local status', 'Endpoint, pid and start time, or "not running"')
      .example('KMS_DEMO_HOME=/tmp/demo $0 local status', 'For another state directory'),
  handler: async (argv) => {
    const { resolveStateDir } = await import('../../config/state-dir.js');
    const { findRunningServer } = await import('@kms-demo/local-aws/state');
    const stateDir = resolveStateDir().value;
    const server = await findRunningServer(stateDir);
    if (argv.json) {
      outJson({ stateDir, running: server !== undefined, ...(server ?? {}) });
      return;
    }
    out(`state:     ${displayPath(stateDir)}`);
    if (!server) {
      out('server:    not running (commands start one in the background when needed)');
      return;
    }
    const by =
      server.meta?.autoStarted === 'true'
        ? 'in the background by a command'
        : server.meta?.buildId
          ? "by 'kms-demo local start'"
          : 'by another program';
    out(`server:    running, pid ${server.pid}, since ${server.startedAt}, started ${by}`);
    out(`endpoint:  ${server.endpoint}`);
    out(`region:    ${server.region}`);
  },
};
