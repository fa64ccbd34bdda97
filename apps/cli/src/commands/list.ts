import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';
import { out, outJson, printable, say } from '../io/output.js';
import { redact } from '../io/redact.js';
import { formatTable } from '../io/table.js';

export const listCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'list',
  aliases: ['ls'],
  describe: 'List the stored user ids with their scheme, key and creation time (never secrets)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 list', 'One row per stored secret')
      .example(
        '$0 list --json',
        'A JSON array of { appuser, scheme, keyArn, createdAt, legacy, unreadable? }',
      ),
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
      // The NOTE column appears only when some item has one, so the usual listing keeps
      // its four columns; each unreadable item's reason follows on stderr.
      const noted = items.some((i) => i.unreadable);
      const rows = items.map((i) => [
        printable(i.appuser),
        i.scheme,
        printable(i.keyArn ?? '-'),
        printable(i.createdAt ?? '-'),
        ...(noted ? [i.unreadable ? `unreadable (${i.unreadable.code})` : ''] : []),
      ]);
      const headers = ['USER', 'SCHEME', 'KEY', 'CREATED', ...(noted ? ['NOTE'] : [])];
      for (const line of formatTable(headers, rows)) out(line);
      for (const i of items) {
        if (i.unreadable) {
          say(
            `note: ${printable(i.appuser)} cannot be read (${i.unreadable.code}): ${redact(printable(i.unreadable.reason))}`,
          );
        }
      }
      say(`${items.length} secret${items.length === 1 ? '' : 's'} in table ${table}`);
    } finally {
      session.close();
    }
  },
};
