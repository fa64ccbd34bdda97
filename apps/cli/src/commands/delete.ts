import type { Argv, CommandModule } from 'yargs';
import { failedError, usageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { confirm } from '../io/confirm.js';
import { outJson, printable, say } from '../io/output.js';

interface DeleteOptions extends GlobalOptions {
  user: string;
  yes?: boolean;
}

export const deleteCommand: CommandModule<GlobalOptions, DeleteOptions> = {
  command: 'delete <user>',
  aliases: ['rm'],
  describe: "Delete a user's stored secret, even one that cannot be read",
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', demandOption: true, describe: 'The user id' })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'Do not ask for confirmation' })
      .example('$0 delete k3v9x2m7qa', 'Asks before deleting')
      .example('$0 delete k3v9x2m7qa --yes', 'Deletes without asking (needed in scripts)'),
  handler: async (argv) => {
    // Any id an item can have, even one today's rules refuse (another tool wrote it):
    // an item that cannot be read must still be removable.
    if (argv.user === '') throw usageError('missing the user id: kms-demo delete <user>');
    const { startSession } = await import('../start-session.js');
    const session = await startSession(argv);
    try {
      const table = session.config.table.value;
      const shown = printable(argv.user);
      // Fails with NOT_FOUND before asking, so nobody confirms a delete of nothing; the
      // item is looked at, never parsed, so an unreadable one is shown and removable.
      const item = await session.store.inspect(argv.user);
      const what = item.unreadable
        ? ` (unreadable: ${item.unreadable.code})`
        : item.createdAt
          ? ` (${item.scheme}, created ${printable(item.createdAt)})`
          : ` (${item.scheme})`;
      const sure = await confirm(`Delete the secret of user ${shown}${what} from table ${table}?`, {
        yes: argv.yes,
        action: `deleting user ${shown}`,
      });
      if (!sure) throw failedError('nothing deleted');
      await session.store.delete(argv.user);
      if (argv.json) outJson({ appuser: argv.user, table, deleted: true });
      say(`Deleted the secret of user ${shown} from table ${table}`);
    } finally {
      session.close();
    }
  },
};
