import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { confirm } from '../../io/confirm.js';
import { displayPath, outJson, say } from '../../io/output.js';

interface ResetOptions extends GlobalOptions {
  yes?: boolean;
}

/**
 * What the emulator and the CLI keep in a state directory. Only these are removed, so a
 * KMS_DEMO_HOME pointed at a directory holding other files never loses them.
 */
const STATE_ENTRIES = [
  'kms',
  'dynamodb',
  'credentials',
  'credentials.json',
  'cloudtrail',
  'server.json',
  'server.lock',
  'server.log',
  'start.lock',
];

export const localResetCommand: CommandModule<GlobalOptions, ResetOptions> = {
  command: 'reset',
  describe: 'Erase the local key material, table data and credentials (stops the server first)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' })
      .example('$0 local reset', 'Asks, then erases every local secret and key')
      .example('$0 local reset --yes', 'Without asking (scripts)'),
  handler: async (argv) => {
    const { resolveStateDir } = await import('../../config/state-dir.js');
    const { stopServer } = await import('../../local/stop-server.js');
    const stateDir = resolveStateDir().value;
    const present = await readdir(stateDir).catch(() => [] as string[]);
    const ours = STATE_ENTRIES.filter((e) => present.includes(e));
    if (ours.length === 0) {
      if (argv.json) outJson({ stateDir, reset: false });
      say(`Nothing to reset in ${displayPath(stateDir)}`);
      return;
    }
    const sure = await confirm(
      `Erase every locally stored secret, the local key and credentials in ${displayPath(stateDir)}?`,
      { yes: argv.yes, action: 'local reset' },
    );
    if (!sure) throw failedError('nothing erased');
    const stopped = await stopServer(stateDir);
    if (stopped) say(`Stopped the local server (pid ${stopped.pid})`);
    for (const entry of ours) await rm(join(stateDir, entry), { recursive: true, force: true });
    // Leaves the directory when it holds anything else.
    await rmdir(stateDir).catch(() => undefined);
    if (argv.json) outJson({ stateDir, reset: true });
    say(`Erased the local state in ${displayPath(stateDir)}`);
  },
};
