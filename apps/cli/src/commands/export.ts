import type { Argv, CommandModule } from 'yargs';
import type { GlobalOptions } from '../global-options.js';

interface ExportArgs extends GlobalOptions {
  out?: string;
  force?: boolean;
  encrypted?: boolean;
  allowLegacy?: boolean;
  concurrency: number;
}

export const exportCommand: CommandModule<GlobalOptions, ExportArgs> = {
  command: 'export',
  describe: 'Write every stored secret as JSON Lines (plaintext), or an encrypted backup',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('out', {
        alias: 'o',
        type: 'string',
        describe: 'Create this file (0600; never overwrites) instead of writing stdout',
      })
      .option('force', { type: 'boolean', describe: 'Write plaintext to a terminal anyway' })
      .option('encrypted', {
        type: 'boolean',
        describe: "The stored items as they are (no decryption), for 'import --encrypted'",
      })
      .option('allow-legacy', {
        type: 'boolean',
        describe: "Also decrypt the original demo's items (not bound to their ids)",
      })
      .option('concurrency', { type: 'number', default: 16, describe: 'KMS requests at a time' })
      .example('$0 export --out secrets.jsonl', 'Every secret, decrypted, into a new 0600 file')
      .example('$0 export --encrypted --out backup.jsonl', 'A backup that stays encrypted'),
  handler: async (argv) => {
    const { checkConcurrency } = await import('../io/check-input.js');
    await checkConcurrency(argv.concurrency);
    const { runExport } = await import('../bulk/run-export.js');
    await runExport(argv);
  },
};
