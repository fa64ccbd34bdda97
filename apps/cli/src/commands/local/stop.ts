import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, outJson, say } from '../../io/output.js';

export const localStopCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'stop',
  describe: 'Stop the local endpoint of the state directory (started by you or in the background)',
  builder: (y: Argv<GlobalOptions>) =>
    y.example('$0 local stop', 'Stop it; data stays (use "local reset" to erase it)'),
  handler: async (argv) => {
    const { resolveStateDir } = await import('../../config/state-dir.js');
    const { stopServer } = await import('../../local/stop-server.js');
    const stateDir = resolveStateDir().value;
    const stopped = await stopServer(stateDir);
    if (argv.json) outJson({ stateDir, stopped: stopped !== undefined, ...(stopped ?? {}) });
    say(
      stopped
        ? `Stopped the local server at ${stopped.endpoint} (pid ${stopped.pid})`
        : `No local server runs for ${displayPath(stateDir)}`,
    );
  },
};
