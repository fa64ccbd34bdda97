import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';
import { out, outJson, printable, say, truncate } from '../io/output.js';
import { redact } from '../io/redact.js';
import { formatTable } from '../io/table.js';

/** Ids may have 64 characters; the table shows fewer, --json always the whole id. */
const MAX_ID_COLUMN = 24;

export const listCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'list',
  aliases: ['ls'],
  describe:
    'List the stored user ids with their scheme, key and creation time (never secrets), oldest first',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .example('$0 list', 'One row per stored secret, by creation time, then id')
      .example(
        '$0 list --json',
        'A JSON array of { appuser, scheme, keyArn, createdAt, legacy, unreadable? }',
      ),
  handler: async (argv) => {
    const { startSession } = await import('../start-session.js');
    const session = await startSession(argv);
    try {
      const items = [];
      for await (const item of session.store.list()) items.push(item);
      // A scan returns items in hash order, which means nothing to a reader: oldest first,
      // items without a creation time (the original demo's) before all others, then by id.
      items.sort(
        (a, b) =>
          (a.createdAt ?? '').localeCompare(b.createdAt ?? '') ||
          (a.appuser < b.appuser ? -1 : a.appuser > b.appuser ? 1 : 0),
      );
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
        truncate(printable(i.appuser), MAX_ID_COLUMN),
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
      const unreadable = items.filter((i) => i.unreadable).length;
      const readable = items.length - unreadable;
      say(
        `${readable} secret${readable === 1 ? '' : 's'}${unreadable ? ` and ${unreadable} unreadable item${unreadable === 1 ? '' : 's'}` : ''} in table ${table}`,
      );
    } finally {
      session.close();
    }
  },
};
