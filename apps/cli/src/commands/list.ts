import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';
import { out, outJson, say } from '../io/output.js';
import { formatTable } from '../io/table.js';

export const listCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'List the stored user ids with their scheme, key and creation time (never secrets)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 list', 'One row per stored secret')
      .example('$0 list --json', 'A JSON array of { appuser, scheme, keyArn, createdAt, legacy }'),
  handler: async (argv) => {
    const { openSession } = await import('../session.js');
    const session = await openSession(argv);
    try {
      const items = [];
      for await (const item of session.store.list()) items.push(item);
      if (argv.json) {
        outJson(items);
        return;
      }
      const table = session.config.table.value;
      if (items.length === 0) {
        say(`No secrets stored in table ${table} yet; add one with 'kms-demo encrypt'.`);
        return;
      }
      const rows = items.map((i) => [
        i.appuser,
        i.legacy ? `${i.scheme} (legacy)` : i.scheme,
        i.keyArn ?? '-',
        i.createdAt ?? '-',
      ]);
      for (const line of formatTable(['USER', 'SCHEME', 'KEY', 'CREATED'], rows)) out(line);
      say(`${items.length} secret${items.length === 1 ? '' : 's'} in table ${table}`);
    } finally {
      session.close();
    }
  },
};
