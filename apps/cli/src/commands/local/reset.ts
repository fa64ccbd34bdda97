import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { confirm } from '../../io/confirm.js';
import { displayPath, outJson, say } from '../../io/output.js';

interface ResetOptions extends GlobalOptions {
  yes?: boolean;
}

export const localResetCommand: CommandModule<GlobalOptions, ResetOptions> = {
  command: 'reset',
  describe: 'Erase the local key material, table data and credentials (stops the server first)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' })
      .example('$0 local reset', 'Asks, then erases every local secret and key')
      .example('$0 local reset --yes', 'Without asking (scripts)'),
  handler: async (argv) => {
    const { resolveStateDir, checkStateDir } = await import('../../config/state-dir.js');
    // The life cycle, and which files are the state's, belong to local-aws.
    const { resetState, stateEntries } = await import('@kms-demo/local-aws/state');
    const dir = resolveStateDir();
    await checkStateDir(dir);
    const stateDir = dir.value;
    if ((await stateEntries(stateDir)).length === 0) {
      if (argv.json) outJson({ stateDir, reset: false });
      say(`Nothing to reset in ${displayPath(stateDir)}`);
      return;
    }
    const sure = await confirm(
      `Erase every locally stored secret, the local key and credentials in ${displayPath(stateDir)}?`,
      { yes: argv.yes, action: 'local reset' },
    );
    if (!sure) throw failedError('nothing erased');
    const { stopped } = await resetState(stateDir);
    if (stopped) {
      say(
        `Stopped the local server (pid ${stopped.pid})${stopped.killed ? ', which did not answer, with SIGKILL after SIGTERM' : ''}`,
      );
    }
    if (argv.json) outJson({ stateDir, reset: true });
    say(`Erased the local state in ${displayPath(stateDir)}`);
  },
};
