import type { MigrateResult } from '@kms-demo/core';
import type { Argv, CommandModule } from 'yargs';
import { failedError, usageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { outJson, printable, say } from '../io/output.js';

interface MigrateFailure {
  appuser: string;
  error: { code: string; message: string };
}

interface MigrateOptions extends GlobalOptions {
  user?: string;
  all?: boolean;
  toKey?: string;
}

export const migrateCommand: CommandModule<GlobalOptions, MigrateOptions> = {
  command: 'migrate [user]',
  describe:
    'Re-encrypt stored secrets in the current format (envelope, bound to their item), optionally under another key; reads original-format items without --allow-legacy',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', describe: 'The user id to migrate' })
      .option('all', { type: 'boolean', describe: 'Migrate every stored secret' })
      .option('to-key', {
        type: 'string',
        describe: 'Re-encrypt under this KMS key (id, ARN or alias)',
      })
      .example('$0 migrate 12345', 'Upgrade one item written by the original demo')
      .example('$0 migrate --all', 'Upgrade every item; progress on stderr')
      .example('$0 migrate --all --to-key alias/new-key', 'Move every secret to another key'),
  handler: async (argv) => {
    if ((argv.user === undefined) === !argv.all) {
      throw usageError("name one user id or pass --all (see 'kms-demo migrate --help')");
    }
    if (argv.user !== undefined) {
      const { checkUserId } = await import('../io/check-input.js');
      await checkUserId(argv.user);
    }
    const { openSession } = await import('../session.js');
    const session = await openSession(argv);
    const options = argv.toKey ? { toKeyId: argv.toKey } : {};
    try {
      const table = session.config.table.value;
      if (argv.user !== undefined) {
        const result = await session.store.migrate(argv.user, options);
        if (argv.json) outJson(result);
        say(describeResult(result));
        return;
      }
      const ids: string[] = [];
      for await (const item of session.store.list()) ids.push(item.appuser);
      if (ids.length === 0) {
        if (argv.json) outJson([]);
        say(`No secrets stored in table ${table}; nothing to migrate`);
        return;
      }
      // One line per item on stderr, on a terminal or not: a log that scrolls is also
      // the record of what changed, and stays readable when redirected to a file.
      say(`Migrating ${plural(ids.length, 'secret')} in table ${table}`);
      const results: MigrateResult[] = [];
      let failed = 0;
      // Failures ride in the same array, in order, marked by `error`: a script sees every item.
      const entries: Array<MigrateResult | MigrateFailure> = [];
      for (const [index, id] of ids.entries()) {
        const step = `[${index + 1}/${ids.length}]`;
        try {
          const result = await session.store.migrate(id, options);
          results.push(result);
          entries.push(result);
          say(`${step} ${describeResult(result)}`);
        } catch (error) {
          const { messageFor } = await import('../error-boundary.js');
          const { redact } = await import('../io/redact.js');
          const message = redact(messageFor(error));
          const code = (error as { code?: unknown }).code;
          failed++;
          entries.push({
            appuser: id,
            error: { code: typeof code === 'string' ? code : 'FAILED', message },
          });
          say(`${step} ${printable(id)}: failed: ${message}`);
        }
      }
      if (argv.json) outJson(entries);
      const changed = results.filter((r) => r.changed).length;
      const current = results.length - changed;
      say(
        `Migrated ${changed} of ${plural(ids.length, 'secret')}; ${current} already current${failed ? `, ${failed} failed` : ''}`,
      );
      if (failed > 0) throw failedError(`${plural(failed, 'secret')} could not be migrated`);
    } finally {
      session.close();
    }
  },
};

function describeResult(r: {
  appuser: string;
  from: string;
  to: string;
  keyArn: string;
  changed: boolean;
}) {
  // Migrating is the one way in that needs no --allow-legacy: say that it read such an item.
  const read =
    r.from === 'legacy' ? ', read in the original unbound format on purpose; now bound' : '';
  return r.changed
    ? `${r.appuser}: ${r.from} -> ${r.to} (${r.keyArn}${read})`
    : `${r.appuser}: already ${r.to} (${r.keyArn})`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
