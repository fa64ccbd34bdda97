import type { Argv, CommandModule } from 'yargs';
import { usageError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, outJson, say } from '../../io/output.js';

interface StopOptions extends GlobalOptions {
  grace?: number;
}

export const localStopCommand: CommandModule<GlobalOptions, StopOptions> = {
  command: 'stop',
  describe: 'Stop the local endpoint of the state directory (started by you or in the background)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('grace', {
        type: 'number',
        describe: 'Seconds to wait after SIGTERM before SIGKILL (a hung server)',
        default: 10,
      })
      .example('$0 local stop', 'Stop it; data stays (use "local reset" to erase it)'),
  handler: async (argv) => {
    if (!(typeof argv.grace === 'number' && argv.grace >= 0)) {
      throw usageError('--grace must be a number of seconds (0 or more)');
    }
    const { resolveStateDir, checkStateDir } = await import('../../config/state-dir.js');
    const { stopServer } = await import('@kms-demo/local-aws/state');
    const dir = resolveStateDir();
    await checkStateDir(dir);
    const stateDir = dir.value;
    const stopped = await stopServer(stateDir, { graceMs: argv.grace * 1000 });
    if (argv.json) outJson({ stateDir, stopped: stopped !== undefined, ...(stopped ?? {}) });
    if (!stopped) {
      say(`No local server runs for ${displayPath(stateDir)}`);
    } else if (stopped.killed) {
      say(
        `Stopped the local server (pid ${stopped.pid}) with SIGKILL: it did not end within ${argv.grace} s of SIGTERM${stopped.wasUnresponsive ? ' and was not answering (suspended or hung)' : ''}; acknowledged data is on disk`,
      );
    } else {
      say(
        `Stopped the local server${stopped.endpoint ? ` at ${stopped.endpoint}` : ''} (pid ${stopped.pid})`,
      );
    }
  },
};
