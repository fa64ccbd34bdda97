import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, out, outJson } from '../../io/output.js';

export const localStatusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'Say whether a local endpoint runs for the state directory, and where',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 local status', 'Endpoint, pid and start time, or "not running" and why')
      .example('KMS_DEMO_HOME=/tmp/demo $0 local status', 'For another state directory'),
  handler: async (argv) => {
    const { resolveStateDir, checkStateDir } = await import('../../config/state-dir.js');
    const { serverStatus } = await import('@kms-demo/local-aws/state');
    const dir = resolveStateDir();
    await checkStateDir(dir);
    const stateDir = dir.value;
    const status = await serverStatus(stateDir);
    const server = status.state === 'running' ? status.server : undefined;
    if (argv.json) {
      outJson({
        stateDir,
        running: server !== undefined,
        state: status.state,
        ...(server ?? {}),
        ...(status.state === 'unresponsive'
          ? { pid: status.pid, suspended: status.suspended }
          : {}),
        ...(status.state === 'stopped' && status.lastStop ? { lastStop: status.lastStop } : {}),
      });
      return;
    }
    out(`state:     ${displayPath(stateDir)}`);
    if (status.state === 'unresponsive') {
      out(
        `server:    not answering, pid ${status.pid} (${status.suspended ? 'suspended: SIGSTOP or Ctrl-Z' : 'hung or busy'}); 'kms-demo local stop' ends it`,
      );
      return;
    }
    if (status.state === 'starting') {
      out('server:    starting');
      return;
    }
    if (!server) {
      out('server:    not running (commands start one in the background when needed)');
      const last = status.state === 'stopped' ? status.lastStop : undefined;
      if (last) {
        out(
          `last stop: ${last.failed ? 'FAILED: ' : ''}pid ${last.pid} at ${last.at}: ${last.reason}`,
        );
      }
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
