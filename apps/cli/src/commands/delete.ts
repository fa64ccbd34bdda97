import type { Argv, CommandModule } from 'yargs';
import { failedError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { confirm } from '../io/confirm.js';
import { outJson, say } from '../io/output.js';

interface DeleteOptions extends GlobalOptions {
  user: string;
  yes?: boolean;
}

export const deleteCommand: CommandModule<GlobalOptions, DeleteOptions> = {
  command: 'delete <user>',
  aliases: ['rm'],
  describe: "Delete a user's stored secret",
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', demandOption: true, describe: 'The user id' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' })
      .example('$0 delete k3v9x2m7qa', 'Asks before deleting')
      .example('$0 delete k3v9x2m7qa --yes', 'Deletes without asking (needed in scripts)'),
  handler: async (argv) => {
    const { checkUserId } = await import('../io/check-input.js');
    await checkUserId(argv.user);
    const { openSession } = await import('../session.js');
    const session = await openSession(argv);
    try {
      const table = session.config.table.value;
      // Fails with NOT_FOUND before asking, so nobody confirms a delete of nothing.
      await session.store.describe(argv.user);
      const sure = await confirm(`Delete the secret of user ${argv.user} from table ${table}?`, {
        yes: argv.yes,
        action: `deleting user ${argv.user}`,
      });
      if (!sure) throw failedError('nothing deleted');
      await session.store.delete(argv.user);
      if (argv.json) outJson({ appuser: argv.user, table, deleted: true });
      say(`Deleted the secret of user ${argv.user} from table ${table}`);
    } finally {
      session.close();
    }
  },
};
