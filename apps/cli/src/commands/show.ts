import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';
import { out, outJson, say } from '../io/output.js';

interface ShowOptions extends GlobalOptions {
  user: string;
}

export const showCommand: CommandModule<GlobalOptions, ShowOptions> = {
  command: 'show <user>',
  describe: 'Show the stored (encrypted) item of a user without decrypting it',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .positional('user', { type: 'string', demandOption: true, describe: 'The user id' })
      .example('$0 show k3v9x2m7qa', 'Ciphertext size and prefix, scheme, key, encryption context')
      .example('$0 show k3v9x2m7qa --json', 'The same as JSON'),
  handler: async (argv) => {
    const { checkUserId } = await import('../io/check-input.js');
    await checkUserId(argv.user);
    const { startSession } = await import('../start-session.js');
    const session = await startSession(argv);
    try {
      const item = await session.store.describe(argv.user);
      const table = session.config.table.value;
      if (argv.json) {
        outJson({ table, ...item });
        return;
      }
      const algorithm = item.algorithm
        ? `${item.algorithm.name} (${item.algorithm.hex}${item.algorithm.committing ? ', key commitment' : ''}${item.algorithm.signed ? ', signed' : ''})`
        : undefined;
      const rows: Array<[string, string | undefined]> = [
        ['user', argv.user],
        ['table', table],
        ['scheme', item.legacy ? `${item.scheme} (original demo format)` : item.scheme],
        ['key', item.keyArn],
        ['created', item.createdAt],
        ['ciphertext', `${item.ciphertextBytes} bytes, begins ${item.ciphertextPrefix}…`],
        ['algorithm', algorithm],
        ['context', formatContext(item.encryptionContext)],
        ['wrapped by', item.wrappingKeyArns?.join(', ')],
      ];
      for (const [name, value] of rows) {
        if (value !== undefined && value !== '') out(`${`${name}:`.padEnd(12)}${value}`);
      }
      // `show` describes and exits 0 whatever it finds; but a header naming another item
      // is the one thing a user exploring the table must not miss (JSON carries the flag).
      if (item.contextMatchesItem === false) {
        say(
          `WARNING: the encryption context does not match this item (user ${argv.user}, table ${table}): it was altered or copied from another item; decrypt will refuse it`,
        );
      }
    } finally {
      session.close();
    }
  },
};

function formatContext(context: Record<string, string> | undefined): string | undefined {
  if (!context) return undefined;
  return Object.entries(context)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
